# ruff: noqa: F811  (fixtures imported from tests/labelling/badge_fixtures.py)
"""The network's figures split between labelled places and the others, on the hand-checked week
of tests/booking/test_figures.py (Caen: 6 bookings; Bayeux: dan's Wednesday).

A place counts as labelled when it held the label on the last day of the range (Sunday 6
December 2026). With Caen labelled: the labelled group is Caen's figures, with one new user in
the network (cleo; ada and bob booked in October, dan's first booking is in Bayeux); the others
are Bayeux's, with dan new.
"""

import csv
import io
from datetime import date

import pytest

from maillage.booking import figures
from tests.booking.test_figures import (  # noqa: F401  (fixtures)
    MONDAY,
    NETWORK_URL,
    NOW,
    SUNDAY,
    WEEK,
    H,
    bayeux,
    clock,
    people,
    week,
)
from tests.factories import UserFactory
from tests.labelling.badge_fixtures import badge_scheme, grant  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def totals(line: figures.Line) -> tuple:
    t = line.total
    return (
        line.place_count,
        t.open_seconds // H,
        t.room_open_seconds // H,
        t.room_booked_seconds // H,
        t.seat_capacity_seconds // H,
        t.seat_booked_seconds // H,
        t.bookings,
        t.ended,
        t.checked_in,
        t.users,
        t.new_users,
        t.network_pass_units,
        t.place_pass_units,
    )


CAEN = (1, 41, 37, 4, 164, 31, 6, 5, 3, 3, 1, 2, 1)
BAYEUX = (1, 45, 45, 9, 0, 0, 1, 1, 1, 1, 1, 2, 0)
NOBODY = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


def test_labelled_caen_against_bayeux(place, week, bayeux, grant):
    grant(place, date(2026, 1, 1), date(2029, 1, 1))
    report = figures.network_figures(MONDAY, SUNDAY, "week", now=NOW)
    assert [(line.label, line.labelled) for line in report.lines] == [
        ("Fablab de Bayeux", False),
        ("La Fabrique du Port", True),
    ]
    labelled, others = report.groups
    assert (labelled.label, labelled.labelled) == ("Lieux labellisés", True)
    assert (others.label, others.labelled) == ("Autres lieux", False)
    assert totals(labelled) == CAEN
    assert totals(others) == BAYEUX
    assert figures.percent(labelled.total.occupancy) == 10.8  # 4 / 37
    assert figures.percent(others.total.occupancy) == 20.0  # 9 / 45
    assert report.scope.place_count == 2


def test_label_expired_during_the_period_counts_as_other(place, week, bayeux, grant):
    # Sunday is the first day without the label: not held at the end of the period.
    grant(place, date(2026, 1, 1), SUNDAY)
    labelled, others = figures.network_figures(MONDAY, SUNDAY, "week", now=NOW).groups
    assert totals(labelled) == NOBODY
    assert totals(others)[0] == 2
    assert (others.total.bookings, others.total.users, others.total.new_users) == (7, 4, 2)


@pytest.mark.parametrize("state", ["suspended", "revoked"])
def test_suspended_or_revoked_label_counts_as_other(place, week, bayeux, grant, state):
    grant(place, date(2026, 1, 1), date(2029, 1, 1), **{state: True})
    labelled, _others = figures.network_figures(MONDAY, SUNDAY, "week", now=NOW).groups
    assert totals(labelled) == NOBODY


def test_label_granted_on_the_last_day_counts(place, week, bayeux, grant):
    grant(place, SUNDAY, date(2029, 12, 6))
    labelled, others = figures.network_figures(MONDAY, SUNDAY, "week", now=NOW).groups
    assert (totals(labelled), totals(others)) == (CAEN, BAYEUX)


def test_groups_per_day(place, week, bayeux, grant):
    grant(place, date(2026, 1, 1), date(2029, 1, 1))
    labelled, others = figures.network_figures(MONDAY, SUNDAY, "day", now=NOW).groups
    assert [f.bookings for f in labelled.periods] == [2, 2, 0, 1, 1, 0, 0]
    assert [f.users for f in labelled.periods] == [2, 2, 0, 1, 1, 0, 0]
    assert [f.new_users for f in labelled.periods] == [0, 1, 0, 0, 0, 0, 0]
    assert [f.bookings for f in others.periods] == [0, 0, 1, 0, 0, 0, 0]


def test_network_figures_take_six_queries(place, week, bayeux, grant, django_assert_num_queries):
    grant(place, date(2026, 1, 1), date(2029, 1, 1))
    with django_assert_num_queries(6):  # the five of the figures, and who is labelled
        figures.network_figures(MONDAY, SUNDAY, "day", now=NOW)


def test_page_compares_and_says_the_rule(client, clock, place, week, bayeux, grant):
    grant(place, date(2026, 1, 1), date(2029, 1, 1))
    client.force_login(UserFactory(coordinator=True))
    response = client.get(NETWORK_URL, WEEK)
    assert response.status_code == 200
    rows = response.context["group_rows"]
    assert [(row["line"].label, row["line"].place_count) for row in rows] == [
        ("Lieux labellisés", 1),
        ("Autres lieux", 1),
    ]
    page = response.content.decode()
    assert "Lieux labellisés et autres lieux, sur toute la période" in page
    assert "détenait le label à la fin de la période (6 décembre 2026)" in page
    assert page.count('<span class="badge badge-label">Labellisé</span>') == 1


def test_csv_ends_with_the_groups(client, clock, place, week, bayeux, grant):
    grant(place, date(2026, 1, 1), date(2029, 1, 1))
    client.force_login(UserFactory(coordinator=True))
    response = client.get(NETWORK_URL, {**WEEK, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[-2:] == ["Labellisé en fin de période", "Nombre de lieux"]
    by_level = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(r["Période"], r["Niveau"], r["Lieu"]) for r in by_level] == [
        ("2026-S49", "Réseau", ""),
        ("2026-S49", "Lieu", "Fablab de Bayeux"),
        ("2026-S49", "Lieu", "La Fabrique du Port"),
        ("Total", "Réseau", ""),
        ("Total", "Lieu", "Fablab de Bayeux"),
        ("Total", "Lieu", "La Fabrique du Port"),
        ("2026-S49", "Groupe de lieux", "Lieux labellisés"),
        ("2026-S49", "Groupe de lieux", "Autres lieux"),
        ("Total", "Groupe de lieux", "Lieux labellisés"),
        ("Total", "Groupe de lieux", "Autres lieux"),
    ]
    labelled_total = by_level[8]
    assert {
        key: labelled_total[key]
        for key in (
            "Réservations",
            "Taux d'occupation des salles et bureaux (%)",
            "Utilisateurs distincts",
            "Nouveaux utilisateurs",
            "Labellisé en fin de période",
            "Nombre de lieux",
        )
    } == {
        "Réservations": "6",
        "Taux d'occupation des salles et bureaux (%)": "10.8",
        "Utilisateurs distincts": "3",
        "Nouveaux utilisateurs": "1",
        "Labellisé en fin de période": "oui",
        "Nombre de lieux": "1",
    }
    assert (by_level[3]["Labellisé en fin de période"], by_level[3]["Nombre de lieux"]) == ("", "2")
    assert by_level[4]["Labellisé en fin de période"] == "non"


def test_api_gives_the_groups(client, clock, place, week, bayeux, grant):
    grant(place, date(2026, 1, 1), date(2029, 1, 1))
    client.force_login(UserFactory(coordinator=True))
    data = client.get("/api/reservations/chiffres/reseau", WEEK).json()
    assert [(line["nom"], line["labellise"]) for line in data["lieux"]] == [
        ("Fablab de Bayeux", False),
        ("La Fabrique du Port", True),
    ]
    assert [
        (g["labellise"], g["nombre_lieux"], g["total"]["reservations"], g["total"]["utilisateurs"])
        for g in data["groupes"]
    ] == [(True, 1, 6, 3), (False, 1, 1, 1)]
