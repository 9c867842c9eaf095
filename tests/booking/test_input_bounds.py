"""Never a 500 on input (issue 12, point 3): dates far outside any booking, ids that are not
numbers, a multipart body without boundary. Each case once crashed; each now gets its 4xx and a
French message."""

from datetime import timedelta

import pytest
from django.test import Client

from maillage.booking.bounds import OUT_OF_RANGE, day_from_text, id_from_text
from maillage.booking.forms import today
from maillage.booking.models import Booking, CalendarFeed, PassProduct, Plan
from maillage.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    waitlist_join,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FAR_DAYS = ["9999-12-31", "0001-01-01"]
API_OUT_OF_RANGE = {
    "9999-12-31": "doit être inférieur ou égal à 2100-12-31",
    "0001-01-01": "doit être supérieur ou égal à 2000-01-01",
}


@pytest.mark.parametrize("day", FAR_DAYS)
def test_search_page_refuses_a_day_outside_the_span(client, open_space, day):
    response = client.get("/reserver/", {"date": day, "creneau": "day"})
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [OUT_OF_RANGE]


@pytest.mark.parametrize("day", FAR_DAYS)
def test_booking_page_shows_today_for_a_day_outside_the_span(client, open_space, day):
    client.force_login(UserFactory())
    response = client.get(f"/reserver/ressource/{open_space.pk}/", {"date": day})
    assert response.status_code == 200
    assert response.context["day"] == today()


@pytest.mark.parametrize("day", FAR_DAYS)
def test_booking_post_refuses_a_day_outside_the_span(client, open_space, day):
    client.force_login(UserFactory())
    response = client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": day, "creneau": "day", "paiement": "on_site"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [OUT_OF_RANGE]


@pytest.mark.parametrize("day", FAR_DAYS)
@pytest.mark.parametrize("view", ["", "&vue=semaine"])
def test_agenda_falls_back_to_today_for_a_day_outside_the_span(
    client, manager, place, open_space, day, view
):
    client.force_login(manager)
    response = client.get(f"/reserver/lieu/{place.public_id}/agenda/?jour={day}{view}")
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"Date illisible ou trop lointaine ({OUT_OF_RANGE}) : voici l'agenda d'aujourd'hui."
    ]


@pytest.mark.parametrize("day", FAR_DAYS)
def test_api_availability_refuses_a_day_outside_the_span(client, place, open_space, day):
    response = client.get(
        "/api/reservations/disponibilites", {"lieu": str(place.public_id), "date": day}
    )
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"champ": "date", "emplacement": ["query", "date"], "message": API_OUT_OF_RANGE[day]}
    ]


@pytest.mark.parametrize("day", FAR_DAYS)
def test_api_place_bookings_refuses_a_day_outside_the_span(client, manager, place, day):
    client.force_login(manager)
    response = client.get(f"/api/reservations/lieu/{place.public_id}", {"du": day, "au": day})
    assert response.status_code == 422
    assert [error["champ"] for error in response.json()["erreurs"]] == ["du", "au"]


@pytest.mark.parametrize("day", FAR_DAYS)
def test_api_booking_refuses_a_day_outside_the_span(client, open_space, day):
    client.force_login(UserFactory())
    response = client.post(
        "/api/reservations",
        {"ressource": open_space.pk, "date": day, "creneau": "journee"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {
            "champ": "date",
            "emplacement": ["body", "payload", "date"],
            "message": API_OUT_OF_RANGE[day],
        }
    ]


def test_api_booking_refuses_a_resource_id_beyond_64_bits(client, open_space):
    client.force_login(UserFactory())
    response = client.post(
        "/api/reservations",
        {"ressource": 2**63, "date": "2030-01-02", "creneau": "journee"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["erreurs"][0]["champ"] == "ressource"


def test_offer_page_answers_404_for_a_resource_id_that_is_not_a_number(client, manager, place):
    client.force_login(manager)
    assert client.get(f"/reserver/lieu/{place.public_id}/offre/?ressource=abc").status_code == 404
    response = client.post(
        f"/reserver/lieu/{place.public_id}/offre/", {"quoi": "ressource", "id": "abc"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("action", "field", "message"),
    [
        ("vendre", "produit", "Choisissez un carnet de ce lieu."),
        ("abonner", "formule", "Choisissez une formule de ce lieu."),
    ],
)
def test_member_add_says_what_to_choose_for_an_id_that_is_not_a_number(
    client, manager, place, action, field, message
):
    PassProduct.objects.create(place=place, name="Carnet", unit="day", units=10)
    Plan.objects.create(place=place, name="Mensuel")
    client.force_login(manager)
    response = client.post(
        f"/reserver/lieu/{place.public_id}/membres/ajouter/",
        {"email": manager.email, "action": action, field: "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [message]


def test_api_post_multipart_without_boundary_is_a_french_400(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic(
        "POST",
        "/api/reservations",
        b"ressource=1",
        content_type="multipart/form-data",
        HTTP_X_CSRFTOKEN="a" * 32,
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de requête illisible : un envoi multipart/form-data doit indiquer sa "
        "limite (boundary) ; cette API attend du JSON (Content-Type: application/json)."
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2030-01-02", "2030-01-02"), ("9999-12-31", None), ("0001-01-01", None), ("abc", None)],
)
def test_day_from_text(text, expected):
    day = day_from_text(text)
    assert (day.isoformat() if day else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("abc", None),
        ("0", None),
        ("-3", None),
        ("²", None),
        (str(2**63), None),
        (None, None),
    ],
)
def test_id_from_text(text, expected):
    assert id_from_text(text) == expected


def test_calendar_feed_for_a_resource_id_that_is_not_a_number_is_a_404(client, manager, place):
    client.force_login(manager)
    response = client.post("/reserver/agendas/", {"action": "creer", "ressource": "abc"})
    assert response.status_code == 404
    assert CalendarFeed.objects.count() == 0


def test_accepting_an_offer_with_an_unreadable_carnet_says_choose_one(
    client, open_space, django_capture_on_commit_callbacks
):
    open_space.capacity = 1
    open_space.save()
    day = today() + timedelta(days=7)
    first, waiting = UserFactory(), UserFactory()
    booking, _ = booking_create(
        user=first, request=BookingRequest(resource=open_space, day=day, slot="day")
    )
    waitlist_join(user=waiting, request=BookingRequest(resource=open_space, day=day, slot="day"))
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=first, public_id=booking.public_id)
    offer = Booking.objects.get(user=waiting)
    client.force_login(waiting)
    response = client.post(
        f"/reserver/reservations/{offer.public_id}/accepter/",
        {"paiement": "pass", "carnet": "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Choisissez un de vos carnets."]
    offer.refresh_from_db()
    assert offer.status == Booking.Status.OFFERED
