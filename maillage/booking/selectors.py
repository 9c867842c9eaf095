"""Reads of the booking app: availability, a person's bookings, a place's agenda and members."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from maillage.booking.models import (
    Booking,
    CalendarFeed,
    Closure,
    Pass,
    PlaceBookingSettings,
    Resource,
    Subscription,
    WaitlistEntry,
)
from maillage.booking.occupancy import peak_seats
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.services import PASS_KINDS
from maillage.booking.timeslots import (
    SLOT_LABELS,
    local_day,
    local_instant,
    minutes_between,
    within_opening_hours,
)
from maillage.core.geo import haversine_km
from maillage.places.models import Place
from maillage.places.opening_hours import PARIS, open_spans
from maillage.places.permissions import is_coordinator, managed_organisation_ids

DEFAULT_SPLIT = time(13, 0)


@dataclass(frozen=True)
class Slot:
    resource: Resource
    day: date
    slot: str  # day, morning, afternoon, or hours (one whole hour starting at `starts_at`)
    starts_at: datetime
    ends_at: datetime
    free: int
    closed_reason: str = ""

    @property
    def label(self) -> str:
        if self.slot == "hours":
            a, b = self.starts_at.astimezone(PARIS), self.ends_at.astimezone(PARIS)
            return f"{a:%H:%M} – {b:%H:%M}"
        return SLOT_LABELS[self.slot]

    @property
    def bookable(self) -> bool:
        return self.free > 0 and not self.closed_reason


def active_bookings(now: datetime | None = None) -> QuerySet[Booking]:
    """Bookings that hold room: confirmed ones, and waiting-list offers not yet expired."""
    now = now or timezone.now()
    return Booking.objects.filter(
        Q(status=Booking.Status.CONFIRMED)
        | Q(status=Booking.Status.OFFERED, offer_expires_at__gt=now)
    )


def _day_slots(
    resource: Resource, day: date, spans, split_clock: time
) -> list[tuple[str, datetime, datetime]]:
    if not spans:
        return []
    opening, closing = spans[0][0].astimezone(UTC), spans[-1][1].astimezone(UTC)
    slots = []
    if resource.by_day:
        slots.append(("day", opening, closing))
    if resource.by_half_day:
        split = local_instant(day, split_clock)
        if opening < split:
            slots.append(("morning", opening, min(split, closing)))
        if split < closing:
            slots.append(("afternoon", max(split, opening), closing))
    if resource.by_hour:
        for a, b in spans:
            hour = a.astimezone(UTC)
            end = b.astimezone(UTC)
            while hour + timedelta(hours=1) <= end:
                slots.append(("hours", hour, hour + timedelta(hours=1)))
                hour += timedelta(hours=1)
    return slots


def place_availability(
    place: Place,
    first_day: date,
    days: int = 1,
    *,
    resources: list[Resource] | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Every slot of the place's active resources over `days` days that has not started yet, with
    free seats: a started slot can no longer be booked (services refuse it), so it is never offered.

    Four queries whatever the span (resources, bookings, closures, the place's settings); opening
    hours are evaluated once per day for the whole place.
    """
    now = now or timezone.now()
    if resources is None:
        resources = list(place.resources.filter(is_active=True).select_related("place"))
    if not resources:
        return []
    start = datetime.combine(first_day, datetime.min.time(), PARIS)
    end = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), PARIS)
    # Bookings end the day they start (timeslots), so grouping by local start day is exact.
    held = defaultdict(list)
    for resource_id, a, b, seats in (
        active_bookings(now)
        .filter(resource__in=resources, starts_at__lt=end, ends_at__gt=start)
        .values_list("resource_id", "starts_at", "ends_at", "seats")
    ):
        held[(resource_id, local_day(a))].append((a, b, seats))
    settings = PlaceBookingSettings.objects.filter(place=place).first()
    split_clock = settings.half_day_split if settings else DEFAULT_SPLIT
    closures = list(Closure.objects.filter(place=place, starts_at__lt=end, ends_at__gt=start))
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        spans = open_spans(place.opening_hours, day)
        for resource in resources:
            for slot, a, b in _day_slots(resource, day, spans, split_clock):
                if a <= now:
                    continue
                same_day = held.get((resource.pk, day), ())
                taken = peak_seats((x, y, n) for x, y, n in same_day if x < b and y > a)
                closed = next(
                    (
                        c.reason
                        for c in closures
                        if c.starts_at < b
                        and c.ends_at > a
                        and c.resource_id in (None, resource.pk)
                    ),
                    "",
                )
                result.append(
                    Slot(resource, day, slot, a, b, max(resource.capacity - taken, 0), closed)
                )
    return result


@dataclass(frozen=True)
class SearchHit:
    place: Place
    distance_km: float | None
    slots: list[Slot]


# The usual start of a day and split of a half-day, for the default search only: the slots
# themselves come from each place's hours and settings.
USUAL_OPENING = time(9, 0)


def default_search_slot(now: datetime | None = None) -> tuple[date, str]:
    """The day and slot a search without them shows: the next one that has not started (Paris
    time), so that a search at noon does not list mornings or days nobody can book any more."""
    now = now or timezone.now()
    local = now.astimezone(PARIS)
    if local.time() < USUAL_OPENING:
        return local.date(), "day"
    if local.time() < DEFAULT_SPLIT:
        return local.date(), "afternoon"
    return local.date() + timedelta(days=1), "day"


def _candidates(
    kind: str, place: Place | None, near: tuple[float, float] | None, radius_km: float
) -> list[tuple[Place, float | None, list[Resource]]]:
    """Open places of the zone with their active resources of that kind, and their distance."""
    resources = Resource.objects.filter(
        is_active=True, place__status=Place.Status.OPEN
    ).select_related("place__commune", "place__booking_settings")
    if kind:
        resources = resources.filter(kind=kind)
    if place is not None:
        resources = resources.filter(place=place)
    by_place = defaultdict(list)
    for resource in resources:
        by_place[resource.place].append(resource)
    found = []
    for candidate, its_resources in by_place.items():
        distance = None
        if near is not None:
            distance = round(
                haversine_km(near[0], near[1], candidate.latitude, candidate.longitude), 1
            )
            if distance > radius_km:
                continue
        found.append((candidate, distance, its_resources))
    return found


def search(
    *,
    day: date,
    slot: str,
    kind: str = "",
    place: Place | None = None,
    near: tuple[float, float] | None = None,
    radius_km: float = 20,
    start: time | None = None,
    end: time | None = None,
    now: datetime | None = None,
) -> list[SearchHit]:
    """Places with a resource of this kind offering this slot on that day, nearest first.

    For `slot="hours"`, `start` and `end` give the wanted interval (Paris time); only resources
    bookable by the hour and open over the whole interval are listed. For `slot="day"`, a room let
    by the hour only is listed too when it can be booked over the place's whole opening that day
    (one opening span, within its longest booking): rooms by the day are then found.
    """
    interval = None
    if slot == "hours":
        interval = (local_instant(day, start, "debut"), local_instant(day, end, "fin"))
    hits = []
    for candidate, distance, its_resources in _candidates(kind, place, near, radius_km):
        if interval:
            slots = [_interval_slot(r, day, *interval, now) for r in its_resources if r.by_hour]
            slots = [s for s in slots if s is not None]
        else:
            slots = [
                s
                for s in place_availability(candidate, day, 1, resources=its_resources, now=now)
                if s.slot == slot
            ]
            if slot == "day":
                slots += [s for r in its_resources if (s := _whole_day_by_hours(r, day, now))]
        if slots:
            hits.append(SearchHit(candidate, distance, slots))
    hits.sort(key=lambda h: (h.distance_km if h.distance_km is not None else 0, h.place.name))
    return hits


def _whole_day_by_hours(resource: Resource, day: date, now: datetime | None) -> Slot | None:
    """A resource let by the hour but not by the day, over the place's whole opening that day."""
    if resource.by_day or not resource.by_hour:
        return None
    spans = open_spans(resource.place.opening_hours, day)
    if len(spans) != 1:
        return None
    a, b = (instant.astimezone(UTC) for instant in spans[0])
    if not resource.min_minutes <= minutes_between(a, b) <= resource.max_minutes:
        return None
    return _interval_slot(resource, day, a, b, now)


@dataclass(frozen=True)
class SearchHint:
    """Why a search found nothing, in French, and the search worth trying instead (if any)."""

    text: str
    slot: str = ""
    day: date | None = None


NONE_OF_KIND = {
    Resource.Kind.OPEN_SPACE: "Aucun espace partagé",
    Resource.Kind.OFFICE: "Aucun bureau fermé",
    Resource.Kind.MEETING_ROOM: "Aucune salle de réunion",
    Resource.Kind.VISIO_ROOM: "Aucune salle de visioconférence",
    Resource.Kind.EQUIPMENT: "Aucun équipement",
}
SLOT_OFFERED_BY = {
    "day": "by_day",
    "morning": "by_half_day",
    "afternoon": "by_half_day",
    "hours": "by_hour",
}
SLOT_WORDING = {
    "day": "pour toute la journée",
    "morning": "à la demi-journée",
    "afternoon": "à la demi-journée",
    "hours": "à l'heure",
}


def search_hint(
    *,
    day: date,
    slot: str,
    kind: str = "",
    near: tuple[float, float] | None = None,
    radius_km: float = 20,
    now: datetime | None = None,
) -> SearchHint:
    """The accurate reason of an empty search (asked only then), most specific first: nothing
    of that kind in the zone, nothing let for that slot, places closed that day, slot begun."""
    now = now or timezone.now()
    nobody = NONE_OF_KIND.get(kind, "Aucun espace")
    found = _candidates(kind, None, near, radius_km)
    resources = [r for _place, _distance, rs in found for r in rs]
    if not resources:
        if near is not None and _candidates(kind, None, None, radius_km):
            return SearchHint(
                f"{nobody} réservable à moins de {radius_km:g} km : élargissez le rayon."
            )
        return SearchHint(f"{nobody} n'est encore réservable dans le réseau.")
    offering = [r for r in resources if getattr(r, SLOT_OFFERED_BY[slot])]
    if not offering:
        if slot == "day" and any(r.by_half_day for r in resources):
            return SearchHint(
                f"{nobody} de cette zone ne se réserve pour toute la journée ce jour-là ; "
                "essayez par demi-journée.",
                slot="morning",
                day=day,
            )
        other = next(
            (
                s
                for s in ("day", "morning", "hours")
                if any(getattr(r, SLOT_OFFERED_BY[s]) for r in resources)
            ),
            "day",
        )
        return SearchHint(
            f"{nobody} de cette zone ne se réserve {SLOT_WORDING[slot]} ; essayez "
            f"{SLOT_WORDING[other]}.",
            slot=other,
            day=day,
        )
    if not any(open_spans(r.place.opening_hours, day) for r in offering):
        return SearchHint(
            f"Les lieux de cette zone sont fermés le {day:%d/%m/%Y} : essayez un autre jour.",
            slot=slot,
            day=day + timedelta(days=1),
        )
    if day == local_day(now):
        next_day, next_slot = default_search_slot(now)
        return SearchHint(
            "Ce créneau a déjà commencé aujourd'hui : il ne se réserve plus. Essayez le suivant.",
            slot=next_slot,
            day=next_day,
        )
    return SearchHint(
        "Aucun lieu ne propose ce créneau ce jour-là dans cette zone : essayez une autre date "
        "ou un rayon plus grand."
    )


def _interval_slot(resource: Resource, day: date, a: datetime, b: datetime, now) -> Slot | None:
    """Free seats of one resource over an hourly interval; None if it is not open then."""
    if b <= a or a <= (now or timezone.now()) or not within_opening_hours(resource, a, b):
        return None
    rows = active_bookings(now).filter(resource=resource, starts_at__lt=b, ends_at__gt=a)
    taken = peak_seats(rows.values_list("starts_at", "ends_at", "seats"))
    closure = (
        Closure.objects.filter(place=resource.place, starts_at__lt=b, ends_at__gt=a)
        .filter(Q(resource__isnull=True) | Q(resource=resource))
        .first()
    )
    reason = closure.reason if closure else ""
    return Slot(resource, day, "hours", a, b, max(resource.capacity - taken, 0), reason)


def user_bookings(user, *, now: datetime | None = None) -> dict[str, list[Booking]]:
    now = now or timezone.now()
    mine = Booking.objects.filter(user=user).select_related(
        "resource", "place__commune", "pass_ref"
    )
    return {
        "offers": list(mine.filter(status=Booking.Status.OFFERED, offer_expires_at__gt=now)),
        "upcoming": list(mine.filter(status=Booking.Status.CONFIRMED, ends_at__gt=now)),
        "past": list(
            mine.exclude(status=Booking.Status.OFFERED)
            .filter(ends_at__lte=now)
            .order_by("-starts_at")[:50]
        ),
        "cancelled": list(mine.filter(status=Booking.Status.CANCELLED, ends_at__gt=now)),
    }


def user_waitlist(user, *, now: datetime | None = None) -> list[WaitlistEntry]:
    now = now or timezone.now()
    return list(
        WaitlistEntry.objects.filter(
            user=user, status=WaitlistEntry.Status.WAITING, starts_at__gt=now
        ).select_related("resource__place")
    )


def user_passes(user) -> list[Pass]:
    return list(
        Pass.objects.filter(owner=user).select_related("product", "place").order_by("expires_on")
    )


def usable_passes(user, resource: Resource, *, today: date | None = None) -> list[Pass]:
    """The user's carnets that can pay for this resource: unexpired, with units left, of its
    place or of the network where the place accepts the network pass, for a desk or an office."""
    if not user.is_authenticated or resource.kind not in PASS_KINDS:
        return []
    today = today or local_day(timezone.now())
    settings = getattr(resource.place, "booking_settings", None)
    network_ok = bool(settings and settings.accepts_network_pass)
    return [
        held
        for held in Pass.objects.filter(
            owner=user, units_left__gt=0, expires_on__gte=today
        ).select_related("product")
        if held.place_id == resource.place_id or (held.place_id is None and network_ok)
    ]


def has_usable_subscription(user, resource: Resource, *, today: date | None = None) -> bool:
    """True if the user holds a plan of the resource's place not ended yet, and the resource is
    a desk of the open space (what a plan gives access to)."""
    if not user.is_authenticated or resource.kind != Resource.Kind.OPEN_SPACE:
        return False
    today = today or local_day(timezone.now())
    return (
        Subscription.objects.filter(user=user, plan__place_id=resource.place_id)
        .exclude(ends_on__lt=today)
        .exists()
    )


def agenda(place: Place, first_day: date, days: int, *, now: datetime | None = None) -> dict:
    """The bookings of every resource of the place, day by day, for the manager's agenda."""
    start = datetime.combine(first_day, datetime.min.time(), PARIS)
    end = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), PARIS)
    resources = list(place.resources.all())
    rows = (
        active_bookings(now)
        .filter(place=place, starts_at__lt=end, ends_at__gt=start)
        .select_related("user", "resource", "pass_ref")
        .order_by("starts_at")
    )
    cells = defaultdict(list)
    for booking in rows:
        cells[(booking.resource_id, local_day(booking.starts_at))].append(booking)
    day_list = [first_day + timedelta(days=n) for n in range(days)]
    return {
        "days": day_list,
        "rows": [
            {"resource": r, "cells": [cells.get((r.pk, d), []) for d in day_list]}
            for r in resources
        ],
        "closures": list(Closure.objects.filter(place=place, starts_at__lt=end, ends_at__gt=start)),
    }


def place_members(place: Place) -> list[dict]:
    """People who booked here, hold a plan here or a pass valid here, with what they hold."""
    people: dict[int, dict] = {}

    def person(user):
        return people.setdefault(
            user.pk, {"user": user, "subscriptions": [], "passes": [], "bookings": 0, "last": None}
        )

    today = local_day(timezone.now())
    for sub in (
        Subscription.objects.filter(plan__place=place)
        .exclude(ends_on__lt=today)
        .select_related("user", "plan")
    ):
        person(sub.user)["subscriptions"].append(sub)
    for held in Pass.objects.filter(place=place).select_related("owner", "product"):
        person(held.owner)["passes"].append(held)
    for booking in Booking.objects.filter(
        place=place, status=Booking.Status.CONFIRMED
    ).select_related("user"):
        entry = person(booking.user)
        entry["bookings"] += 1
        entry["last"] = max(filter(None, [entry["last"], booking.starts_at]))
    return sorted(people.values(), key=lambda p: str(p["user"]).lower())


def user_feeds(user) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).select_related(
        "resource__place"
    )


def managed_resources(user) -> list[Resource]:
    """Active resources of the places the user runs (all of them for a coordinator), one query."""
    rows = Resource.objects.filter(is_active=True).select_related("place")
    if not is_coordinator(user):
        rows = rows.filter(place__operator_id__in=managed_organisation_ids(user))
    return list(rows)


def feed_content(token: str, *, days_back: int = 90) -> tuple[str, QuerySet[Booking], bool] | None:
    """(calendar name, bookings, for a team) of a live feed; None if unknown, revoked, or its
    owner no longer runs the resource's place."""
    feed = (
        CalendarFeed.objects.select_related("user", "resource__place")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    rows = Booking.objects.filter(ends_at__gte=timezone.now() - timedelta(days=days_back)).exclude(
        status=Booking.Status.EXPIRED
    )
    if feed.resource is not None:
        if not can_manage_bookings(feed.user, feed.resource.place):
            return None
        rows = rows.filter(resource=feed.resource)
        name = f"{feed.resource.name} — {feed.resource.place.name}"
    else:
        rows = rows.filter(user=feed.user)
        name = "Mes réservations (maillage)"
    return (
        name,
        rows.select_related("user", "resource", "place__commune"),
        feed.resource is not None,
    )
