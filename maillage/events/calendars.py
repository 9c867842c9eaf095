"""iCalendar (RFC 5545) for events: the registration e-mail's attachment and the public feeds.

Built on booking.calendars (one VTIMEZONE for Europe/Paris, one calendar writer). Public content
only: title, times, place or online address, the event page; never an attendee.
"""

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Event as VEvent

from maillage.booking.calendars import components_calendar_bytes
from maillage.core.links import absolute_url
from maillage.events.models import Event
from maillage.places.opening_hours import PARIS

PRODID = "-//maillage//Événements//FR"


def event_vevent(event: Event) -> VEvent:
    """The VEVENT of an event; its UID is the event's public id, stable across feed refreshes."""
    vevent = VEvent()
    vevent.add("uid", f"evenement-{event.public_id}@maillage")
    vevent.add("dtstamp", timezone.now())
    vevent.add("sequence", event.sequence)
    vevent.add("last-modified", event.updated_at)
    vevent.add("dtstart", event.starts_at.astimezone(PARIS))
    vevent.add("dtend", event.ends_at.astimezone(PARIS))
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    if event.place_id:
        place = event.place
        vevent.add(
            "location",
            ", ".join(filter(None, [place.name, place.address, place.commune.name])),
        )
        vevent.add("geo", (place.latitude, place.longitude))
    else:
        vevent.add("location", event.online_url)
    vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    vevent.add("url", absolute_url("events:detail", event.public_id))
    return vevent


def events_calendar_bytes(name: str, events: Iterable[Event]) -> bytes:
    return components_calendar_bytes(name, (event_vevent(e) for e in events), prodid=PRODID)
