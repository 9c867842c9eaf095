from datetime import UTC, date, datetime, time, timedelta

import pytest

from maillage.events.services import EventInput, event_create

# Monday 30 November 2026, 08:00 in Paris: "now" for the service tests.
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
EVENT_DAY = date(2026, 12, 10)


def event_input(**overrides) -> EventInput:
    """An evening workshop, as a place's team types it."""
    fields = {
        "title": "Atelier réparation de vélos",
        "description": "Apportez votre vélo, on répare ensemble.",
        "day": EVENT_DAY,
        "start": time(18, 0),
        "end": time(20, 0),
        "capacity": 12,
        "theme": "fabrication",
    }
    return EventInput(**(fields | overrides))


def in_a_month() -> date:
    """A day a month from the real today, for pages and feeds that read the real clock."""
    return datetime.now(UTC).date() + timedelta(days=30)


def make_live_event(manager, place, **overrides):
    """An event a month ahead of the real clock (views and feeds use timezone.now())."""
    return make_event(manager, place, now=None, **({"day": in_a_month()} | overrides))


def make_event(manager, place, *, now=NOW, **overrides):
    return event_create(user=manager, place=place, data=event_input(**overrides), now=now)


@pytest.fixture
def event(manager, place):
    return make_event(manager, place)
