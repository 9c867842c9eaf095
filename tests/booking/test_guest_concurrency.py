"""Guest holds race members for the last room on real connections: the database guards hold."""

import pytest

from maillage.booking.guest_services import guest_hold
from maillage.booking.models import Booking
from maillage.booking.services import BookingRequest, booking_create
from tests.booking.conftest import make_resource
from tests.booking.test_concurrency import FIRST_DAY, NOW, place_with_space
from tests.concurrency import race
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["place_with_space"]  # the shared fixture of the concurrency tests


@pytest.mark.parametrize("round_", range(3))
def test_guests_and_members_racing_for_one_room_get_exactly_one_hold(place_with_space, round_):
    place, _space, _manager = place_with_space
    room = make_resource(place, kind="meeting_room", name="Salle", capacity=1)
    members = [UserFactory() for _ in range(4)]

    def member(user):
        return lambda: (
            booking_create(
                user=user, request=BookingRequest(resource=room, day=FIRST_DAY, slot="day"), now=NOW
            )[0].pk
        )

    def guest(n):
        return lambda: (
            guest_hold(
                name=f"Invité {n}",
                email=f"invite-{round_}-{n}@exemple.fr",
                request=BookingRequest(resource=room, day=FIRST_DAY, slot="day"),
                now=NOW,
            ).pk
        )

    results = race([member(u) for u in members] + [guest(n) for n in range(4)])
    assert [r[0] for r in results].count("ok") == 1
    assert sorted(r[0] for r in results if r[0] != "ok") == [409] * 7
    assert Booking.objects.filter(resource=room, status__in=Booking.ACTIVE).count() == 1
