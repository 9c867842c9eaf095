"""Occupancy and attendance figures, on a small data set whose every number is computed by hand.

The week of Monday 30 November 2026 in « La Fabrique du Port » (Caen, open Mo-Fr 09:00-18:00),
« now » being Friday 4 December 12:00 in Paris (winter time, UTC+1):

- closures: the whole place on Thursday 09:00-13:00, the room on Friday 14:00-18:00;
  place open 5 × 9 - 4 = 41 h; open space 41 h (× 4 seats = 164 seat-hours); room 41 - 4 = 37 h.
- open space (4 seats): Mon ada 09-18 ×1 present (9 seat-h), Mon bob 09-13 ×2 absent (8),
  Tue cleo 13-18 ×1 present (5), Fri ada 09-18 ×1 not ended yet (9): 31 seat-h; 31/164.
  Wed dan 09-18 cancelled: does not count.
- room: Tue bob 10-12 present, Thu cleo 14-16 absent: 4 h; 4/37. Wed dan offer: does not count.
- 6 bookings, 5 ended, 3 present, 2 absent: 40 % no-shows.
- users ada, bob, cleo; ada booked here on 15 October already: new users bob and cleo.
- passes: ada's network pass -2 (Monday), cleo's place pass -1 (Tuesday), dan's network pass -2
  then +2 on cancellation (Wednesday): 2 network units, 1 place unit. A sale never counts.

The network adds « Fablab de Bayeux » (same hours, one office): dan 09-18 on Wednesday, present,
network pass -2; bob booked there on 20 October, so in the network only cleo and dan are new.
"""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from maillage.booking import figures
from maillage.booking.models import Booking, Closure, Pass, PassLedger, PassProduct, Resource
from maillage.places.opening_hours import PARIS
from maillage.places.services import place_create
from tests.booking.conftest import make_resource
from tests.factories import OrganisationFactory, UserFactory, fablab_data, place_data

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)
SUNDAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 4, 11, 0, tzinfo=UTC)  # Friday 12:00 in Paris
H = 3600


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC)


def on(offset: int) -> date:
    return MONDAY + timedelta(days=offset)


def book(resource, user, day, start, end, *, seats=1, present=False, **fields) -> Booking:
    status = fields.pop("status", Booking.Status.CONFIRMED)
    if status == Booking.Status.OFFERED:
        fields.setdefault("offer_expires_at", paris(day, 8))
    pass_ref = fields.pop("pass_ref", None)
    return Booking.objects.create(
        resource=resource,
        place=resource.place,
        exclusive=resource.exclusive,
        user=user,
        seats=seats,
        unit="hour",
        starts_at=paris(day, start),
        ends_at=paris(day, end) if end < 24 else paris(day + timedelta(days=1), 0),
        status=status,
        payment="pass" if pass_ref else "on_site",
        pass_ref=pass_ref,
        pass_units=fields.pop("pass_units", 0),
        checked_in_at=paris(day, end) if present else None,
        **fields,
    )


def a_pass(owner, place=None) -> Pass:
    product = PassProduct.objects.create(place=place, name="Carnet 10 jours", unit="day", units=10)
    held = Pass.objects.create(
        owner=owner,
        product=product,
        place=place,
        unit="day",
        units_total=10,
        units_left=10,
        expires_on=date(2027, 12, 31),
    )
    PassLedger.objects.create(pass_ref=held, delta=10, reason="sale", place=place)
    return held


def used(held: Pass, booking: Booking, units: int) -> None:
    PassLedger.objects.create(
        pass_ref=held, delta=-units, reason="use", booking=booking, place=booking.place
    )


@pytest.fixture
def people():
    return {name: UserFactory(display_name=name) for name in ("ada", "bob", "cleo", "dan")}


@pytest.fixture
def week(place, people):
    """The hand-checked week in Caen (see the module docstring)."""
    ada, bob, cleo, dan = (people[n] for n in ("ada", "bob", "cleo", "dan"))
    desks = make_resource(place, name="Espace partagé", capacity=4)
    room = make_resource(place, kind=Resource.Kind.MEETING_ROOM, name="Salle Hublot", capacity=1)
    Closure.objects.create(
        place=place, starts_at=paris(on(3), 9), ends_at=paris(on(3), 13), reason="Travaux"
    )
    Closure.objects.create(
        place=place,
        resource=room,
        starts_at=paris(on(4), 14),
        ends_at=paris(on(4), 18),
        reason="Peinture",
    )
    network_pass, cleo_pass, dan_pass = a_pass(ada), a_pass(cleo, place), a_pass(dan)
    book(desks, ada, date(2026, 10, 15), 9, 18, present=True)  # ada is not new
    book(desks, cleo, date(2026, 10, 16), 9, 18, status=Booking.Status.CANCELLED)
    first = book(desks, ada, on(0), 9, 18, present=True, pass_ref=network_pass, pass_units=2)
    used(network_pass, first, 2)
    book(desks, bob, on(0), 9, 13, seats=2)
    afternoon = book(desks, cleo, on(1), 13, 18, present=True, pass_ref=cleo_pass, pass_units=1)
    used(cleo_pass, afternoon, 1)
    book(desks, ada, on(4), 9, 18)
    cancelled = book(
        desks, dan, on(2), 9, 18, status=Booking.Status.CANCELLED, pass_ref=dan_pass, pass_units=2
    )
    used(dan_pass, cancelled, 2)
    PassLedger.objects.create(
        pass_ref=dan_pass, delta=2, reason="refund", booking=cancelled, place=place
    )
    book(room, bob, on(1), 10, 12, present=True)
    book(room, cleo, on(3), 14, 16)
    book(room, dan, on(2), 9, 11, status=Booking.Status.OFFERED)
    return {"desks": desks, "room": room, "dan_pass": dan_pass}


@pytest.fixture
def bayeux(week, people):
    other = UserFactory()
    fablab = place_create(data=fablab_data(operator=OrganisationFactory(managers=[other]).pk))
    office = make_resource(fablab, kind=Resource.Kind.OFFICE, name="Bureau 1", capacity=1)
    book(office, people["bob"], date(2026, 10, 20), 9, 18, present=True)
    visit = book(
        office, people["dan"], on(2), 9, 18, present=True, pass_ref=week["dan_pass"], pass_units=2
    )
    used(week["dan_pass"], visit, 2)
    return {"place": fablab, "manager": other}


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


# --- Periods --------------------------------------------------------------------------------


def test_periods_are_clipped_calendar_months_and_iso_weeks():
    months = figures.periods(date(2026, 10, 15), date(2026, 11, 10), "month")
    assert [(p.first_day, p.last_day, p.label, p.label_fr) for p in months] == [
        (date(2026, 10, 15), date(2026, 10, 31), "2026-10", "octobre 2026"),
        (date(2026, 11, 1), date(2026, 11, 10), "2026-11", "novembre 2026"),
    ]
    weeks = figures.periods(date(2026, 12, 30), date(2027, 1, 5), "week")
    assert [(p.first_day, p.last_day, p.label) for p in weeks] == [
        (date(2026, 12, 30), date(2027, 1, 3), "2026-S53"),
        (date(2027, 1, 4), date(2027, 1, 5), "2027-S01"),
    ]


def test_a_dst_day_lasts_25_hours():
    [day] = figures.periods(date(2026, 10, 25), date(2026, 10, 25), "day")
    assert (day.end - day.start).total_seconds() == 25 * H


def test_period_longer_than_a_year_is_refused_in_french():
    with pytest.raises(figures.FiguresError, match="au plus 366 jours"):
        figures.check_range(date(2026, 1, 1), date(2027, 1, 2))
    figures.check_range(date(2026, 1, 1), date(2027, 1, 1))  # 366 days: a leap year fits
    with pytest.raises(figures.FiguresError, match="doit précéder"):
        figures.check_range(date(2026, 1, 2), date(2026, 1, 1))


# --- Place figures --------------------------------------------------------------------------


def test_place_week_figures_match_the_hand_count(place, week):
    report = figures.place_figures(place, MONDAY, SUNDAY, "week", now=NOW)
    assert [p.label for p in report.periods] == ["2026-S49"]
    total = report.scope.total
    assert report.scope.periods == [total]
    assert (total.open_seconds, total.room_open_seconds, total.room_booked_seconds) == (
        41 * H,
        37 * H,
        4 * H,
    )
    assert (total.seat_capacity_seconds, total.seat_booked_seconds) == (164 * H, 31 * H)
    assert total.occupancy == 4 / 37 and total.seat_occupancy == 31 / 164
    assert (total.bookings, total.ended, total.checked_in, total.no_shows) == (6, 5, 3, 2)
    assert total.no_show_rate == 0.4
    assert (total.users, total.new_users) == (3, 2)
    assert (total.network_pass_units, total.place_pass_units) == (2, 1)


def test_place_resource_lines_match_the_hand_count(place, week):
    report = figures.place_figures(place, MONDAY, SUNDAY, "week", now=NOW)
    room, desks = report.lines
    assert (room.resource, desks.resource) == (week["room"], week["desks"])
    assert (room.total.open_seconds, room.total.room_booked_seconds) == (37 * H, 4 * H)
    assert (room.total.bookings, room.total.ended, room.total.checked_in) == (2, 2, 1)
    assert (room.total.users, room.total.new_users) == (2, 2)
    assert (desks.total.open_seconds, desks.total.seat_capacity_seconds) == (41 * H, 164 * H)
    assert desks.total.seat_booked_seconds == 31 * H and desks.total.room_open_seconds == 0
    assert (desks.total.bookings, desks.total.ended, desks.total.checked_in) == (4, 3, 2)
    assert (desks.total.users, desks.total.new_users) == (3, 2)  # ada booked a desk in October


def test_place_day_figures_follow_closures_and_the_clock(place, week):
    report = figures.place_figures(place, MONDAY, SUNDAY, "day", now=NOW)
    days = report.scope.periods
    assert [d.open_seconds // H for d in days] == [9, 9, 9, 5, 9, 0, 0]
    assert [d.room_open_seconds // H for d in days] == [9, 9, 9, 5, 5, 0, 0]
    assert [d.occupancy for d in days] == [0, 2 / 9, 0, 2 / 5, 0, None, None]
    assert [d.seat_occupancy for d in days] == [17 / 36, 5 / 36, 0, 0, 9 / 36, None, None]
    assert [(d.bookings, d.ended, d.no_shows) for d in days] == [
        (2, 2, 1),
        (2, 2, 0),
        (0, 0, 0),
        (1, 1, 1),
        (1, 0, 0),
        (0, 0, 0),
        (0, 0, 0),
    ]
    assert [(d.users, d.new_users) for d in days] == [
        (2, 1),
        (2, 1),
        (0, 0),
        (1, 0),
        (1, 0),
        (0, 0),
        (0, 0),
    ]
    assert [(d.network_pass_units, d.place_pass_units) for d in days] == [
        (2, 0),
        (0, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ]


def test_hours_are_counted_on_utc_instants_across_the_dst_change(people):
    """A place open 24/7: Sunday 25 October 2026 has 25 hours, and 22:00-04:00 lasts 7 hours."""
    lighthouse = place_create(data=place_data(name="Le Phare", opening_hours="24/7"))
    room = make_resource(lighthouse, kind=Resource.Kind.OFFICE, name="Bureau", capacity=1)
    book(room, people["ada"], date(2026, 10, 24), 22, 24)  # ends at midnight
    Booking.objects.create(
        resource=room,
        place=lighthouse,
        exclusive=True,
        user=people["bob"],
        unit="hour",
        starts_at=paris(date(2026, 10, 25), 0),
        ends_at=paris(date(2026, 10, 25), 4),
        payment="on_site",
    )
    days = figures.place_figures(
        lighthouse, date(2026, 10, 24), date(2026, 10, 26), "day", now=NOW
    ).scope.periods
    assert [d.open_seconds / H for d in days] == [24, 25, 24]
    assert [d.room_booked_seconds / H for d in days] == [2, 5, 0]
    [whole] = figures.place_figures(
        lighthouse, date(2026, 10, 19), date(2026, 10, 25), "week", now=NOW
    ).scope.periods
    assert (whole.open_seconds / H, whole.room_booked_seconds / H) == (6 * 24 + 25, 7)


def test_a_week_with_the_dst_change_keeps_9_to_18_days(place, people):
    desks = make_resource(place, name="Espace partagé", capacity=2)
    book(desks, people["ada"], date(2026, 10, 23), 9, 18, seats=2)
    [whole] = figures.place_figures(
        place, date(2026, 10, 19), date(2026, 10, 25), "week", now=NOW
    ).scope.periods
    assert (whole.open_seconds, whole.seat_booked_seconds) == (45 * H, 18 * H)
    assert whole.seat_occupancy == 18 / 90


def test_withdrawn_resources_show_only_when_booked_in_the_range(place, people):
    withdrawn = {"kind": Resource.Kind.OFFICE, "capacity": 1, "is_active": False}
    make_resource(place, name="Ancien bureau", **withdrawn)
    kept = make_resource(place, name="Ancienne salle", **withdrawn)
    book(kept, people["ada"], on(1), 9, 12)
    report = figures.place_figures(place, MONDAY, SUNDAY, "week", now=NOW)
    assert [line.label for line in report.lines] == ["Ancienne salle"]
    assert report.scope.total.room_booked_seconds == 3 * H


def test_a_pass_move_without_booking_counts_on_its_own_date(place, people, monkeypatch):
    held = a_pass(people["ada"], place)
    monkeypatch.setattr(timezone, "now", lambda: paris(on(2), 10))  # the ledger is append-only
    PassLedger.objects.create(pass_ref=held, delta=-1, reason="use", place=place)
    days = figures.place_figures(place, MONDAY, SUNDAY, "day", now=NOW).scope.periods
    assert [d.place_pass_units for d in days] == [0, 0, 1, 0, 0, 0, 0]


@pytest.mark.parametrize("resources", [1, 3])
def test_place_figures_take_five_queries_whatever_the_size(
    place, people, resources, django_assert_num_queries
):
    for number in range(resources):
        desks = make_resource(place, name=f"Espace {number}")
        for offset in range(5):
            book(desks, people["ada"], on(offset), 9, 18, present=True)
    with django_assert_num_queries(5):
        report = figures.place_figures(place, MONDAY, SUNDAY, "day", now=NOW)
    assert report.scope.total.bookings == 5 * resources


# --- Network figures ------------------------------------------------------------------------


def test_network_figures_match_the_hand_count(place, week, bayeux):
    report = figures.network_figures(MONDAY, SUNDAY, "week", now=NOW)
    assert [line.place for line in report.lines] == [bayeux["place"], place]
    fablab, caen = report.lines
    assert (fablab.total.open_seconds, fablab.total.room_booked_seconds) == (45 * H, 9 * H)
    assert (fablab.total.users, fablab.total.new_users) == (1, 1)
    assert (fablab.total.network_pass_units, fablab.total.place_pass_units) == (2, 0)
    assert (caen.total.users, caen.total.new_users) == (3, 2)
    total = report.scope.total
    assert (total.open_seconds, total.room_open_seconds, total.room_booked_seconds) == (
        86 * H,
        82 * H,
        13 * H,
    )
    assert (total.seat_capacity_seconds, total.seat_booked_seconds) == (164 * H, 31 * H)
    assert (total.bookings, total.ended, total.checked_in, total.no_shows) == (7, 6, 4, 2)
    assert (total.users, total.new_users) == (4, 2)  # bob booked in Bayeux in October
    assert (total.network_pass_units, total.place_pass_units) == (4, 1)


@pytest.mark.parametrize("places", [1, 3])
def test_network_figures_take_six_queries_whatever_the_size(
    people, places, django_assert_num_queries
):
    for number in range(places):
        where = place_create(data=place_data(name=f"Lieu {number}"))
        book(make_resource(where), people["ada"], MONDAY, 9, 18)
    # The five of the figures, and the places labelled on the last day (booking/figures.py).
    with django_assert_num_queries(6):
        report = figures.network_figures(MONDAY, SUNDAY, "day", now=NOW)
    assert len(report.lines) == places


def test_figures_table_has_a_row_per_period_and_line_then_totals(place, week):
    report = figures.place_figures(place, MONDAY, SUNDAY, "week", now=NOW)
    header, rows = figures.figures_table(report)
    assert header[:8] == [
        "Période",
        "Du",
        "Au",
        "Niveau",
        "Lieu",
        "Ressource",
        "Type de ressource",
        "Heures d'ouverture",
    ]
    assert [(row[0], row[3], row[5]) for row in rows] == [
        ("2026-S49", "Lieu", ""),
        ("2026-S49", "Ressource", "Salle Hublot"),
        ("2026-S49", "Ressource", "Espace partagé"),
        ("Total", "Lieu", ""),
        ("Total", "Ressource", "Salle Hublot"),
        ("Total", "Ressource", "Espace partagé"),
    ]
    assert dict(zip(header, rows[3], strict=True)) == EXPECTED_PLACE_TOTAL


EXPECTED_PLACE_TOTAL = {
    "Période": "Total",
    "Du": MONDAY,
    "Au": SUNDAY,
    "Niveau": "Lieu",
    "Lieu": "La Fabrique du Port",
    "Ressource": "",
    "Type de ressource": "",
    "Heures d'ouverture": 41.0,
    "Heures d'ouverture des salles et bureaux": 37.0,
    "Heures réservées des salles et bureaux": 4.0,
    "Taux d'occupation des salles et bureaux (%)": 10.8,  # 4 / 37
    "Heures-postes disponibles": 164.0,
    "Heures-postes réservées": 31.0,
    "Taux d'occupation des postes (%)": 18.9,  # 31 / 164
    "Réservations": 6,
    "Réservations terminées": 5,
    "Présences constatées": 3,
    "Absences": 2,
    "Taux d'absence (%)": 40.0,
    "Utilisateurs distincts": 3,
    "Nouveaux utilisateurs": 2,
    "Unités de pass réseau consommées": 2,
    "Unités de carnets du lieu consommées": 1,
}


# --- Pages ----------------------------------------------------------------------------------


def place_url(place, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/reserver/lieu/{place.public_id}/chiffres/" + (f"?{query}" if query else "")


NETWORK_URL = "/reserver/reseau/chiffres/"
WEEK = {"du": "2026-11-30", "au": "2026-12-06", "pas": "semaine"}


def test_manager_sees_the_figures_of_their_place(client, clock, place, manager, week):
    client.force_login(manager)
    response = client.get(place_url(place, **WEEK))
    assert response.status_code == 200
    assert response.context["keys"] == [
        ("Occupation des salles et bureaux", "10,8 %", "4,0 h réservées sur 37,0 h d'ouverture"),
        (
            "Occupation des postes en espace partagé",
            "18,9 %",
            "31,0 heures-postes réservées sur 164,0 disponibles",
        ),
        ("Réservations confirmées", "6", ""),
        ("Taux d'absence", "40,0 %", "2 sans présence constatée sur 5 réservations terminées"),
        ("Utilisateurs distincts", "3", ""),
        ("Nouveaux utilisateurs", "2", "première réservation dans ce lieu"),
        ("Unités de pass consommées", "3", "pass réseau : 2, carnets du lieu : 1"),
    ]
    assert [row["line"].label for row in response.context["line_rows"]] == [
        "Salle Hublot",
        "Espace partagé",
    ]
    page = response.content.decode()
    assert '<caption id="figures-periods-caption">Par période — La Fabrique du Port' in page
    assert '<th scope="row">semaine 49 (2026)</th>' in page
    assert 'width="32"' in page  # the room bar: 300 × 4 / 37 = 32.4
    assert "Salles et bureaux : 10,8 %" in page and "Postes : 18,9 %" in page
    assert ' style="' not in page  # the CSP forbids inline styles


def test_default_period_is_the_last_30_days_by_day(client, clock, place, manager, week):
    client.force_login(manager)
    response = client.get(place_url(place))
    report = response.context["report"]
    assert response.status_code == 200
    assert (report.first_day, report.last_day, report.grain) == (
        date(2026, 11, 5),
        date(2026, 12, 4),
        "day",
    )
    assert len(report.periods) == 30


def test_other_manager_gets_the_same_404_as_an_unknown_place(client, place, week, bayeux):
    client.force_login(bayeux["manager"])
    response = client.get(place_url(place))
    assert response.status_code == 404
    place.public_id = "00000000-0000-0000-0000-000000000000"
    assert client.get(place_url(place)).status_code == 404


def test_anonymous_is_sent_to_the_login_page(client, place):
    response = client.get(place_url(place))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_coordinator_sees_the_network(client, clock, place, week, bayeux):
    client.force_login(UserFactory(coordinator=True))
    response = client.get(NETWORK_URL, WEEK)
    assert response.status_code == 200
    rows = response.context["line_rows"]
    assert [row["line"].label for row in rows] == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert rows[1]["link"] == place_url(place, **WEEK)
    assert response.context["keys"][5] == (
        "Nouveaux utilisateurs",
        "2",
        "première réservation dans le réseau",
    )


def test_manager_cannot_see_the_network(client, manager):
    client.force_login(manager)
    assert client.get(NETWORK_URL).status_code == 404


def test_csv_download_reads_back(client, clock, place, manager, week):
    client.force_login(manager)
    response = client.get(place_url(place, **WEEK, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="occupation-la-fabrique-du-port-2026-11-30-2026-12-06.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert len(rows) == 7
    total = dict(zip(header, rows[4], strict=True))
    assert total == {
        key: "" if value is None else str(value) for key, value in EXPECTED_PLACE_TOTAL.items()
    }


def test_xlsx_download_reads_back(client, clock, place, week, bayeux):
    client.force_login(UserFactory(coordinator=True))
    response = client.get(NETWORK_URL, {**WEEK, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="occupation-reseau-2026-11-30-2026-12-06.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    network_total = dict(zip(header, rows[4], strict=True))
    assert (network_total["Période"], network_total["Niveau"]) == ("Total", "Réseau")
    assert network_total["Du"].date() == MONDAY  # a real date in the sheet, not text
    assert network_total["Heures d'ouverture"] == 86
    assert network_total["Taux d'occupation des salles et bureaux (%)"] == 15.9  # 13 / 82
    assert network_total["Nouveaux utilisateurs"] == 2
    assert network_total["Unités de pass réseau consommées"] == 4


def test_a_name_that_looks_like_a_formula_stays_text(client, clock, place, manager):
    make_resource(place, name="=HYPERLINK(1)")
    client.force_login(manager)
    csv_text = client.get(place_url(place, **WEEK, format="csv")).content.decode("utf-8-sig")
    assert ";'=HYPERLINK(1);" in csv_text
    sheet = load_workbook(
        io.BytesIO(client.get(place_url(place, **WEEK, format="xlsx")).content)
    ).active
    cell = sheet.cell(row=3, column=6)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"du": "30/11/2026"}, "Date de début illisible : « 30/11/2026 »"),
        ({"au": "demain"}, "Date de fin illisible"),
        ({"au": "20261206"}, "Date de fin illisible"),
        ({"du": "2026-12-06", "au": "2026-11-30"}, "La date de début doit précéder"),
        ({"du": "2025-01-01", "au": "2026-12-06"}, "au plus 366 jours"),
        ({"pas": "annee"}, "Pas inconnu"),
        ({"format": "pdf"}, "Format de téléchargement inconnu"),
    ],
)
def test_bad_parameters_give_a_400_page_in_french(client, place, manager, params, message):
    client.force_login(manager)
    response = client.get(place_url(place), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "report" not in response.context


# --- API (router mounted at /api/reservations) ----------------------------------------------


def test_api_place_figures(client, clock, place, manager, week):
    client.force_login(manager)
    response = client.get(f"/api/reservations/chiffres/lieu/{place.public_id}", WEEK)
    assert response.status_code == 200
    data = response.json()
    assert (data["du"], data["au"], data["pas"]) == ("2026-11-30", "2026-12-06", "semaine")
    assert data["lieu"] == {"id": str(place.public_id), "nom": "La Fabrique du Port"}
    assert data["total"] == {
        "heures_ouverture": 41.0,
        "salles_heures_ouverture": 37.0,
        "salles_heures_reservees": 4.0,
        "salles_taux_occupation": 0.1081,
        "postes_heures_disponibles": 164.0,
        "postes_heures_reservees": 31.0,
        "postes_taux_occupation": 0.189,
        "reservations": 6,
        "reservations_terminees": 5,
        "presences": 3,
        "absences": 2,
        "taux_absence": 0.4,
        "utilisateurs": 3,
        "nouveaux_utilisateurs": 2,
        "unites_pass_reseau": 2,
        "unites_carnets_lieu": 1,
    }
    assert [p["periode"] for p in data["periodes"]] == ["2026-S49"]
    assert [(r["nom"], r["type"], r["places"]) for r in data["ressources"]] == [
        ("Salle Hublot", "meeting_room", 1),
        ("Espace partagé", "open_space", 4),
    ]
    assert data["ressources"][0]["total"]["unites_pass_reseau"] is None


def test_api_place_figures_refused_like_an_unknown_place(client, place, week, bayeux):
    url = f"/api/reservations/chiffres/lieu/{place.public_id}"
    assert client.get(url).status_code == 401
    client.force_login(bayeux["manager"])
    response = client.get(url)
    assert (response.status_code, response.json()) == (404, {"detail": "Lieu introuvable."})


def test_api_network_figures_for_coordinators_only(client, clock, place, manager, week, bayeux):
    client.force_login(manager)
    assert client.get("/api/reservations/chiffres/reseau").status_code == 404
    client.force_login(UserFactory(coordinator=True))
    response = client.get("/api/reservations/chiffres/reseau", WEEK)
    assert response.status_code == 200
    data = response.json()
    assert [line["nom"] for line in data["lieux"]] == ["Fablab de Bayeux", "La Fabrique du Port"]
    assert (data["total"]["utilisateurs"], data["total"]["nouveaux_utilisateurs"]) == (4, 2)


def test_api_bad_period_is_422_in_french(client, place, manager):
    client.force_login(manager)
    response = client.get(
        f"/api/reservations/chiffres/lieu/{place.public_id}",
        {"du": "2026-12-06", "au": "2026-11-30"},
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "La date de début doit précéder la date de fin."}
