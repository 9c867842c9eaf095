"""/api/evenements: the public agenda as JSON (published events, no attendee data)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from maillage.booking.bounds import BookingDay
from maillage.events import selectors
from maillage.events.models import Event, Theme

router = Router(tags=["événements"])


class AgendaQuery(Schema):
    du: BookingDay | None = None
    au: BookingDay | None = None
    zone: str = Field("", max_length=9, pattern=r"^[0-9A-Za-z]*$")
    theme: Literal[tuple(Theme.values)] | Literal[""] = ""  # type: ignore[valid-type]


class EventOut(Schema):
    id: UUID
    titre: str
    description: str
    debut: datetime
    fin: datetime
    lieu: UUID | None
    lieu_nom: str
    commune: str
    latitude: float | None
    longitude: float | None
    en_ligne: str
    places: int
    places_restantes: int
    prix_centimes: int
    theme: str
    public: str
    url: str


def _out(event: Event) -> dict:
    place = event.place
    return {
        "id": event.public_id,
        "titre": event.title,
        "description": event.description,
        "debut": event.starts_at,
        "fin": event.ends_at,
        "lieu": place.public_id if place else None,
        "lieu_nom": place.name if place else "",
        "commune": place.commune.name if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "en_ligne": event.online_url,
        "places": event.capacity,
        "places_restantes": event.seats_left,
        "prix_centimes": event.price_cents,
        "theme": event.theme,
        "public": event.audience,
        "url": reverse("events:detail", kwargs={"public_id": event.public_id}),
    }


@router.get("", response=list[EventOut], summary="Agenda des événements à venir")
def event_list(request: HttpRequest, query: Query[AgendaQuery]):
    """Upcoming published events, soonest first (200 at most), with the agenda's filters."""
    filters = selectors.AgendaFilters(
        since=query.du, until=query.au, area=query.zone, theme=query.theme
    )
    return [_out(e) for e in selectors.agenda(filters=filters)[: selectors.AGENDA_LIMIT]]
