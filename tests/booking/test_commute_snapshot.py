"""Bookings keep the booker's « profil de déplacement » of the day they are made."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.accounts.services import commute_profile_update
from maillage.booking.models import Booking
from maillage.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_create,
    offer_accept,
    waitlist_join,
)
from maillage.territory.models import Commune
from tests.booking.conftest import NOW, TUESDAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    return {code: Commune.objects.get(code=code) for code in ("14047", "76540", "14118")}


def book(user, resource, day=TUESDAY):
    booking, _ = booking_create(
        user=user, request=BookingRequest(resource=resource, day=day, slot="day"), now=NOW
    )
    return booking


def test_booking_copies_the_profile_and_keeps_it_when_the_profile_changes(open_space, communes):
    user = UserFactory(home_commune=communes["14047"], work_commune=communes["76540"])
    booking = book(user, open_space)
    assert (booking.home_commune_id, booking.work_commune_id) == (
        communes["14047"].pk,
        communes["76540"].pk,
    )
    commute_profile_update(user=user, home_commune=communes["14118"], work_commune=None)
    booking.refresh_from_db()
    assert (booking.home_commune_id, booking.work_commune_id) == (
        communes["14047"].pk,
        communes["76540"].pk,
    )
    later = book(user, open_space, day=TUESDAY + timedelta(days=1))
    assert (later.home_commune_id, later.work_commune_id) == (communes["14118"].pk, None)


def test_booking_without_profile_keeps_no_commune(open_space):
    booking = book(UserFactory(), open_space)
    assert (booking.home_commune_id, booking.work_commune_id) == (None, None)


def test_snapshot_adds_no_query(open_space, communes):
    """The communes come from the user row already loaded: booking with a profile runs exactly
    the statements of a booking without one, none of them on the communes."""
    counts = []
    for day, profile in (
        (TUESDAY, {}),
        (TUESDAY + timedelta(days=1), {"home_commune": communes["14047"]}),
        (
            TUESDAY + timedelta(days=2),
            {"home_commune": communes["14047"], "work_commune": communes["76540"]},
        ),
    ):
        user = UserFactory(**profile)
        with CaptureQueriesContext(connection) as captured:
            book(user, open_space, day=day)
        counts.append(len(captured.captured_queries))
        # The resource lock joins the place's commune; nothing reads the user's communes.
        reads = [q["sql"] for q in captured.captured_queries]
        assert not [sql for sql in reads if 'FROM "territory_commune"' in sql]
    assert counts[0] == counts[1] == counts[2]


def test_waiting_list_offer_and_acceptance_copy_the_profile(
    open_space, communes, django_capture_on_commit_callbacks
):
    """The offer copies the profile when the seat is offered; accepting it is when the person
    books, so the acceptance copies the profile of that moment."""
    open_space.capacity = 1
    open_space.save()
    first = UserFactory()
    waiting = UserFactory(home_commune=communes["14047"], work_commune=communes["76540"])
    booking = book(first, open_space)
    waitlist_join(
        user=waiting,
        request=BookingRequest(resource=open_space, day=TUESDAY, slot="day"),
        now=NOW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=first, public_id=booking.public_id, now=NOW)
    offer = Booking.objects.get(user=waiting)
    assert (offer.status, offer.home_commune_id, offer.work_commune_id) == (
        Booking.Status.OFFERED,
        communes["14047"].pk,
        communes["76540"].pk,
    )
    commute_profile_update(user=waiting, home_commune=communes["14118"], work_commune=None)
    accepted = offer_accept(user=waiting, public_id=offer.public_id, now=NOW)
    assert (accepted.status, accepted.home_commune_id, accepted.work_commune_id) == (
        Booking.Status.CONFIRMED,
        communes["14118"].pk,
        None,
    )


def test_commune_deleted_sets_the_snapshot_to_null(open_space, communes):
    """SET_NULL: a commune merged away (reference reload) leaves bookings without it."""
    user = UserFactory(home_commune=communes["14047"], work_commune=communes["76540"])
    booking = book(user, open_space)
    communes["76540"].delete()
    booking.refresh_from_db()
    user.refresh_from_db()
    assert user.work_commune_id is None
    assert booking.work_commune_id is None
    assert booking.home_commune_id == communes["14047"].pk


def test_migration_keeps_the_database_guarantees():
    """Adding the snapshot columns must not rebuild booking_booking (SQLite would drop the
    triggers of migration 0002) nor touch the PostgreSQL exclusion constraint."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            names = {row[0] for row in cursor.fetchall()}
            assert {"booking_no_overlap_insert", "booking_no_overlap_update"} <= names
        else:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conname = 'booking_no_overlap'")
            assert cursor.fetchall() == [("booking_no_overlap",)]
