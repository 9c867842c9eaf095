"""Offer edits go through offer_services: a resource keeps its kind under its bookings, a closure
never hides confirmed bookings."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.booking import offer_services
from maillage.booking.errors import BookingError
from maillage.booking.models import Booking, Closure, Resource
from maillage.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    waitlist_join,
)
from tests.booking.conftest import NOW, TUESDAY
from tests.booking.test_services import paris
from tests.booking.test_views import next_tuesday
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def book(user, resource, *, now=NOW, day=TUESDAY):
    booking, _ = booking_create(
        user=user, request=BookingRequest(resource=resource, day=day, slot="morning"), now=now
    )
    return booking


def test_resource_kind_cannot_change_under_a_confirmed_booking(room):
    booking = book(UserFactory(), room)
    with pytest.raises(BookingError) as refused:
        offer_services.resource_update(
            resource=room, data={"kind": Resource.Kind.OFFICE, "name": "Bureau"}, now=NOW
        )
    assert (refused.value.field, refused.value.code) == ("kind", "reservations_a_venir")
    assert refused.value.message == (
        "Le type ne peut pas changer : 1 réservation(s) à venir portent sur cette ressource. "
        "Créez plutôt une nouvelle ressource, ou annulez d'abord ces réservations."
    )
    assert Resource.objects.values_list("kind", "name").get(pk=room.pk) == (
        "meeting_room",
        "Salle Hublot",
    )
    # Other fields still change under bookings.
    offer_services.resource_update(resource=room, data={"name": "Salle Phare"}, now=NOW)
    assert Resource.objects.get(pk=room.pk).name == "Salle Phare"
    # Once the booking is cancelled, the kind can change.
    booking_cancel(actor=booking.user, public_id=booking.public_id, now=NOW)
    offer_services.resource_update(resource=room, data={"kind": Resource.Kind.OFFICE}, now=NOW)
    assert Resource.objects.get(pk=room.pk).kind == "office"


def test_resource_kind_changes_when_its_bookings_are_past(room):
    book(UserFactory(), room)
    after = paris(TUESDAY + timedelta(days=1), 8)
    offer_services.resource_update(resource=room, data={"kind": Resource.Kind.OFFICE}, now=after)
    assert Resource.objects.get(pk=room.pk).kind == "office"


def test_closure_over_confirmed_bookings_is_refused_with_their_list(place, open_space, room):
    person = UserFactory(first_name="Ana", last_name="Lopez")
    book(person, room)
    data = {
        "resource": None,
        "starts_at": paris(TUESDAY, 12),
        "ends_at": paris(TUESDAY, 14),
        "reason": "Travaux",
    }
    with pytest.raises(BookingError) as refused:
        offer_services.closure_create(place=place, data=data, now=NOW)
    assert refused.value.message == (
        "Des réservations tombent pendant cette fermeture : "
        f"Salle Hublot, 1 décembre 2026 09:00 ({person}). Annulez-les (la personne est "
        "prévenue) ou déplacez-les d'abord, puis enregistrez la fermeture."
    )
    assert Closure.objects.count() == 0
    # Closing another resource, or another day, is fine.
    offer_services.closure_create(place=place, data=data | {"resource": open_space}, now=NOW)
    offer_services.closure_create(
        place=place,
        data=data
        | {"starts_at": paris(TUESDAY, 19), "ends_at": paris(TUESDAY + timedelta(days=1), 8)},
        now=NOW,
    )
    assert Closure.objects.count() == 2


def test_offer_page_refuses_kind_change_and_closure_over_bookings(client, place, room, manager):
    day = next_tuesday()
    book(UserFactory(), room, now=timezone.now(), day=day)
    client.force_login(manager)
    url = f"/reserver/lieu/{place.public_id}/offre/"
    fields = {
        "ressource-name": "Salle Hublot",
        "ressource-capacity": 1,
        "ressource-by_hour": "on",
        "ressource-by_half_day": "on",
        "ressource-price_hour_cents": "20",
        "ressource-price_half_day_cents": "0",
        "ressource-price_day_cents": "0",
        "ressource-min_minutes": 60,
        "ressource-max_minutes": 240,
        "ressource-horizon_days": 60,
        "ressource-cancel_hours": 24,
        "ressource-is_active": "on",
    }
    changed = client.post(
        url, {"quoi": "ressource", "id": room.pk, "ressource-kind": "office"} | fields
    )
    assert changed.status_code == 400
    assert "Le type ne peut pas changer : 1 réservation(s) à venir" in changed.content.decode()
    assert Resource.objects.get(pk=room.pk).kind == "meeting_room"
    renamed = client.post(
        url,
        {"quoi": "ressource", "id": room.pk, "ressource-kind": "meeting_room"}
        | fields
        | {"ressource-name": "Salle Phare"},
    )
    assert renamed.status_code == 302
    assert Resource.objects.get(pk=room.pk).name == "Salle Phare"
    closed = client.post(
        url,
        {
            "quoi": "fermeture",
            "fermeture-starts_at": f"{day}T10:00",
            "fermeture-ends_at": f"{day}T11:00",
            "fermeture-reason": "Dégât des eaux",
        },
    )
    assert closed.status_code == 400
    assert "Des réservations tombent pendant cette fermeture" in (closed.content.decode())
    assert Closure.objects.count() == 0


def test_closure_is_refused_over_a_waiting_list_offer_until_it_expires(place, room):
    first, second = UserFactory(), UserFactory()
    booking = book(first, room)
    waitlist_join(
        user=second, request=BookingRequest(resource=room, day=TUESDAY, slot="morning"), now=NOW
    )
    booking_cancel(actor=first, public_id=booking.public_id, now=NOW)
    offer = Booking.objects.get(user=second)
    assert offer.status == "offered"
    data = {
        "resource": room,
        "starts_at": paris(TUESDAY, 10),
        "ends_at": paris(TUESDAY, 11),
        "reason": "Peinture",
    }
    with pytest.raises(BookingError, match=r"^Des réservations tombent .*Salle Hublot, 1 déc"):
        offer_services.closure_create(place=place, data=data, now=NOW)
    # Once the offer has expired it no longer holds the room.
    later = offer.offer_expires_at + timedelta(minutes=1)
    closure = offer_services.closure_create(place=place, data=data, now=later)
    assert list(Closure.objects.values_list("pk", "reason")) == [(closure.pk, "Peinture")]
