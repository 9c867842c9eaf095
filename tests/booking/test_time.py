"""Europe/Paris across the daylight-saving changes (reliability scenario 8)."""

from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest

from maillage.booking.calendars import calendar_bytes
from maillage.booking.errors import BookingError
from maillage.booking.models import PassProduct
from maillage.booking.services import BookingRequest, booking_create, pass_sell
from maillage.places.opening_hours import PARIS
from tests.booking.conftest import make_resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SPRING = [date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30)]
AUTUMN = [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]


@pytest.fixture
def every_day(place):
    place.opening_hours = "Mo-Su 09:00-18:00"
    place.save()
    return make_resource(place, capacity=5, horizon_days=365)


@pytest.fixture
def night_room(place):
    place.opening_hours = "24/7"
    place.save()
    return make_resource(
        place,
        kind="meeting_room",
        capacity=1,
        by_hour=True,
        horizon_days=365,
        price_hour_cents=1000,
        min_minutes=30,
    )


def book(user, resource, day, slot="day", **kw):
    return booking_create(
        user=user, request=BookingRequest(resource=resource, day=day, slot=slot, **kw), now=NOW
    )[0]


@pytest.mark.parametrize(
    ("day", "offset"),
    [(d, 1) for d in SPRING[:1]]
    + [(d, 2) for d in SPRING[1:]]
    + [(d, 2) for d in AUTUMN[:1]]
    + [(d, 1) for d in AUTUMN[1:]],
)
def test_day_bookings_keep_9_to_18_local_with_the_right_utc_offset(every_day, day, offset):
    booking = book(UserFactory(), every_day, day)
    local_start, local_end = booking.starts_at.astimezone(PARIS), booking.ends_at.astimezone(PARIS)
    assert (local_start.time(), local_end.time()) == (time(9), time(18))
    assert local_start.utcoffset() == timedelta(hours=offset)
    assert booking.starts_at.astimezone(UTC).hour == 9 - offset


def test_day_passes_take_one_unit_per_day_across_the_change(every_day, place, manager):
    product = PassProduct.objects.create(place=place, name="Carnet", unit="day", units=6)
    user = UserFactory()
    held = pass_sell(seller=manager, buyer=user, product=product, now=NOW)
    for day in SPRING + AUTUMN:
        book(user, every_day, day, payment="pass", pass_id=held.public_id)
    held.refresh_from_db()
    assert held.units_left == 0


def test_hourly_booking_over_the_spring_gap_is_billed_on_elapsed_time(night_room):
    booking = book(
        UserFactory(), night_room, SPRING[1], "hours", start=time(1, 30), end=time(3, 30)
    )
    assert booking.starts_at == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 +01:00
    assert booking.ends_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 +02:00
    assert booking.price_cents == 1000  # one real hour, not two wall-clock hours


def test_a_time_that_does_not_exist_gets_a_precise_400(night_room):
    with pytest.raises(BookingError) as refused:
        book(UserFactory(), night_room, SPRING[1], "hours", start=time(2, 30), end=time(4))
    assert refused.value.status == 400 and refused.value.field == "debut"
    assert "L'heure 02:30 n'existe pas le 29/03/2026" in refused.value.message


def test_a_time_that_exists_twice_is_refused_rather_than_guessed(night_room):
    with pytest.raises(BookingError, match="existe deux fois le 25/10/2026"):
        book(UserFactory(), night_room, AUTUMN[1], "hours", start=time(1), end=time(2, 30))


def test_ics_parses_and_shows_9_local_on_both_sides_of_the_change(every_day):
    user = UserFactory()
    bookings = [book(user, every_day, day) for day in (SPRING[0], SPRING[2], AUTUMN[0], AUTUMN[2])]
    calendar = icalendar.Calendar.from_ical(calendar_bytes("Test", bookings))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4
    for event in events:
        start = event.decoded("dtstart")
        assert start.tzinfo is not None and start.astimezone(PARIS).time() == time(9)
        assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert {e.decoded("dtstart").astimezone(UTC).hour for e in events} == {8, 7}
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"
