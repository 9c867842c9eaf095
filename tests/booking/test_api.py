"""The bookings API: availability, create with idempotency, cancel, attendance, permissions."""

import json

import pytest
from django.utils import timezone

from maillage.booking.models import Booking
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


# Far enough ahead to be bookable whatever today's date when the suite runs, and a Tuesday.
def next_tuesday():
    from datetime import timedelta

    from maillage.booking.timeslots import local_day

    day = local_day(timezone.now()) + timedelta(days=7)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def post(client, body, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/api/reservations", json.dumps(body), content_type="application/json", **headers, **extra
    )


def test_availability_lists_free_seats_per_slot(client, place, open_space):
    day = next_tuesday()
    body = client.get(
        "/api/reservations/disponibilites", {"lieu": place.public_id, "date": day}
    ).json()
    assert [(s["creneau"], s["libres"]) for s in body] == [
        ("journee", 3),
        ("matin", 3),
        ("apres-midi", 3),
    ]
    assert body[0]["debut"].endswith("+00:00") or body[0]["debut"].endswith("Z")


def test_create_replay_and_conflicting_payload(client, open_space):
    user = UserFactory()
    client.force_login(user)
    body = {
        "ressource": open_space.pk,
        "date": str(next_tuesday()),
        "creneau": "journee",
        "statut": "annulee",
        "montant_centimes": 0,
    }
    first = post(client, body, key="abc")
    assert first.status_code == 201
    assert (
        first.json()["statut"] == "confirmee" and first.json()["montant_centimes"] == 1500
    )  # extra fields ignored
    again = post(client, body, key="abc")
    assert again.status_code == 200 and again.json() == first.json()
    other = post(client, body | {"creneau": "matin"}, key="abc")
    assert other.status_code == 422 and other.json()["erreurs"][0]["champ"] == "Idempotency-Key"
    assert Booking.objects.count() == 1


def test_refusals_are_field_level_in_french(client, open_space):
    client.force_login(UserFactory())
    response = post(
        client,
        {
            "ressource": open_space.pk,
            "date": str(next_tuesday()),
            "creneau": "journee",
            "places": 9,
        },
    )
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {
            "champ": "places",
            "emplacement": ["body", "places"],
            "message": "« Espace partagé » n'a que 3 place(s).",
        }
    ]
    bad = post(client, {"ressource": open_space.pk, "date": "2026-02-30", "creneau": "journee"})
    assert bad.status_code == 422 and bad.json()["erreurs"][0]["champ"] == "date"


def test_full_is_409_with_a_french_message(client, open_space):
    open_space.capacity = 1
    open_space.save()
    body = {"ressource": open_space.pk, "date": str(next_tuesday()), "creneau": "journee"}
    client.force_login(UserFactory())
    assert post(client, body).status_code == 201
    client.force_login(UserFactory())
    response = post(client, body)
    assert response.status_code == 409 and response.json()["code"] == "complet"
    assert "Complet" in response.json()["detail"]


def test_anonymous_cannot_book(client, open_space):
    response = post(
        client, {"ressource": open_space.pk, "date": str(next_tuesday()), "creneau": "journee"}
    )
    assert response.status_code == 401
    assert not Booking.objects.exists()


def test_someone_elses_booking_is_404_everywhere(client, open_space, manager):
    owner = UserFactory()
    client.force_login(owner)
    booking_id = post(
        client, {"ressource": open_space.pk, "date": str(next_tuesday()), "creneau": "journee"}
    ).json()["id"]
    stranger = UserFactory()
    other_manager = UserFactory()
    OrganisationFactory(managers=[other_manager])
    for actor in (stranger, other_manager):
        client.force_login(actor)
        assert client.get(f"/api/reservations/{booking_id}").status_code == 404
        assert (
            client.post(
                f"/api/reservations/{booking_id}/annulation", "{}", content_type="application/json"
            ).status_code
            == 404
        )
        assert client.post(f"/api/reservations/{booking_id}/presence").status_code == 404
        response = client.get(
            f"/api/reservations/lieu/{open_space.place.public_id}",
            {"du": "2026-01-01", "au": "2026-01-31"},
        )
        assert response.status_code == 404 and "Lieu introuvable" in response.json()["detail"]
    assert Booking.objects.get().status == "confirmed"
    client.force_login(manager)
    assert client.get(f"/api/reservations/{booking_id}").json()["id"] == booking_id
    client.force_login(owner)
    cancelled = client.post(
        f"/api/reservations/{booking_id}/annulation", "{}", content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["statut"] == "annulee"
    assert [b["id"] for b in client.get("/api/reservations").json()] == [booking_id]
