"""Events on other apps' pages: a place's upcoming events, the network's attendance."""

from datetime import date

from django import template

from maillage.events import selectors
from maillage.events.permissions import can_organise

register = template.Library()


@register.inclusion_tag("events/partials/place_events.html", takes_context=True)
def place_events(context, place) -> dict:
    """On the place page: its next events, the place's feed, and « publier » for its team."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "place": place,
        "events": selectors.place_upcoming_events(place=place),
        "can_publish": user is not None and can_organise(user, place),
    }


@register.inclusion_tag("events/partials/attendance_figures.html")
def event_attendance_figures(since: date | str, until: date | str) -> dict:
    """On the network's figures: events, registrations and presence per place and month, over
    the dashboard's period (days as dates or ISO text, as the dashboard's form holds them)."""
    since, until = (d if isinstance(d, date) else date.fromisoformat(d) for d in (since, until))
    rows = selectors.attendance_by_place_month(since=since, until=until)
    return {
        "rows": rows,
        "total_registered": sum(r.registered for r in rows),
        "total_present": sum(r.present for r in rows),
    }
