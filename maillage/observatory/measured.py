"""Impacts measured on real bookings: the commutes the network's places actually saved.

The demand model (`impacts`) estimates what telework *could* save; this module counts what the
bookings of a period *did* save, from the home and work communes each booking copied from its
booker's « profil de déplacement » when it was made (`booking.services.booking_create`).

Definitions (all days are Europe/Paris calendar days):

- **Bookings counted**: confirmed (cancelled, expired and waiting-list offers never count) of a
  desk (`open_space` or `office`: a meeting room, a visio room or equipment replaces no commute),
  overlapping the period `[start, end]`, both days included.
- **Trips**: one per person and working day (Monday to Friday) a booking covers inside the
  period, for the booker only (extra seats are other people, whose commute nobody gave). Two
  half-days, or two places, on the same day are one commute avoided, not two; a weekend day
  replaces no commute. A booking from Friday 09:00 to Monday 18:00 is two trips, whatever the
  clock change in between; one ending at midnight does not count the next day.
- **Covered**: the booking kept both communes and both have a centroid. Only covered bookings
  produce kilometres; the others are counted apart, so that the figure is read with its
  coverage rate (`covered_bookings / bookings`) and never taken for the whole network's.
- **Km avoided per trip**: `2 × max(0, road(home → work) − road(home → place))`, where `road`
  is the great-circle distance between commune centroids (the place's own coordinates for the
  place) times the detour factor `defaults.DETOUR_FACTOR`. A place farther than the usual
  workplace saves nothing (it is not counted as extra kilometres either). Home and work in the
  same commune give 0 km: centroids cannot measure a trip inside a commune.
- CO2e, hours and euros use the same `ImpactParameters` as the model: the national car share
  (nobody gave their mode of transport), the emission factor, the rebound for `co2_kg_net`, the
  door-to-door speed and the cost per car-km.

RGPD: only totals come out, per place and for the whole scope, never a booking or a person; and
a total resting on fewer than `min_people` distinct people (3 by default, the usual threshold
of statistical secrecy) has its kilometres and derived figures withheld (`figures is None`),
since with one or two people they would tell where those people live and work.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db.models import QuerySet

from maillage.booking.models import Booking, Resource
from maillage.core.geo import km_for_chord, unit_vectors
from maillage.observatory.defaults import DETOUR_FACTOR
from maillage.observatory.errors import InputError
from maillage.observatory.impacts import ImpactParameters, validate
from maillage.places.models import Place
from maillage.places.opening_hours import PARIS

DESK_KINDS: tuple[str, ...] = (Resource.Kind.OPEN_SPACE, Resource.Kind.OFFICE)
# Fewest distinct people behind a published total of kilometres (statistical secrecy: a figure
# about one or two people is a figure about them).
MIN_PEOPLE = 3


@dataclass(frozen=True)
class Figures:
    """Totals over the covered trips of a scope and period (not per year): km (every mode),
    car-km, kgCO2e without and with rebound, hours and euros."""

    km: float
    car_km: float
    co2_kg: float
    co2_kg_net: float
    hours: float
    euros: float


@dataclass(frozen=True)
class Coverage:
    """Counts of one scope (a place or the whole selection).

    - `bookings`: confirmed desk bookings overlapping the period; `covered_bookings` those with
      both communes, `uncovered_bookings` the others.
    - `trips`: booking-days inside the period (all bookings); `covered_trips` those of covered
      bookings, the only ones that produce kilometres.
    - `people`: distinct bookers behind the covered trips (working days only).
    - `figures`: the impacts of the covered trips, or None when fewer than `min_people` people
      stand behind them.
    """

    bookings: int
    covered_bookings: int
    trips: int
    covered_trips: int
    people: int
    figures: Figures | None

    @property
    def uncovered_bookings(self) -> int:
        return self.bookings - self.covered_bookings

    @property
    def coverage(self) -> float | None:
        """Share of bookings with commute data; None when there is no booking at all."""
        return self.covered_bookings / self.bookings if self.bookings else None


@dataclass(frozen=True)
class PlaceMeasure:
    place_id: int
    name: str
    totals: Coverage


@dataclass(frozen=True)
class MeasuredImpacts:
    """Measured impacts of a period: `totals` for the whole selection, `places` one row per
    place with at least one counted booking, by name. `params` and `min_people` are those used,
    so that an export can state them."""

    start: date
    end: date
    params: ImpactParameters
    min_people: int
    totals: Coverage
    places: tuple[PlaceMeasure, ...]


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC-aware instants bounding local days `start` to `end` (midnight exists every day in
    Paris: the clock changes at 02:00 and 03:00)."""
    if end < start:
        raise InputError(
            "end",
            f"Fin de période : le {end:%d/%m/%Y} précède le début, le {start:%d/%m/%Y}.",
        )
    return (
        datetime.combine(start, time.min, tzinfo=PARIS),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=PARIS),
    )


def _scope(rows: QuerySet, places) -> QuerySet:
    if places is None:
        return rows
    if isinstance(places, QuerySet):
        return rows.filter(place__in=places.values("pk"))
    ids = [item.pk if isinstance(item, Place) else int(item) for item in places]
    return rows.filter(place_id__in=ids)


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    chords = np.linalg.norm(unit_vectors(lat1, lon1) - unit_vectors(lat2, lon2), axis=1)
    return km_for_chord(chords)


def km_avoided_per_trip(coords: np.ndarray) -> np.ndarray:
    """Km a trip saves: the round trip home → usual workplace minus home → place, by road
    (DETOUR_FACTOR), never below 0; 0 when a commune is unknown. `coords`: 6 × n rows, place
    lat/lon, home lat/lon, work lat/lon, NaN where unknown."""
    place_lat, place_lon, home_lat, home_lon, work_lat, work_lon = coords
    covered = np.isfinite(coords).all(axis=0)
    km = np.zeros(coords.shape[1])
    if covered.any():
        to_work = great_circle_km(
            home_lat[covered], home_lon[covered], work_lat[covered], work_lon[covered]
        )
        to_place = great_circle_km(
            home_lat[covered], home_lon[covered], place_lat[covered], place_lon[covered]
        )
        km[covered] = 2.0 * np.maximum(0.0, (to_work - to_place) * DETOUR_FACTOR)
    return km


def _local_days(instants: Iterable[datetime]) -> np.ndarray:
    return np.array([instant.astimezone(PARIS).date() for instant in instants], dtype="M8[D]")


def measured_impacts(
    *,
    start: date,
    end: date,
    params: ImpactParameters,
    places: QuerySet[Place] | Iterable[int | Place] | None = None,
    kinds: Iterable[str] = DESK_KINDS,
    min_people: int = MIN_PEOPLE,
) -> MeasuredImpacts:
    """Commutes saved by the bookings of local days `start` to `end` (both included), in the
    given places (a queryset, ids or Place objects; None for the whole network). One query.
    See the module docstring for what counts."""
    validate(params)
    first, after = _period(start, end)
    rows = _scope(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            resource__kind__in=list(kinds),
            starts_at__lt=after,
            ends_at__gt=first,
        ),
        places,
    )
    data = list(
        rows.order_by("place_id", "id").values_list(
            "place_id",
            "place__name",
            "user_id",
            "starts_at",
            "ends_at",
            "place__latitude",
            "place__longitude",
            "home_commune__centroid_lat",
            "home_commune__centroid_lon",
            "work_commune__centroid_lat",
            "work_commune__centroid_lon",
        )
    )
    if not data:
        empty = Coverage(0, 0, 0, 0, 0, None)
        return MeasuredImpacts(start, end, params, min_people, empty, ())
    columns = list(zip(*data, strict=True))
    place_ids = np.array(columns[0], dtype=np.int64)
    users = np.array(columns[2], dtype=np.int64)
    # Local days inside the period: from the first day to the day of the last instant (an end
    # at midnight belongs to the day before), clipped to [start, end].
    first_days = _local_days(columns[3])
    last_days = _local_days(end_at - timedelta(microseconds=1) for end_at in columns[4])
    period = np.array([start, end], dtype="M8[D]")
    first_days = np.maximum(first_days, period[0])
    last_days = np.minimum(last_days, period[1])
    lengths = np.maximum((last_days - first_days).astype(np.int64) + 1, 0)
    # One row per (booking, day), then only working days.
    trip_booking = np.repeat(np.arange(len(data)), lengths)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    trip_day = first_days[trip_booking] + offsets.astype("m8[D]")
    workday = np.is_busday(trip_day)
    trip_booking, trip_day = trip_booking[workday], trip_day[workday]
    trips = Trips(trip_booking, trip_day.astype(np.int64))
    coords = np.array(
        [[np.nan if value is None else value for value in column] for column in columns[5:]],
        dtype=np.float64,
    )
    covered = np.isfinite(coords).all(axis=0)
    km_per_trip = km_avoided_per_trip(coords)

    names = dict(zip(columns[0], columns[1], strict=True))
    measures = [
        PlaceMeasure(
            place_id=int(place_id),
            name=names[int(place_id)],
            totals=_coverage(
                place_ids == place_id, covered, trips, km_per_trip, users, params, min_people
            ),
        )
        for place_id in np.unique(place_ids)
    ]
    measures.sort(key=lambda measure: (measure.name, measure.place_id))
    everything = np.ones(len(data), dtype=bool)
    return MeasuredImpacts(
        start=start,
        end=end,
        params=params,
        min_people=min_people,
        totals=_coverage(everything, covered, trips, km_per_trip, users, params, min_people),
        places=tuple(measures),
    )


@dataclass(frozen=True)
class Trips:
    """Working days of the bookings: `booking[i]` (index into the rows) on `day[i]` (days since
    1970, as integers, so that (user, day) pairs sort fast)."""

    booking: np.ndarray
    day: np.ndarray


def _coverage(
    selected: np.ndarray,
    covered: np.ndarray,
    trips: Trips,
    km_per_trip: np.ndarray,
    users: np.ndarray,
    params: ImpactParameters,
    min_people: int,
) -> Coverage:
    """Counts and figures of the bookings `selected`; a person's day is one trip however many
    bookings it holds (the longest saving of that day counts)."""
    counted = selected & covered
    in_scope = selected[trips.booking]
    all_days = _person_days(users[trips.booking][in_scope], trips.day[in_scope])
    keep = in_scope & covered[trips.booking]
    covered_users, covered_days = users[trips.booking][keep], trips.day[keep]
    covered_km = km_per_trip[trips.booking][keep]
    keys, inverse = (
        np.unique(np.stack((covered_users, covered_days)), axis=1, return_inverse=True)
        if covered_users.size
        else (np.empty((2, 0)), np.empty(0, dtype=np.int64))
    )
    best = np.zeros(keys.shape[1])
    np.maximum.at(best, np.asarray(inverse).ravel(), covered_km)
    # The people behind the trips counted, not behind the bookings: a person whose bookings fall
    # on no working day adds no km, so counting them would let one person's figures through.
    people = int(np.unique(covered_users).shape[0])
    figures = None
    if people >= min_people:
        total_km = float(best.sum())
        car_km = total_km * params.car_share
        co2 = car_km * params.emission_factor
        figures = Figures(
            km=total_km,
            car_km=car_km,
            co2_kg=co2,
            co2_kg_net=co2 * (1.0 - params.rebound_share),
            hours=total_km / params.speed_kmh,
            euros=car_km * params.cost_per_km,
        )
    return Coverage(
        bookings=int(selected.sum()),
        covered_bookings=int(counted.sum()),
        trips=all_days,
        covered_trips=int(keys.shape[1]),
        people=people,
        figures=figures,
    )


def _person_days(users: np.ndarray, days: np.ndarray) -> int:
    if users.size == 0:
        return 0
    return int(np.unique(np.stack((users, days)), axis=1).shape[1])
