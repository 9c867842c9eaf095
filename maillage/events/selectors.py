"""Reads: the public agenda and its filters, an event for the public or for its team (404
otherwise), a place's upcoming events, a person's registrations, attendance figures."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from maillage.events.models import Event, Registration
from maillage.events.permissions import can_manage_event
from maillage.places.models import Place
from maillage.places.opening_hours import PARIS
from maillage.places.permissions import is_coordinator, managed_organisation_ids

AGENDA_LIMIT = 200


@dataclass(frozen=True)
class AgendaFilters:
    """From (inclusive) and until (inclusive) are Paris days; `area` a département code (14,
    2A, 971), an EPCI SIREN (9 digits) or a commune INSEE code (5 characters)."""

    since: date | None = None
    until: date | None = None
    area: str = ""
    theme: str = ""
    place_id: int | None = None


def _paris_midnight(day: date) -> datetime:
    # Midnight always exists in Paris (changes happen at 2 h and 3 h).
    return datetime.combine(day, time(0), tzinfo=PARIS)


def area_q(area: str) -> Q | None:
    """The events held in an area, or None when the code cannot be one."""
    code = area.strip().upper()
    if len(code) == 9 and code.isdigit():
        return Q(place__commune__epci__code=code)
    if len(code) == 5 and code[:2].isalnum():
        return Q(place__commune__code=code)
    if 2 <= len(code) <= 3 and code.isalnum():
        return Q(place__commune__departement__code=code)
    return None


def agenda(*, filters: AgendaFilters, now: datetime | None = None) -> QuerySet[Event]:
    """Published events not over yet, soonest first, for everyone (no attendee data)."""
    now = now or timezone.now()
    events = Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__gt=now)
    if filters.since:
        events = events.filter(ends_at__gt=_paris_midnight(filters.since))
    if filters.until:
        events = events.filter(starts_at__lt=_paris_midnight(filters.until + timedelta(days=1)))
    if filters.area:
        where = area_q(filters.area)
        events = events.filter(where) if where is not None else events.none()
    if filters.theme:
        events = events.filter(theme=filters.theme)
    if filters.place_id:
        events = events.filter(place_id=filters.place_id)
    return events.select_related("place__commune__departement").order_by("starts_at", "id")


def event_get_public(*, public_id) -> Event:
    """An event anyone may see (published or cancelled: a cancelled one says so)."""
    try:
        return Event.objects.select_related("place__commune").get(public_id=public_id)
    except Event.DoesNotExist:
        raise Http404("Événement introuvable.") from None


def event_get_for_team(*, user, public_id) -> Event:
    """The event if `user` organises it, else 404: another team's id reveals nothing."""
    event = event_get_public(public_id=public_id)
    if not can_manage_event(user, event):
        raise Http404("Événement introuvable.")
    return event


def team_events(*, user) -> QuerySet[Event]:
    """The events a person organises: their places' (any organisation they belong to), and the
    network's for the coordination; the most recent first."""
    if is_coordinator(user):
        events = Event.objects.all()
    else:
        events = Event.objects.filter(
            place__operator_id__in=managed_organisation_ids(user), place__isnull=False
        )
    return events.select_related("place").order_by("-starts_at", "-id")


def organiser_places(*, user) -> QuerySet[Place]:
    """The places in whose name a person may publish (coordination: every place)."""
    places = Place.objects.all()
    if not is_coordinator(user):
        places = places.filter(operator_id__in=managed_organisation_ids(user))
    return places.order_by("name", "id")


def place_upcoming_events(*, place: Place, now: datetime | None = None, limit: int = 5) -> list:
    now = now or timezone.now()
    return list(
        Event.objects.filter(place=place, status=Event.Status.PUBLISHED, ends_at__gt=now).order_by(
            "starts_at", "id"
        )[:limit]
    )


def _upcoming_at_places(now: datetime) -> QuerySet[Event]:
    """What the places map calls upcoming: published, of a place, not started yet."""
    return Event.objects.filter(
        status=Event.Status.PUBLISHED, starts_at__gte=now, place__isnull=False
    )


def places_upcoming_events(*, now: datetime | None = None) -> dict[int, tuple[int, date]]:
    """Per place id: (number of upcoming events, Paris day of the next one), in one grouped
    query over the whole network (the map asks it once for thousands of markers)."""
    now = now or timezone.now()
    rows = (
        _upcoming_at_places(now)
        .values("place_id")
        .annotate(count=Count("id"), next=Min("starts_at"))
        .order_by()
        .values_list("place_id", "count", "next")
    )
    return {place_id: (count, nxt.astimezone(PARIS).date()) for place_id, count, nxt in rows}


def places_with_upcoming_events(*, now: datetime | None = None) -> QuerySet:
    """Ids of the places with an upcoming event, as a subquery for the directory's filter."""
    return _upcoming_at_places(now or timezone.now()).values("place_id")


def events_map_version(*, now: datetime | None = None) -> str:
    """Part of the map's cache key: changes when an event is published, edited or cancelled
    (count, last id, last change) and when the next one starts (it is no longer upcoming), so a
    cached map never shows a count the events no longer give."""
    now = now or timezone.now()
    summary = Event.objects.aggregate(
        count=Count("id"),
        top=Max("id"),
        last=Max("updated_at"),
        next=Min(
            "starts_at",
            filter=Q(status=Event.Status.PUBLISHED, starts_at__gte=now, place__isnull=False),
        ),
    )
    last = summary["last"].isoformat() if summary["last"] else ""
    nxt = summary["next"].isoformat() if summary["next"] else ""
    return f"{summary['count']}:{summary['top']}:{last}:{nxt}"


def registration_of(*, event: Event, user) -> Registration | None:
    """The person's active registration, with its waiting-list position as `position`."""
    if not user.is_authenticated:
        return None
    registration = event.registrations.filter(user=user, status__in=Registration.ACTIVE).first()
    if registration and registration.status == Registration.Status.WAITING:
        registration.position = (
            event.registrations.filter(
                status=Registration.Status.WAITING, created_at__lte=registration.created_at
            )
            .exclude(created_at=registration.created_at, id__gt=registration.id)
            .count()
        )
    return registration


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    """The team's list: confirmed then waiting (in order), then cancelled."""
    return event.registrations.select_related("user", "invoice").order_by(
        "status", "created_at", "id"
    )


def user_registrations(*, user, now: datetime | None = None) -> QuerySet[Registration]:
    now = now or timezone.now()
    return (
        Registration.objects.filter(
            user=user, status__in=Registration.ACTIVE, event__ends_at__gt=now
        )
        .select_related("event__place__commune")
        .order_by("event__starts_at", "id")
    )


@dataclass(frozen=True)
class AttendanceRow:
    place_id: int | None
    place_name: str
    month: date
    events: int
    registered: int
    present: int


def attendance_by_place_month(*, since: date, until: date) -> list[AttendanceRow]:
    """Per organising place (None: the network) and month of the event (Paris time): events
    held, confirmed registrations, people marked present. Cancelled events are left out."""
    rows = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gte=_paris_midnight(since),
            event__starts_at__lt=_paris_midnight(until + timedelta(days=1)),
        )
        .annotate(month=TruncMonth("event__starts_at", tzinfo=PARIS))
        .values("event__place_id", "event__place__name", "month")
        .annotate(
            events=Count("event", distinct=True),
            registered=Count("id"),
            present=Count("id", filter=Q(attendance=Registration.Attendance.PRESENT)),
        )
        .order_by()
    )
    rows = sorted(
        rows,
        # Places by name, the network last, on both engines (NULLs sort apart in SQL).
        key=lambda r: (
            r["month"],
            r["event__place_id"] is None,
            r["event__place__name"] or "",
            r["event__place_id"] or 0,
        ),
    )
    return [
        AttendanceRow(
            place_id=row["event__place_id"],
            place_name=row["event__place__name"] or "Réseau",
            month=row["month"].date() if isinstance(row["month"], datetime) else row["month"],
            events=row["events"],
            registered=row["registered"],
            present=row["present"],
        )
        for row in rows
    ]
