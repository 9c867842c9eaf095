from datetime import UTC, date, datetime

import pytest

from maillage.booking.models import PlaceBookingSettings, Resource

# Monday 30 November 2026, 08:00 in Paris: "now" for the rule tests; bookings go on Tuesday.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
TUESDAY = date(2026, 12, 1)


def make_resource(place, **fields) -> Resource:
    defaults = {
        "kind": Resource.Kind.OPEN_SPACE,
        "name": "Espace partagé",
        "capacity": 3,
        "price_day_cents": 1500,
        "price_half_day_cents": 900,
        "price_hour_cents": 400,
    }
    return Resource.objects.create(place=place, **(defaults | fields))


@pytest.fixture
def open_space(place):
    return make_resource(place)


@pytest.fixture
def room(place):
    return make_resource(
        place,
        kind=Resource.Kind.MEETING_ROOM,
        name="Salle Hublot",
        capacity=1,
        by_hour=True,
        by_half_day=True,
        by_day=False,
        min_minutes=60,
        max_minutes=240,
        price_hour_cents=2000,
    )


@pytest.fixture
def network_settings(place):
    return PlaceBookingSettings.objects.create(place=place, accepts_network_pass=True)
