"""iCalendar (RFC 5545) for bookings: the attachment of confirmation e-mails and the private feeds.

Events carry TZID=Europe/Paris with its VTIMEZONE, so calendars show the place's local time; UIDs
are stable (the booking's public id), so a feed refresh updates events instead of duplicating them,
and a cancelled booking stays in the feed as STATUS:CANCELLED for the calendars that had it.
"""

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from maillage.booking.models import Booking
from maillage.places.opening_hours import PARIS

PRODID = "-//maillage//Réservations//FR"
STATUS = {
    Booking.Status.CONFIRMED: "CONFIRMED",
    Booking.Status.OFFERED: "TENTATIVE",
    Booking.Status.CANCELLED: "CANCELLED",
    Booking.Status.EXPIRED: "CANCELLED",
}


def booking_event(booking: Booking, *, for_manager: bool = False) -> Event:
    event = Event()
    event.add("uid", f"{booking.public_id}@maillage")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.starts_at.astimezone(PARIS))
    event.add("dtend", booking.ends_at.astimezone(PARIS))
    who = f" — {booking.user}" if for_manager else ""
    event.add("summary", f"{booking.resource.name} · {booking.place.name}{who}")
    event.add(
        "location",
        ", ".join(
            filter(None, [booking.place.name, booking.place.address, booking.place.commune.name])
        ),
    )
    event.add("status", STATUS[booking.status])
    event.add(
        "url", settings.MAILLAGE_SITE_URL + reverse("booking:detail", args=[booking.public_id])
    )
    event.add("geo", (booking.place.latitude, booking.place.longitude))
    return event


@lru_cache(maxsize=1)
def _paris_vtimezone() -> bytes:
    """The VTIMEZONE block, serialised once per process: building it costs ~7 ms and writing it
    out ~3 ms, a third of a booking's time when it was done for every confirmation e-mail."""
    calendar = Calendar()
    event = Event()
    event.add("dtstart", datetime(2026, 1, 1, tzinfo=PARIS))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.walk("VTIMEZONE")[0].to_ical()


def calendar_bytes(name: str, bookings: Iterable[Booking], *, for_manager: bool = False) -> bytes:
    return components_calendar_bytes(
        name, (booking_event(booking, for_manager=for_manager) for booking in bookings)
    )


def components_calendar_bytes(name: str, events: Iterable[Event], *, prodid: str = PRODID) -> bytes:
    """A calendar of ready VEVENTs (dates in Paris time) with the one Europe/Paris VTIMEZONE:
    bookings here, and the events app's attachments and feeds."""
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    for event in events:
        calendar.add_component(event)
    # The cached VTIMEZONE goes in just before END:VCALENDAR, where add_component put it.
    body = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not body.endswith(end):
        raise RuntimeError("icalendar n'a pas terminé le calendrier par END:VCALENDAR")
    return body[: -len(end)] + _paris_vtimezone() + end
