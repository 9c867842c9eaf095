"""Stated demand per commune and EPCI: who counts, the figures, and statistical secrecy."""

import pytest

from maillage.demand.selectors import DemandFigures, demand_table, hidden_codes
from maillage.territory.models import Commune
from tests.demand.statements import confirmed

pytestmark = pytest.mark.django_db

CAEN_LA_MER = "200065597"
NO_NEEDS = {"poste": 0, "bureau": 0, "salle": 0, "fablab": 0}


def caen_la_mer() -> list[str]:
    return list(Commune.objects.filter(epci__code=CAEN_LA_MER).values_list("code", flat=True))


def test_figures_counting_only_confirmed_willing_people_with_secrecy():
    confirmed("14118", days_per_week=2, needs=["poste"], commute_mode="voiture", commute_km=20)
    confirmed(
        "14118", days_per_week=3, needs=["poste", "salle"], commute_mode="transports", commute_km=10
    )
    confirmed("14118")
    confirmed("14118", days_per_week=5, needs=["bureau"], commute_mode="voiture", commute_km=35)
    for _ in range(3):
        confirmed("14118", willingness="peut-etre", days_per_week=4)
    # Not counted: pending, withdrawn, unwilling.
    confirmed("14118", status="en-attente", confirmed_at=None, days_per_week=5)
    confirmed("14118", status="retiree", days_per_week=5)
    confirmed("14118", willingness="non", days_per_week=5)
    confirmed("14327", days_per_week=2)  # Hérouville-Saint-Clair: one person
    for _ in range(3):
        confirmed("14341", days_per_week=1)  # Ifs: three people
    confirmed("14437", willingness="peut-etre")  # Mondeville: one maybe

    table = demand_table(commune_codes=caen_la_mer())

    assert [(row.code, row.name) for row in table.communes] == [
        ("14118", "Caen"),
        ("14327", "Hérouville-Saint-Clair"),
        ("14341", "Ifs"),
        ("14437", "Mondeville"),
    ]
    caen, herouville, ifs, mondeville = table.communes
    assert caen.figures == DemandFigures(
        people=4,
        days=10,
        desks=2.0,
        needs={"poste": 2, "bureau": 1, "salle": 1, "fablab": 0},
        car_share=pytest.approx(2 / 3),
        km_median=20.0,
    )
    # One person in Hérouville: secret. The EPCI total would then give it away (8 − 4 − 3):
    # Ifs, the smallest visible commune, is hidden too.
    assert herouville.figures is None and herouville.secret
    assert ifs.figures is None
    assert mondeville.figures == DemandFigures(0, 0, 0.0, NO_NEEDS, None, None)
    # « Peut-être »: Mondeville's one is secret, so Caen's three are hidden as well.
    assert [row.maybe for row in table.communes] == [None, 0, 0, None]
    assert table.stated_desks() == {"14118": 2.0, "14437": 0.0}
    [epci] = table.epcis
    assert (epci.code, epci.name, epci.maybe) == (
        CAEN_LA_MER,
        "Communauté urbaine Caen la Mer",
        4,
    )
    assert epci.figures == DemandFigures(
        people=8,
        days=15,
        desks=3.0,
        needs={"poste": 2, "bureau": 1, "salle": 1, "fablab": 0},
        car_share=pytest.approx(2 / 3),
        km_median=20.0,
    )


def test_epci_figures_do_not_depend_on_the_territory_viewed():
    for _ in range(5):
        confirmed("14118", days_per_week=2)
    confirmed("14327", days_per_week=1)
    for _ in range(4):
        confirmed("14341", days_per_week=1)
    # Viewing only Caen: Hérouville still counts in the EPCI and still hides Ifs.
    table = demand_table(commune_codes=["14118"])
    assert [(row.code, row.figures.people) for row in table.communes] == [("14118", 5)]
    assert [(row.code, row.figures.people) for row in table.epcis] == [(CAEN_LA_MER, 10)]
    whole = demand_table(commune_codes=caen_la_mer())
    assert [(row.code, row.secret) for row in whole.communes] == [
        ("14118", False),
        ("14327", True),
        ("14341", True),
    ]


def test_an_epci_below_the_threshold_is_secret():
    confirmed("14047", days_per_week=3)  # Bayeux
    confirmed("14047", days_per_week=1)
    table = demand_table(commune_codes=["14047"])
    assert [(row.code, row.secret, row.maybe) for row in table.communes] == [("14047", True, 0)]
    assert [(row.name, row.secret) for row in table.epcis] == [
        ("Communauté de communes de Bayeux Intercom", True)
    ]


def test_secondary_suppression_until_the_hidden_hold_three_people_in_two_communes():
    groups = {"a": "e", "b": "e", "c": "e", "d": "e", "x": "f", "y": "f", "z": ""}
    # a and b hide 2 people in all: c (the smallest visible, code breaking the tie with d) too.
    counts = {"a": 1, "b": 1, "c": 4, "d": 4, "x": 2, "y": 0, "z": 1}
    assert hidden_codes(counts, groups) == {"a", "b", "c", "x", "z"}
    # Two hidden holding 3 people: nothing more to hide.
    assert hidden_codes({"a": 1, "b": 2, "c": 5}, groups) == {"a", "b"}
    assert hidden_codes({"a": 3, "b": 0, "c": 5}, groups) == set()
