"""Bookable resources for the demonstration places, so that `./dev run` shows the booking flow.

Only places flagged `is_demo` get them; prices follow the place's published prices.
"""

from django.db import transaction

from maillage.booking.models import PassProduct, PlaceBookingSettings, Resource
from maillage.places.models import Place

NETWORK_PASS = "Pass réseau (démo) — 10 journées"


def _cents(value) -> int:
    return int(value * 100) if value is not None else 0


@transaction.atomic
def demo_resources_create() -> int:
    created = 0
    for index, place in enumerate(
        Place.objects.filter(is_demo=True, status=Place.Status.OPEN, resources__isnull=True)
    ):
        PlaceBookingSettings.objects.get_or_create(
            place=place, defaults={"accepts_network_pass": index % 2 == 0}
        )
        Resource.objects.create(
            place=place,
            kind=Resource.Kind.OPEN_SPACE,
            name="Espace partagé",
            capacity=max(place.open_space_desks, 1),
            price_day_cents=_cents(place.price_day),
            price_half_day_cents=_cents(place.price_half_day),
        )
        created += 1
        if place.meeting_rooms:
            Resource.objects.create(
                place=place,
                kind=Resource.Kind.MEETING_ROOM,
                name="Salle de réunion",
                capacity=1,
                by_hour=True,
                by_day=False,
                price_hour_cents=2500,
                price_half_day_cents=8000,
                max_minutes=8 * 60,
            )
            created += 1
    PassProduct.objects.get_or_create(
        name=NETWORK_PASS, place=None, defaults={"unit": "day", "units": 10, "price_cents": 12000}
    )
    return created


def demo_resources_clear() -> int:
    """Demo resources without bookings; a demo place with real bookings keeps its resources."""
    deleted, _ = Resource.objects.filter(place__is_demo=True, bookings__isnull=True).delete()
    return deleted
