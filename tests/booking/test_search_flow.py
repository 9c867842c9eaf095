"""The search as people meet it: never a slot already started, rooms by the day, honest advice."""

from datetime import UTC, date, datetime, time

import pytest
from django.utils import timezone

from maillage.booking.models import Booking
from maillage.booking.selectors import default_search_slot, search, search_hint
from maillage.booking.services import BookingRequest, booking_create
from tests.booking.conftest import TUESDAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # Tuesday 1 December 2026, 12:00 in Paris
CAEN = (49.18, -0.37)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 1, 7, 30, tzinfo=UTC), (date(2026, 12, 1), "day")),  # 08:30
        (NOON, (date(2026, 12, 1), "afternoon")),  # 12:00 (UTC+1)
        (datetime(2026, 12, 1, 12, 0, tzinfo=UTC), (date(2026, 12, 2), "day")),  # 13:00
        (datetime(2026, 7, 7, 10, 0, tzinfo=UTC), (date(2026, 7, 7), "afternoon")),  # 12:00 (UTC+2)
        (datetime(2026, 7, 7, 6, 30, tzinfo=UTC), (date(2026, 7, 7), "day")),  # 08:30 (UTC+2)
        (datetime(2026, 7, 7, 7, 30, tzinfo=UTC), (date(2026, 7, 7), "afternoon")),  # 09:30
        (datetime(2026, 3, 29, 10, 30, tzinfo=UTC), (date(2026, 3, 29), "afternoon")),  # DST day
        (
            datetime(2026, 10, 25, 22, 59, tzinfo=UTC),
            (date(2026, 10, 26), "day"),
        ),  # 23:59: tomorrow
    ],
)
def test_the_default_search_starts_at_the_next_slot_in_paris_time(now, expected):
    assert default_search_slot(now) == expected


def test_a_search_never_lists_a_slot_already_started(open_space):
    hits = search(day=TUESDAY, slot="day", now=NOON)
    assert hits == []
    afternoon = search(day=TUESDAY, slot="afternoon", now=NOON)
    assert [(s.slot, s.starts_at, s.free) for h in afternoon for s in h.slots] == [
        ("afternoon", datetime(2026, 12, 1, 12, 0, tzinfo=UTC), 3)
    ]
    # One minute after 13:00 the afternoon has begun too.
    later = datetime(2026, 12, 1, 12, 1, tzinfo=UTC)
    assert search(day=TUESDAY, slot="afternoon", now=later) == []


def test_an_hourly_search_skips_an_hour_already_begun(room):
    half_past_eleven = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    assert (
        search(day=TUESDAY, slot="hours", start=time(11), end=time(12), now=half_past_eleven) == []
    )
    hits = search(day=TUESDAY, slot="hours", start=time(14), end=time(16), now=half_past_eleven)
    assert [(s.resource, s.label) for h in hits for s in h.slots] == [(room, "14:00 – 16:00")]


def test_the_search_page_at_noon_offers_the_afternoon(client, open_space, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON)
    page = client.get("/reserver/")
    assert page.status_code == 200
    assert (
        page.context["form"].cleaned_data["date"],
        page.context["form"].cleaned_data["creneau"],
    ) == (
        TUESDAY,
        "afternoon",
    )
    assert [s.slot for h in page.context["hits"] for s in h.slots] == ["afternoon"]
    text = page.content.decode()
    assert f"/reserver/ressource/{open_space.pk}/?date=2026-12-01&amp;creneau=afternoon" in text
    assert "creneau=day" not in text


def test_today_by_the_day_at_noon_explains_and_links_the_next_slot(client, open_space, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON)
    page = client.get("/reserver/", {"date": "2026-12-01", "creneau": "day"})
    assert page.context["hits"] == []
    assert page.context["hint"].text == (
        "Ce créneau a déjà commencé aujourd'hui : il ne se réserve plus. Essayez le suivant."
    )
    assert page.context["hint_url"] == "?date=2026-12-01&creneau=afternoon"
    assert "0 lieu" in page.content.decode()


def test_a_room_let_by_the_hour_is_found_for_the_whole_day_when_it_can_be(place, room, open_space):
    room.max_minutes = 600
    room.save()
    hits = search(day=TUESDAY, slot="day", kind="meeting_room", now=NOON.replace(day=30, month=11))
    assert [(s.resource, s.slot, s.label, s.free) for h in hits for s in h.slots] == [
        (room, "hours", "09:00 – 18:00", 1)
    ]
    # The link of that slot books it: 9 hours at 20 € an hour.
    booking, _ = booking_create(
        user=UserFactory(),
        request=BookingRequest(
            resource=room, day=TUESDAY, slot="hours", start=time(9), end=time(18)
        ),
        now=NOON.replace(day=30, month=11),
    )
    assert booking.price_cents == 18000
    again = search(day=TUESDAY, slot="day", kind="meeting_room", now=NOON.replace(day=30, month=11))
    assert [(s.resource, s.free) for h in again for s in h.slots] == [(room, 0)]
    assert Booking.objects.count() == 1


def test_rooms_by_the_day_page_lists_the_room_and_its_hourly_link(client, room, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON.replace(day=30, month=11))
    room.max_minutes = 600
    room.save()
    page = client.get(
        "/reserver/", {"date": "2026-12-01", "creneau": "day", "type": "meeting_room"}
    )
    text = page.content.decode()
    assert "1 lieu avec ce créneau" in text
    assert (
        f"/reserver/ressource/{room.pk}/?date=2026-12-01&amp;creneau=hours&amp;debut=09:00&amp;fin=18:00"
        in text
    )


def test_rooms_not_let_for_a_whole_day_get_the_half_day_advice(client, room, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOON.replace(day=30, month=11))
    # At most 4 hours: the 9-hour day cannot be booked; half-days can.
    page = client.get(
        "/reserver/",
        {"date": "2026-12-01", "creneau": "day", "type": "meeting_room", "pres_de": "Caen"},
    )
    hint = page.context["hint"]
    assert hint.text == (
        "Aucune salle de réunion de cette zone ne se réserve pour toute la journée ce jour-là ; "
        "essayez par demi-journée."
    )
    assert (hint.slot, hint.day) == ("morning", TUESDAY)
    assert (
        "creneau=morning" in page.context["hint_url"]
        and "type=meeting_room" in page.context["hint_url"]
    )
    assert "Chercher : matinée, mardi 1 décembre" in page.content.decode()


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        (
            {"kind": "office", "slot": "day"},
            "Aucun bureau fermé n'est encore réservable dans le réseau.",
        ),
        (
            {"kind": "open_space", "slot": "day", "near": (48.85, 2.35)},  # Paris, 200 km away
            "Aucun espace partagé réservable à moins de 20 km : élargissez le rayon.",
        ),
        (
            {"kind": "open_space", "slot": "hours"},
            "Aucun espace partagé de cette zone ne se réserve à l'heure ; "
            "essayez pour toute la journée.",
        ),
        (
            {"kind": "open_space", "slot": "day", "day": date(2026, 12, 5)},
            "Les lieux de cette zone sont fermés le 05/12/2026 : essayez un autre jour.",
        ),
    ],
)
def test_search_hints_say_why_nothing_was_found(open_space, kwargs, text):
    where = {"day": TUESDAY, "near": CAEN, "now": NOON} | kwargs
    assert search_hint(**where).text == text
