"""Occupancy and attendance figures of a place (per resource) or of the network (per place).

These are the figures the network shows to prove that places are used. Reads only; a handful of
queries whatever the length of the period (resources, closures, bookings, first bookings, pass
moves), the rest is arithmetic in Python.

Definitions (all times Europe/Paris; durations are computed on UTC instants, so a DST day counts
23 h or 25 h of clock time, never a wall-clock difference):

- **Periods** are local calendar days, ISO weeks (Monday to Sunday) or calendar months, clipped to
  the requested range: asking for 15 October – 10 November by month gives 15–31 October and
  1–10 November. "Total" is the whole range.
- **Only confirmed bookings count**; cancelled, expired bookings and waiting-list offers never do.
- **Resources** shown are the active ones, plus inactive ones that have a confirmed booking
  overlapping the range (so that history does not vanish when a room is withdrawn).
- **Open hours** of a place in a period: the sum over its days of the place's opening spans
  (`open_spans` of `Place.opening_hours`, public holidays included) minus the exceptional
  closures of the whole place. Those of a resource also subtract the closures of that resource.
- **Booked hours** (exclusive resources: every kind but the open space): the time covered by
  confirmed bookings, clipped to the period (overlaps are counted once). They are not clipped to
  opening hours: a booking a manager made outside them shows as an occupancy above 100 %.
  **Occupancy** = booked hours / open hours of those resources (None when nothing was open).
- **Seat occupancy** (open spaces): seat-hours booked (duration × seats of each confirmed
  booking, clipped to the period) / (capacity × open hours).
  At place or network level both rates are sums of numerators over sums of denominators, i.e.
  averages weighted by open time (and by capacity for seats).
- **Attendance**: a booking belongs to the period in which it starts. Among the confirmed bookings
  of the period that have ended at `now` (`ends_at <= now`): those with a presence recorded
  (`checked_in_at` set) and the others, the no-shows. **No-show rate** = no-shows / ended bookings.
- **Users**: distinct people with a confirmed booking starting in the period. **New users**: those
  whose first confirmed booking ever in the scope of the row (the resource, the place or the whole
  network) starts in the period. Sums of rows are not totals here: someone using two rooms
  counts once for the place.
- **Passes consumed** by a place: units debited from passes ("use" ledger rows, negative deltas)
  minus units given back on cancellation ("refund" rows), split between network passes (pass
  without a place) and the place's own passes. A ledger row belongs to the period in which its
  booking starts (so a cancelled booking nets to zero in its own period), or to the period of the
  row's date when it has no booking. Counted at place and network level only.
- **Network** = every place with a resource shown, or with pass units consumed in the range.
- **Labelled places** (network only): a place counts as labelled when it held the regional label
  on the last day of the range (`labelling.badges`); the network's places are split into
  « Lieux labellisés » and « Autres lieux », each with the sums of its places, its distinct users
  and new users (first booking in the network at one of the group's places) and its number of
  places.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from django.db.models import Exists, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from maillage.booking.models import Booking, Closure, PassLedger, Resource
from maillage.labelling.badges import labelled_place_ids
from maillage.places.models import Place
from maillage.places.opening_hours import PARIS, open_spans

Grain = Literal["day", "week", "month"]
# The names of the grains in URLs and the API, in French.
GRAIN_NAMES: dict[str, Grain] = {"jour": "day", "semaine": "week", "mois": "month"}
MAX_DAYS = 366
DEFAULT_DAYS = 30
# fmt: off
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"]
# fmt: on

Interval = tuple[datetime, datetime]


class FiguresError(ValueError):
    """A period that cannot be computed; the message is for the person who asked."""


def default_range(today: date) -> tuple[date, date]:
    """The last 30 days, today included."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def check_range(first_day: date, last_day: date) -> None:
    if last_day < first_day:
        raise FiguresError("La date de début doit précéder la date de fin.")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise FiguresError(
            f"La période couvre au plus {MAX_DAYS} jours : choisissez des dates plus proches."
        )


def _midnight(day: date) -> datetime:
    """The UTC instant of local midnight (midnight always exists in Paris: DST moves 2–3 h)."""
    return datetime.combine(day, time(0), PARIS).astimezone(UTC)


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    grain: Grain

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _midnight(self.last_day + timedelta(days=1))

    @property
    def label(self) -> str:
        """Sortable and short, for exports: 2026-10-25, 2026-S43, 2026-10."""
        if self.grain == "day":
            return self.first_day.isoformat()
        if self.grain == "week":
            year, week, _weekday = self.first_day.isocalendar()
            return f"{year}-S{week:02d}"
        return f"{self.first_day:%Y-%m}"

    @property
    def label_fr(self) -> str:
        """For people: 25/10/2026, semaine 43 (2026), octobre 2026."""
        if self.grain == "day":
            return f"{self.first_day:%d/%m/%Y}"
        if self.grain == "week":
            year, week, _weekday = self.first_day.isocalendar()
            return f"semaine {week} ({year})"
        return f"{_MONTHS[self.first_day.month - 1]} {self.first_day.year}"


def periods(first_day: date, last_day: date, grain: Grain) -> list[Period]:
    """Calendar days, ISO weeks or months covering the range, the first and last clipped to it."""
    result = []
    day = first_day
    while day <= last_day:
        if grain == "day":
            end = day
        elif grain == "week":
            end = day + timedelta(days=6 - day.weekday())
        elif grain == "month":
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            end = following - timedelta(days=1)
        else:
            raise FiguresError("Pas inconnu : choisissez jour, semaine ou mois.")
        end = min(end, last_day)
        result.append(Period(day, end, grain))
        day = end + timedelta(days=1)
    return result


@dataclass
class Figures:
    """The counts of one row (resource, place or network) over one period; seconds are exact."""

    open_seconds: int = 0
    room_open_seconds: int = 0
    room_booked_seconds: int = 0
    seat_capacity_seconds: int = 0
    seat_booked_seconds: int = 0
    bookings: int = 0
    ended: int = 0
    checked_in: int = 0
    users: int = 0
    new_users: int = 0
    network_pass_units: int = 0
    place_pass_units: int = 0

    def add(self, other: "Figures") -> None:
        """Add the additive counts; users are not additive and are counted elsewhere."""
        for name in _ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def open_hours(self) -> float:
        return round(self.open_seconds / 3600, 2)

    @property
    def room_open_hours(self) -> float:
        return round(self.room_open_seconds / 3600, 2)

    @property
    def room_booked_hours(self) -> float:
        return round(self.room_booked_seconds / 3600, 2)

    @property
    def seat_capacity_hours(self) -> float:
        return round(self.seat_capacity_seconds / 3600, 2)

    @property
    def seat_booked_hours(self) -> float:
        return round(self.seat_booked_seconds / 3600, 2)

    @property
    def occupancy(self) -> float | None:
        if not self.room_open_seconds:
            return None
        return self.room_booked_seconds / self.room_open_seconds

    @property
    def seat_occupancy(self) -> float | None:
        if not self.seat_capacity_seconds:
            return None
        return self.seat_booked_seconds / self.seat_capacity_seconds

    @property
    def no_shows(self) -> int:
        return self.ended - self.checked_in

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.ended if self.ended else None

    @property
    def pass_units(self) -> int:
        return self.network_pass_units + self.place_pass_units


# Users are distinct people: never summed, counted from sets instead.
_ADDITIVE = [f.name for f in fields(Figures) if f.name not in ("users", "new_users")]


def percent(ratio: float | None) -> float | None:
    """A ratio as a percentage with one decimal, for tables and exports."""
    return None if ratio is None else round(ratio * 100, 1)


@dataclass
class Line:
    """One row of a report (a resource, a place or the network): each period, and the total."""

    level: Literal["resource", "place", "network"]
    label: str
    periods: list[Figures]
    total: Figures = field(default_factory=Figures)
    place: Place | None = None
    resource: Resource | None = None
    labelled: bool | None = None  # network reports: places and groups; None elsewhere
    place_count: int | None = None  # groups and the network

    @property
    def kind_label(self) -> str:
        return self.resource.get_kind_display() if self.resource else ""


@dataclass
class Report:
    """The figures of a place (lines: its resources) or of the network (lines: its places)."""

    first_day: date
    last_day: date
    grain: Grain
    periods: list[Period]
    scope: Line
    lines: list[Line]
    now: datetime
    # Network reports: « Lieux labellisés » then « Autres lieux » (see the module's docstring).
    groups: list[Line] = field(default_factory=list)

    @property
    def has_rooms(self) -> bool:
        return self.scope.total.room_open_seconds > 0 or self.scope.total.room_booked_seconds > 0

    @property
    def has_seats(self) -> bool:
        return (
            self.scope.total.seat_capacity_seconds > 0 or self.scope.total.seat_booked_seconds > 0
        )


# --- Interval arithmetic on UTC instants ------------------------------------------------------


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[list[datetime]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _subtract(spans: list[Interval], cuts: list[Interval]) -> list[Interval]:
    result = []
    for a, b in spans:
        pieces = [(a, b)]
        for c, d in cuts:
            pieces = [
                piece
                for x, y in pieces
                for piece in ((x, min(y, c)), (max(x, d), y))
                if piece[0] < piece[1]
            ]
        result.extend(pieces)
    return result


def _seconds(intervals: Iterable[Interval]) -> int:
    return int(sum((b - a).total_seconds() for a, b in intervals))


class _Calendar:
    """Where an instant or a day falls among the periods."""

    def __init__(self, report_periods: list[Period]):
        self.periods = report_periods
        self.starts = [p.start for p in report_periods]
        self.start = report_periods[0].start
        self.end = report_periods[-1].end

    def index(self, instant: datetime) -> int | None:
        if not self.start <= instant < self.end:
            return None
        return bisect_right(self.starts, instant) - 1

    def clip(self, a: datetime, b: datetime) -> Iterable[tuple[int, Interval]]:
        """The pieces of [a, b) in each period it overlaps."""
        a, b = max(a, self.start), min(b, self.end)
        if a >= b:
            return
        index = bisect_right(self.starts, a) - 1
        while index < len(self.periods) and self.periods[index].start < b:
            period = self.periods[index]
            yield index, (max(a, period.start), min(b, period.end))
            index += 1

    def days(self) -> Iterable[tuple[int, date]]:
        for index, period in enumerate(self.periods):
            day = period.first_day
            while day <= period.last_day:
                yield index, day
                day += timedelta(days=1)


# --- Computation ----------------------------------------------------------------------------


def _resources(calendar: _Calendar, place: Place | None) -> list[Resource]:
    booked = Booking.objects.filter(
        resource=OuterRef("pk"),
        status=Booking.Status.CONFIRMED,
        starts_at__lt=calendar.end,
        ends_at__gt=calendar.start,
    )
    resources = Resource.objects.filter(Q(is_active=True) | Exists(booked)).select_related("place")
    if place is not None:
        resources = resources.filter(place=place)
    return list(resources.order_by("place__name", "place_id", "kind", "name", "id"))


def _open_seconds(
    calendar: _Calendar, places: list[Place], resources: list[Resource]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Open seconds per period of each place and of each resource, closures deducted."""
    count = len(calendar.periods)
    by_place = {p.pk: [0] * count for p in places}
    by_resource = {r.pk: [0] * count for r in resources}
    resources_of = defaultdict(list)
    for resource in resources:
        resources_of[resource.place_id].append(resource)
    closures = defaultdict(list)
    for place_id, resource_id, a, b in Closure.objects.filter(
        place__in=[p.pk for p in places], starts_at__lt=calendar.end, ends_at__gt=calendar.start
    ).values_list("place_id", "resource_id", "starts_at", "ends_at"):
        closures[place_id].append((resource_id, a, b))
    spans_cache: dict[tuple[str, date], list[Interval]] = {}
    for index, day in calendar.days():
        day_start, day_end = _midnight(day), _midnight(day + timedelta(days=1))
        for place in places:
            key = (place.opening_hours, day)
            if key not in spans_cache:
                spans_cache[key] = [
                    (a.astimezone(UTC), b.astimezone(UTC))
                    for a, b in open_spans(place.opening_hours, day)
                ]
            spans = spans_cache[key]
            if not spans:
                continue
            today = [(r, a, b) for r, a, b in closures[place.pk] if a < day_end and b > day_start]
            place_cuts = _merge((a, b) for r, a, b in today if r is None)
            place_open = _subtract(spans, place_cuts)
            by_place[place.pk][index] += _seconds(place_open)
            for resource in resources_of[place.pk]:
                own = [(a, b) for r, a, b in today if r == resource.pk]
                opened = _subtract(place_open, _merge(own)) if own else place_open
                by_resource[resource.pk][index] += _seconds(opened)
    return by_place, by_resource


@dataclass
class _Rows:
    """Accumulators keyed by row: figures per period, and user sets per period and in total."""

    count: int
    figures: dict = field(default_factory=dict)
    users: dict = field(default_factory=lambda: defaultdict(set))
    all_users: dict = field(default_factory=lambda: defaultdict(set))

    def at(self, key, index: int) -> Figures:
        if key not in self.figures:
            self.figures[key] = [Figures() for _ in range(self.count)]
        return self.figures[key][index]


def _compute(
    calendar: _Calendar, place: Place | None, now: datetime
) -> tuple[list[Resource], list[Place], dict, dict]:
    """Figures per period for resources (key resource id), places (place id) and scope (None)."""
    resources = _resources(calendar, place)
    count = len(calendar.periods)
    by_resource = _Rows(count)
    by_place = _Rows(count)  # key None: the whole network
    bookings = Booking.objects.filter(
        status=Booking.Status.CONFIRMED, starts_at__lt=calendar.end, ends_at__gt=calendar.start
    )
    if place is not None:
        bookings = bookings.filter(place=place)
    exclusive = {r.pk: r.exclusive for r in resources}
    covered: dict[tuple[int, int], list[Interval]] = defaultdict(list)
    extra_place_ids = set()
    for resource_id, place_id, user_id, seats, a, b, checked_in_at in bookings.values_list(
        "resource_id", "place_id", "user_id", "seats", "starts_at", "ends_at", "checked_in_at"
    ):
        for index, (x, y) in calendar.clip(a, b):
            if exclusive.get(resource_id, False):
                covered[(resource_id, index)].append((x, y))
            else:
                by_resource.at(resource_id, index).seat_booked_seconds += int(
                    (y - x).total_seconds() * seats
                )
        index = calendar.index(a)
        if index is None:
            continue
        extra_place_ids.add(place_id)
        figures = by_resource.at(resource_id, index)
        figures.bookings += 1
        if b <= now:
            figures.ended += 1
            figures.checked_in += checked_in_at is not None
        for rows, key in ((by_resource, resource_id), (by_place, place_id), (by_place, None)):
            rows.users[(key, index)].add(user_id)
            rows.all_users[key].add(user_id)
    for (resource_id, index), intervals in covered.items():
        by_resource.at(resource_id, index).room_booked_seconds += _seconds(_merge(intervals))

    firsts = _count_new_users(calendar, place, by_resource, by_place)

    moves = PassLedger.objects.filter(
        reason__in=[PassLedger.Reason.USE, PassLedger.Reason.REFUND]
    ).annotate(
        at=Coalesce("booking__starts_at", "created_at"),
        place_of=Coalesce("place_id", "booking__place_id"),
    )
    moves = moves.filter(at__gte=calendar.start, at__lt=calendar.end)
    if place is not None:
        moves = moves.filter(place_of=place.pk)
    for place_id, at, delta, pass_place_id in moves.values_list(
        "place_of", "at", "delta", "pass_ref__place_id"
    ):
        if place_id is None:
            continue
        extra_place_ids.add(place_id)
        figures = by_place.at(place_id, calendar.index(at))
        if pass_place_id is None:
            figures.network_pass_units -= delta
        else:
            figures.place_pass_units -= delta

    if place is not None:
        places = [place]
    else:
        known = {r.place_id: r.place for r in resources}
        missing = extra_place_ids - set(known)
        places = list(known.values()) + list(Place.objects.filter(pk__in=missing))
        places.sort(key=lambda p: (p.name.lower(), p.pk))
    open_by_place, open_by_resource = _open_seconds(calendar, places, resources)

    for resource in resources:
        for index in range(count):
            figures = by_resource.at(resource.pk, index)
            seconds = open_by_resource[resource.pk][index]
            figures.open_seconds = seconds
            if resource.exclusive:
                figures.room_open_seconds = seconds
            else:
                figures.seat_capacity_seconds = seconds * resource.capacity
    rows = {"resource": by_resource, "place": by_place, "firsts": firsts}
    return resources, places, rows, open_by_place


def _count_new_users(calendar: _Calendar, place: Place | None, by_resource, by_place) -> dict:
    """New users per row: first confirmed booking ever, in the row's scope, within a period.

    Returns the first bookings' starts keyed (level, row key, user), for the groups of places."""
    confirmed = Booking.objects.filter(status=Booking.Status.CONFIRMED)
    if place is not None:
        confirmed = confirmed.filter(place=place)
    present = confirmed.filter(starts_at__gte=calendar.start, starts_at__lt=calendar.end)
    firsts = (
        confirmed.filter(user__in=present.values("user_id"))
        .values("user_id", "place_id", "resource_id")
        .annotate(first=Min("starts_at"))
        .order_by()
    )
    first_by: dict[tuple, datetime] = {}
    for row in firsts:
        for key in (
            ("resource", row["resource_id"], row["user_id"]),
            ("place", row["place_id"], row["user_id"]),
            ("place", None, row["user_id"]),
        ):
            if key not in first_by or row["first"] < first_by[key]:
                first_by[key] = row["first"]
    for (level, key, _user), first in first_by.items():
        index = calendar.index(first)
        if index is not None:
            rows = by_resource if level == "resource" else by_place
            rows.at(key, index).new_users += 1
    return first_by


def _line(level, label, rows: _Rows, key, count: int, **objects) -> Line:
    per_period = [rows.at(key, index) for index in range(count)]
    for index, figures in enumerate(per_period):
        figures.users = len(rows.users.get((key, index), ()))
    total = Figures()
    for figures in per_period:
        total.add(figures)
        total.new_users += figures.new_users
    total.users = len(rows.all_users.get(key, ()))
    return Line(level, label, per_period, total, **objects)


def _fold(target: Line, parts: list[Line]) -> None:
    """Add the additive counts of `parts` (resources or places) into `target`, period by period."""
    for part in parts:
        for index, figures in enumerate(part.periods):
            target.periods[index].add(figures)
        target.total.add(part.total)


def place_figures(
    place: Place, first_day: date, last_day: date, grain: Grain, now: datetime | None = None
) -> Report:
    """The figures of one place, with one line per resource."""
    check_range(first_day, last_day)
    now = now or timezone.now()
    report_periods = periods(first_day, last_day, grain)
    calendar = _Calendar(report_periods)
    count = len(report_periods)
    resources, _places, rows, open_by_place = _compute(calendar, place, now)
    lines = [
        _line("resource", r.name, rows["resource"], r.pk, count, place=place, resource=r)
        for r in resources
    ]
    scope = _place_line(place, rows["place"], lines, open_by_place, count)
    return Report(first_day, last_day, grain, report_periods, scope, lines, now)


def _place_line(place: Place, rows: _Rows, resource_lines, open_by_place, count: int) -> Line:
    line = _line("place", place.name, rows, place.pk, count, place=place)
    _fold(line, resource_lines)
    # A place's open time is its own, not the sum of its resources' (set after the fold).
    opened = open_by_place.get(place.pk, [0] * count)
    for figures, seconds in zip(line.periods, opened, strict=True):
        figures.open_seconds = seconds
    line.total.open_seconds = sum(opened)
    return line


def network_figures(
    first_day: date, last_day: date, grain: Grain, now: datetime | None = None
) -> Report:
    """The figures of the whole network, with one line per place."""
    check_range(first_day, last_day)
    now = now or timezone.now()
    report_periods = periods(first_day, last_day, grain)
    calendar = _Calendar(report_periods)
    count = len(report_periods)
    resources, places, rows, open_by_place = _compute(calendar, None, now)
    by_place_resources = defaultdict(list)
    for r in resources:
        by_place_resources[r.place_id].append(
            _line("resource", r.name, rows["resource"], r.pk, count, place=r.place, resource=r)
        )
    lines = [
        _place_line(p, rows["place"], by_place_resources[p.pk], open_by_place, count)
        for p in places
    ]
    scope = _line("network", "Réseau", rows["place"], None, count)
    _fold(scope, lines)
    scope.place_count = len(lines)
    labelled = labelled_place_ids(last_day)
    for line in lines:
        line.labelled = line.place.pk in labelled
    groups = [
        _group_line(label, flag, [line for line in lines if line.labelled is flag], rows, calendar)
        for label, flag in (("Lieux labellisés", True), ("Autres lieux", False))
    ]
    return Report(first_day, last_day, grain, report_periods, scope, lines, now, groups)


def _group_line(label: str, labelled: bool, lines: list[Line], rows: dict, calendar) -> Line:
    """The sums of some places' lines; users counted once across them, new users by their first
    booking in the network made at one of these places."""
    count = len(calendar.periods)
    group = Line("group", label, [Figures() for _ in range(count)])
    _fold(group, lines)
    by_place: _Rows = rows["place"]
    ids = {line.place.pk for line in lines}
    for index, figures in enumerate(group.periods):
        figures.users = len(set().union(*(by_place.users.get((pk, index), ()) for pk in ids)))
    group.total.users = len(set().union(*(by_place.all_users.get(pk, ()) for pk in ids)))
    network_first = {
        user: first for (level, key, user), first in rows["firsts"].items() if key is None
    }
    for (level, key, user), first in rows["firsts"].items():
        # New in the network, and that first booking was at one of these places.
        if level == "place" and key in ids and network_first.get(user) == first:
            index = calendar.index(first)
            if index is not None:
                group.periods[index].new_users += 1
                group.total.new_users += 1
    group.labelled = labelled
    group.place_count = len(lines)
    return group


# --- Table for exports ------------------------------------------------------------------------

LEVEL_NAMES = {
    "resource": "Ressource",
    "place": "Lieu",
    "network": "Réseau",
    "group": "Groupe de lieux",
}
HEADER = [
    "Période",
    "Du",
    "Au",
    "Niveau",
    "Lieu",
    "Ressource",
    "Type de ressource",
    "Heures d'ouverture",
    "Heures d'ouverture des salles et bureaux",
    "Heures réservées des salles et bureaux",
    "Taux d'occupation des salles et bureaux (%)",
    "Heures-postes disponibles",
    "Heures-postes réservées",
    "Taux d'occupation des postes (%)",
    "Réservations",
    "Réservations terminées",
    "Présences constatées",
    "Absences",
    "Taux d'absence (%)",
    "Utilisateurs distincts",
    "Nouveaux utilisateurs",
    "Unités de pass réseau consommées",
    "Unités de carnets du lieu consommées",
]


# Network reports add these, filled on place, group and network rows.
LABEL_HEADER = ["Labellisé en fin de période", "Nombre de lieux"]


def _table_row(period_cells: list, line: Line, figures: Figures, network=False) -> list:
    place_name = line.place.name if line.place else (line.label if line.level == "group" else "")
    label = [] if not network else [
        None if line.labelled is None else ("oui" if line.labelled else "non"),
        line.place_count,
    ]  # fmt: skip
    passes = (
        [None, None]
        if line.level == "resource"
        else [figures.network_pass_units, figures.place_pass_units]
    )
    return [
        *period_cells,
        LEVEL_NAMES[line.level],
        place_name,
        line.resource.name if line.resource else "",
        line.kind_label,
        figures.open_hours,
        figures.room_open_hours,
        figures.room_booked_hours,
        percent(figures.occupancy),
        figures.seat_capacity_hours,
        figures.seat_booked_hours,
        percent(figures.seat_occupancy),
        figures.bookings,
        figures.ended,
        figures.checked_in,
        figures.no_shows,
        percent(figures.no_show_rate),
        figures.users,
        figures.new_users,
        *passes,
        *label,
    ]


def figures_table(report: Report) -> tuple[list[str], list[list]]:
    """Header and rows for CSV and XLSX: each period, then the total, scope line first.

    Hours have two decimals, rates are percentages with one decimal, an undefined rate (nothing
    open, nothing ended) is an empty cell; dates are `date` objects.
    """
    network = report.scope.level == "network"
    rows = []
    spans = [(p.label, p.first_day, p.last_day) for p in report.periods]
    total = ["Total", report.first_day, report.last_day]
    for index, cells in enumerate(spans):
        for line in (report.scope, *report.lines):
            rows.append(_table_row(list(cells), line, line.periods[index], network))
    for line in (report.scope, *report.lines):
        rows.append(_table_row(total, line, line.total, network))
    # The comparison of labelled places with the others comes last (network reports).
    for index, cells in enumerate(spans):
        for line in report.groups:
            rows.append(_table_row(list(cells), line, line.periods[index], network))
    for line in report.groups:
        rows.append(_table_row(total, line, line.total, network))
    return list(HEADER) + (LABEL_HEADER if network else []), rows
