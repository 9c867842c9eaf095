"""Attendance counts per place and month, and their section on the network's dashboard."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from maillage.events.selectors import AttendanceRow, attendance_by_place_month
from maillage.events.services import (
    attendance_record,
    event_cancel,
    event_create,
    registration_create,
)
from tests.events.conftest import NOW, event_input, make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _attend(manager, event, people, present):
    after = event.starts_at + timedelta(minutes=5)
    for person, here in zip(people, present, strict=True):
        registration = registration_create(
            event=event, user=person, now=event.starts_at - timedelta(days=1)
        )
        attendance_record(
            user=manager, event=event, registration_id=registration.pk, present=here, now=after
        )


def test_attendance_by_place_month_counts_registered_and_present(manager, place):
    december = make_event(manager, place)
    january = make_event(manager, place, day=date(2027, 1, 14))
    cancelled = make_event(manager, place, title="Annulé")
    coordinator = UserFactory(coordinator=True)
    online = event_create(
        user=coordinator,
        place=None,
        data=event_input(
            online_url="https://visio.exemple.fr/r",
            day=date(2026, 12, 31),
            start=time(23, 0),
            end=time(23, 30),
        ),
        now=NOW,
    )
    _attend(manager, december, [UserFactory() for _ in range(3)], [True, True, False])
    _attend(manager, january, [UserFactory()], [True])
    registration_create(event=cancelled, user=UserFactory(), now=NOW)
    event_cancel(user=manager, event=cancelled, now=NOW)
    registration_create(event=online, user=UserFactory(), now=NOW)  # 31/12 23:00 Paris

    rows = attendance_by_place_month(since=date(2026, 12, 1), until=date(2027, 1, 31))

    assert rows == [
        AttendanceRow(place.pk, "La Fabrique du Port", date(2026, 12, 1), 1, 3, 2),
        AttendanceRow(None, "Réseau", date(2026, 12, 1), 1, 1, 0),
        AttendanceRow(place.pk, "La Fabrique du Port", date(2027, 1, 1), 1, 1, 1),
    ]


def test_network_figures_page_shows_event_section(client, manager, place):
    event = make_event(manager, place, now=datetime(2026, 1, 1, tzinfo=UTC), day=date(2026, 6, 2))
    _attend(manager, event, [UserFactory(), UserFactory()], [True, False])
    client.force_login(UserFactory(coordinator=True))

    response = client.get("/reserver/reseau/chiffres/", {"du": "2026-06-01", "au": "2026-06-30"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Événements : inscriptions et présences" in body
    assert (
        '<tfoot><tr><th scope="row" colspan="3">Total</th><td>2</td><td>1</td></tr></tfoot>' in body
    )
