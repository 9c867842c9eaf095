"""Booking pages: search, book, cancel, waiting list, manager tools, calendar feeds."""

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from maillage.booking.models import Booking, CalendarFeed, PlaceBookingSettings
from maillage.booking.timeslots import local_day
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def next_tuesday():
    day = local_day(timezone.now()) + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_search_lists_places_with_free_seats(client, open_space):
    page = client.get("/reserver/", {"date": next_tuesday(), "creneau": "day", "pres_de": "Caen"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "La Fabrique du Port" in text and "3 places libres" in text
    bad = client.get("/reserver/", {"date": "2020-01-01", "creneau": "day"})
    assert bad.status_code == 400 and "date à venir" in bad.content.decode()


def test_book_then_cancel_from_the_pages(client, open_space):
    user = UserFactory()
    client.force_login(user)
    day = next_tuesday()
    url = f"/reserver/ressource/{open_space.pk}/"
    assert client.get(url, {"date": day, "creneau": "day"}).status_code == 200
    response = client.post(
        url, {"date": day, "creneau": "day", "places": 1, "paiement": "on_site", "cle": "form-1"}
    )
    booking = Booking.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/reserver/reservations/{booking.public_id}/"
    )
    # A double submit of the same form (same key) books once.
    client.post(
        url, {"date": day, "creneau": "day", "places": 1, "paiement": "on_site", "cle": "form-1"}
    )
    assert Booking.objects.count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert "15,00" in detail and "Annuler la réservation" in detail
    ics = client.get(f"/reserver/reservations/{booking.public_id}/agenda.ics")
    assert (
        icalendar.Calendar.from_ical(ics.content)
        .walk("VEVENT")[0]["uid"]
        .startswith(str(booking.public_id))
    )
    client.post(f"/reserver/reservations/{booking.public_id}/annuler/")
    assert Booking.objects.get().status == "cancelled"


def test_refused_booking_shows_the_french_reason_and_the_waiting_list(client, open_space):
    open_space.capacity = 1
    open_space.save()
    day = next_tuesday()
    url = f"/reserver/ressource/{open_space.pk}/"
    client.force_login(UserFactory())
    client.post(url, {"date": day, "creneau": "day", "paiement": "on_site"})
    client.force_login(UserFactory())
    page = client.post(url, {"date": day, "creneau": "day", "paiement": "on_site"})
    assert page.status_code == 409
    text = page.content.decode()
    assert "Complet" in text and "liste d&#x27;attente" in text.replace("'", "&#x27;")


def test_pages_of_someone_elses_booking_are_404(client, open_space):
    owner = UserFactory()
    client.force_login(owner)
    client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": next_tuesday(), "creneau": "day", "paiement": "on_site"},
    )
    booking = Booking.objects.get()
    other_manager = UserFactory()
    OrganisationFactory(managers=[other_manager])
    for actor in (UserFactory(), other_manager):
        client.force_login(actor)
        for url in (
            f"/reserver/reservations/{booking.public_id}/",
            f"/reserver/reservations/{booking.public_id}/agenda.ics",
            f"/reserver/reservations/{booking.public_id}/deplacer/",
        ):
            assert client.get(url).status_code == 404
        assert (
            client.post(f"/reserver/reservations/{booking.public_id}/annuler/").status_code == 404
        )
        assert (
            client.post(f"/reserver/reservations/{booking.public_id}/presence/").status_code == 404
        )
        assert client.get(f"/reserver/lieu/{open_space.place.public_id}/agenda/").status_code == 404
    assert (
        Booking.objects.get().status == "confirmed" and Booking.objects.get().checked_in_at is None
    )


def test_manager_agenda_book_for_members_and_poster(client, open_space, manager):
    person = UserFactory(email="claire@example.org")
    client.force_login(manager)
    place_id = open_space.place.public_id
    day = next_tuesday()
    response = client.post(
        f"/reserver/lieu/{place_id}/reserver-pour/",
        {
            "email": "CLAIRE@example.org",
            "ressource": open_space.pk,
            "date": day,
            "creneau": "morning",
            "paiement": "on_site",
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and booking.user == person and booking.created_by == manager
    unknown = client.post(
        f"/reserver/lieu/{place_id}/reserver-pour/",
        {"email": "x@example.org", "date": day, "creneau": "day"},
    )
    assert unknown.status_code == 400 and "Aucun compte actif" in unknown.content.decode()
    agenda = client.get(
        f"/reserver/lieu/{place_id}/agenda/", {"jour": day, "vue": "semaine"}
    ).content.decode()
    assert str(person) in agenda and "09:00–13:00" in agenda
    assert (
        "claire@example.org" in client.get(f"/reserver/lieu/{place_id}/membres/").content.decode()
    )
    poster_url = f"/reserver/lieu/{place_id}/code-presence/"
    # Reading the poster page writes nothing: the code is created by a POST.
    first = client.get(poster_url)
    assert first.status_code == 200 and "<svg" not in first.content.decode()
    assert PlaceBookingSettings.objects.filter(place=open_space.place).count() == 0
    created = client.post(poster_url)
    assert created.status_code == 302 and created["Location"] == poster_url
    token = PlaceBookingSettings.objects.get(place=open_space.place).check_in_token
    poster = client.get(poster_url).content.decode()
    assert "<svg" in poster and f"/reserver/presence/{token}/" in poster
    # A second POST keeps the same code (posters already printed stay valid).
    client.post(poster_url)
    assert PlaceBookingSettings.objects.get(place=open_space.place).check_in_token == token


def test_calendar_feed_is_valid_and_revocable(client, open_space, manager):
    user = UserFactory()
    client.force_login(user)
    client.post(
        f"/reserver/ressource/{open_space.pk}/",
        {"date": next_tuesday(), "creneau": "day", "paiement": "on_site"},
    )
    client.post("/reserver/agendas/", {"action": "creer"})
    feed = CalendarFeed.objects.get(user=user)
    client.logout()
    body = client.get(f"/reserver/agenda/{feed.token}.ics")
    assert body.status_code == 200 and body["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(body.content)
    [event] = calendar.walk("VEVENT")
    assert event["status"] == "CONFIRMED" and "Espace partagé" in str(event["summary"])
    client.force_login(user)
    client.post("/reserver/agendas/", {"action": "revoquer", "jeton": feed.token})
    client.logout()
    assert client.get(f"/reserver/agenda/{feed.token}.ics").status_code == 404
    # A resource feed is for the place's team only.
    client.force_login(user)
    assert (
        client.post(
            "/reserver/agendas/", {"action": "creer", "ressource": open_space.pk}
        ).status_code
        == 404
    )
    client.force_login(manager)
    client.post("/reserver/agendas/", {"action": "creer", "ressource": open_space.pk})
    resource_feed = CalendarFeed.objects.get(user=manager)
    events = icalendar.Calendar.from_ical(
        client.get(f"/reserver/agenda/{resource_feed.token}.ics").content
    ).walk("VEVENT")
    assert len(events) == 1 and str(user) in str(events[0]["summary"])


def test_team_keeps_the_offer_and_sells_passes(client, place, manager):
    client.force_login(manager)
    url = f"/reserver/lieu/{place.public_id}/offre/"
    response = client.post(
        url,
        {
            "quoi": "ressource",
            "ressource-kind": "meeting_room",
            "ressource-name": "Salle Phare",
            "ressource-capacity": 1,
            "ressource-by_hour": "on",
            "ressource-price_hour_cents": "12,50",
            "ressource-price_half_day_cents": "0",
            "ressource-price_day_cents": "0",
            "ressource-min_minutes": 60,
            "ressource-max_minutes": 480,
            "ressource-horizon_days": 30,
            "ressource-cancel_hours": 24,
            "ressource-is_active": "on",
        },
    )
    assert response.status_code == 302
    room = place.resources.get()
    assert (room.name, room.price_hour_cents, room.by_day) == ("Salle Phare", 1250, False)
    bad = client.post(
        url,
        {
            "quoi": "ressource",
            "ressource-kind": "meeting_room",
            "ressource-name": "Salle 2",
            "ressource-capacity": 4,
            "ressource-min_minutes": 60,
            "ressource-max_minutes": 480,
            "ressource-horizon_days": 30,
            "ressource-cancel_hours": 24,
            "ressource-price_hour_cents": "0",
            "ressource-price_half_day_cents": "0",
            "ressource-price_day_cents": "0",
        },
    )
    assert bad.status_code == 400 and "une seule place" in bad.content.decode()
    assert place.resources.count() == 1
    client.post(
        url,
        {
            "quoi": "carnet",
            "carnet-name": "5 journées",
            "carnet-unit": "day",
            "carnet-units": 5,
            "carnet-price_cents": "60",
            "carnet-validity_days": 180,
            "carnet-is_active": "on",
        },
    )
    product = place.pass_products.get()
    assert product.price_cents == 6000
    buyer = UserFactory(email="bea@example.org")
    client.post(
        f"/reserver/lieu/{place.public_id}/membres/ajouter/",
        {"action": "vendre", "email": "bea@example.org", "produit": product.pk},
    )
    assert buyer.passes.get().units_left == 5
    assert "5/5" in client.get(f"/reserver/lieu/{place.public_id}/membres/").content.decode()
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert (
        client.post(
            f"/reserver/lieu/{place.public_id}/membres/ajouter/",
            {"action": "vendre", "email": "bea@example.org", "produit": product.pk},
        ).status_code
        == 404
    )
    assert buyer.passes.count() == 1


def test_search_by_hours_lists_open_free_rooms_and_asks_for_both_times(client, room):
    day = next_tuesday()
    page = client.get(
        "/reserver/", {"date": day, "creneau": "hours", "debut": "10:00", "fin": "12:00"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Salle Hublot" in text and "10:00 – 12:00" in text
    assert "debut=10:00&amp;fin=12:00" in text
    closed = client.get(
        "/reserver/", {"date": day, "creneau": "hours", "debut": "19:00", "fin": "20:00"}
    )
    assert "Salle Hublot" not in closed.content.decode()
    missing = client.get("/reserver/", {"date": day, "creneau": "hours"})
    assert (
        missing.status_code == 400 and "Indiquez l&#x27;heure de début" in missing.content.decode()
    )


def test_place_page_offers_its_resources_and_the_agenda_to_its_team(client, open_space, manager):
    page = client.get(f"/lieux/{open_space.place.public_id}/").content.decode()
    assert f"/reserver/ressource/{open_space.pk}/" in page and "Réservations du lieu" not in page
    client.force_login(manager)
    page = client.get(f"/lieux/{open_space.place.public_id}/").content.decode()
    assert f"/reserver/lieu/{open_space.place.public_id}/agenda/" in page
