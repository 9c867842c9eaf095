"""The public iCalendar feeds, parsed with the icalendar library."""

from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar

from maillage.events.calendars import events_calendar_bytes
from maillage.events.services import registration_create
from tests.events.conftest import in_a_month, make_event, make_live_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_place_feed_lists_published_events_with_paris_tzid(client, manager, place):
    shown = make_live_event(manager, place)
    registration_create(event=shown, user=UserFactory(email="inscrite@exemple.fr"))

    response = client.get(f"/lieux/{place.public_id}/evenements.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert (start.tzinfo.key, start.hour, start.date()) == ("Europe/Paris", 18, in_a_month())
    assert str(events[0]["uid"]) == f"evenement-{shown.public_id}@maillage"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert b"inscrite@exemple.fr" not in response.content
    assert b"ATTENDEE" not in response.content


def test_network_feed_uid_stable_and_cancelled_left_out(client, manager, place):
    from maillage.events.services import event_cancel

    kept = make_live_event(manager, place)
    dropped = make_live_event(manager, place, title="Annulé")
    event_cancel(user=manager, event=dropped)

    first = Calendar.from_ical(client.get("/agenda.ics").content).walk("VEVENT")
    second = Calendar.from_ical(client.get("/agenda.ics").content).walk("VEVENT")

    assert [str(e["uid"]) for e in first] == [f"evenement-{kept.public_id}@maillage"]
    assert [str(e["uid"]) for e in second] == [str(e["uid"]) for e in first]


def test_events_calendar_bytes_dst_event_shows_nine_local(manager, place):
    event = make_event(
        manager,
        place,
        now=datetime(2026, 3, 1, tzinfo=UTC),
        day=date(2026, 10, 25),
        start=time(9),
        end=time(11),
    )

    vevent = Calendar.from_ical(events_calendar_bytes("x", [event])).walk("VEVENT")[0]

    start = vevent.decoded("dtstart")
    assert (start.hour, start.utcoffset().total_seconds()) == (9, 3600)
    assert start.astimezone(UTC) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


def test_place_feed_unknown_place_404(client):
    response = client.get("/lieux/00000000-0000-0000-0000-000000000000/evenements.ics")
    assert response.status_code == 404
