"""Real concurrency on real connections (reliability scenarios 1, 3, 4, 6): threads released
together by a barrier, each with its own database connection, on SQLite and PostgreSQL."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from maillage.booking.models import Booking, Pass, PassLedger, PassProduct, PlaceBookingSettings
from maillage.booking.services import BookingRequest, booking_cancel, booking_create, pass_sell
from maillage.places.services import place_create
from tests.booking.conftest import make_resource
from tests.concurrency import race
from tests.factories import OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 12, 1)


def weekdays(count):
    day, out = FIRST_DAY, []
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


@pytest.fixture
def place_with_space(reference_geography):
    manager = UserFactory()
    place = place_create(data=place_data(operator=OrganisationFactory(managers=[manager]).pk))
    return place, make_resource(place, capacity=3), manager


def test_last_seat_goes_to_exactly_one_of_25(place_with_space):
    _place, space, _ = place_with_space
    users = [UserFactory() for _ in range(25)]
    rounds = weekdays(8)
    for day in rounds:
        for _ in range(space.capacity - 1):
            booking_create(
                user=UserFactory(),
                request=BookingRequest(resource=space, day=day, slot="day"),
                now=NOW,
            )
        outcomes = race(
            [
                (
                    lambda u=u, d=day: booking_create(
                        user=u, request=BookingRequest(resource=space, day=d, slot="day"), now=NOW
                    )
                )
                for u in users
            ]
        )
        kinds = Counter(o[0] for o in outcomes)
        assert kinds == {"ok": 1, 409: 24}, outcomes
        assert all("Complet" in o[1] for o in outcomes if o[0] == 409)
        assert (
            Booking.objects.filter(resource=space, starts_at__date=day, status="confirmed").count()
            == 3
        )


def test_last_pass_unit_is_used_once_across_places(reference_geography):
    coordinator = UserFactory(coordinator=True)
    spaces = []
    for n in range(5):
        place = place_create(data=place_data(name=f"Lieu {n}"))
        PlaceBookingSettings.objects.create(place=place, accepts_network_pass=True)
        spaces.append(make_resource(place, capacity=10))
    owner = UserFactory()
    product = PassProduct.objects.create(name="Pass réseau", unit="day", units=1)
    held = pass_sell(seller=coordinator, buyer=owner, product=product, now=NOW)
    days = weekdays(4)
    outcomes = race(
        [
            (
                lambda s=spaces[i % 5], d=days[i % 4]: booking_create(
                    user=owner,
                    request=BookingRequest(
                        resource=s, day=d, slot="day", payment="pass", pass_id=held.public_id
                    ),
                    now=NOW,
                )
            )
            for i in range(20)
        ]
    )
    assert Counter(o[0] for o in outcomes) == {"ok": 1, 409: 19}, outcomes
    held.refresh_from_db()
    assert held.units_left == 0
    assert (
        sum(PassLedger.objects.filter(pass_ref=held).values_list("delta", flat=True))
        == held.units_left
    )
    used = PassLedger.objects.get(pass_ref=held, reason="use")
    assert used.place_id == Booking.objects.get(pass_ref=held).place_id


def test_concurrent_retries_with_one_idempotency_key_book_once(place_with_space):
    _, space, _ = place_with_space
    user = UserFactory()
    request = BookingRequest(resource=space, day=FIRST_DAY, slot="day")
    outcomes = race(
        [
            (lambda: booking_create(user=user, request=request, idempotency_key="retry-1", now=NOW))
            for _ in range(10)
        ]
    )
    assert {o[0] for o in outcomes} == {"ok"}, outcomes
    assert len({o[1][0].pk for o in outcomes}) == 1
    assert sum(not o[1][1] for o in outcomes) == 1  # one created, nine replays
    assert Booking.objects.filter(user=user).count() == 1


def test_two_simultaneous_cancellations_refund_once(place_with_space):
    place, space, manager = place_with_space
    user = UserFactory()
    product = PassProduct.objects.create(place=place, name="Carnet", unit="day", units=2)
    held = pass_sell(seller=manager, buyer=user, product=product, now=NOW)
    booking, _ = booking_create(
        user=user,
        request=BookingRequest(
            resource=space, day=FIRST_DAY, slot="day", payment="pass", pass_id=held.public_id
        ),
        now=NOW,
    )
    outcomes = race(
        [
            lambda: booking_cancel(actor=user, public_id=booking.public_id, now=NOW),
            lambda: booking_cancel(
                actor=manager, public_id=booking.public_id, reason="Fermeture", now=NOW
            ),
        ]
    )
    assert sorted(str(o[0]) for o in outcomes) == ["409", "ok"], outcomes
    assert Pass.objects.get(pk=held.pk).units_left == 2
    assert PassLedger.objects.filter(pass_ref=held, reason="refund").count() == 1
