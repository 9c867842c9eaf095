"""Stated demand in the observatory: the siting option, the territory page's section, the API
layer and the downloads."""

import pytest
from django.utils import timezone

from maillage.observatory import selectors, siting_run
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import ObservatoryError
from tests.demand.statements import confirmed

pytestmark = pytest.mark.django_db

CAEN_LA_MER = "200065597"


def _siting(k: int, **overrides):
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    arguments = {
        "level": "epci",
        "code": CAEN_LA_MER,
        "scenario": catalogue["tendanciel"],
        "catchment": Catchment(radius_km=5),
        "include_projects": False,
        "objective": "nombre",
        "k": k,
        "share": 0.8,
        "population_threshold": 0,
        "candidate_codes": ["14488", "14118", "14327"],
        "demand_source": "exprimee",
    }
    arguments.update(overrides)
    return siting_run.siting_for_territory(**arguments)


def _stated_demand():
    for _ in range(5):
        confirmed("14488", days_per_week=5)  # Ouistreham: 5 desks-equivalent
    for _ in range(3):
        confirmed("14118", days_per_week=5)  # Caen: 3
    for _ in range(4):
        confirmed("14327", days_per_week=2)  # Hérouville-Saint-Clair: 1.6


def test_siting_on_stated_demand_points():
    _stated_demand()
    # 5 km by road: Ouistreham (13 km from Caen) serves only itself; Caen and Hérouville serve
    # each other (4 km apart): 3 + 1.6 = 4.6 < 5.
    one = _siting(1)
    assert [(site["code"], site["postes_couverts"]) for site in one.sites] == [("14488", 5.0)]
    assert one.total_unmet == pytest.approx(9.6)
    assert one.demand_source == "exprimee"
    two = _siting(2)
    assert [
        (
            site["code"],
            pytest.approx(site["postes_couverts"]),
            [c["code"] for c in site["communes"]],
        )
        for site in two.sites
    ] == [("14488", 5.0, ["14488"]), ("14118", 4.6, ["14118", "14327"])]
    assert siting_run.as_dict(two)["demande"] == "exprimee"


def test_siting_on_stated_demand_refuses_a_territory_without_published_demand():
    confirmed("14118", days_per_week=5)  # one person: secret
    with pytest.raises(ObservatoryError) as refused:
        _siting(1)
    assert refused.value.field == "demande"
    assert "Aucune demande exprimée publiable" in refused.value.message
