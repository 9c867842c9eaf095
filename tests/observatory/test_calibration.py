"""Calibration: « actuel » over the whole of France reproduces the measured share of salaried who
telework (Insee, enquête Emploi 2022: 19.4 % at least one day a week).

The test database holds every commune of France (tests/conftest.py) and no INSEE import, so this
is the default estimate, the one a territory gets before its files are imported.
"""

from datetime import date

import numpy as np
import pytest

from maillage.observatory import model
from maillage.observatory.inputs import commune_inputs
from maillage.observatory.scenarios import (
    MEASURED_TELEWORK_SHARE_2022,
    default_scenarios,
    scenario_copy,
)
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
# ±1 point around the measured share: the PCS-level model with national shares reproduces it
# only up to mix effects (and the two figures of r do not have exactly the same field).
TOLERANCE = 0.01


@pytest.fixture(scope="module")
def france(django_db_setup, django_db_blocker) -> model.CommuneInputs:
    with django_db_blocker.unblock():
        rows = list(
            Commune.objects.order_by("code").values_list(
                "code", "population", "centroid_lat", "centroid_lon"
            )
        )
        codes, population, lat, lon = zip(*rows, strict=True)
        return commune_inputs(
            codes=codes,
            population=[people or 0 for people in population],
            lat=[np.nan if value is None else value for value in lat],
            lon=[np.nan if value is None else value for value in lon],
        )


def national_share(inputs: model.CommuneInputs, scenario) -> float:
    """Salaried teleworkers over salaried residents, France as a whole."""
    salaried = model.salaried_residents(inputs.working, inputs.salaried_share).sum()
    return float(model.run(inputs, scenario).teleworkers.sum() / salaried)


def test_the_database_holds_all_of_france(france):
    assert len(france) > 34_000
    assert france.estimated.all()
    # ≈ 68 million inhabitants × 0.418 working residents per inhabitant.
    assert 27e6 < france.working.sum() < 29.5e6


def test_actuel_reproduces_the_measured_national_share_of_teleworkers(france):
    # Default estimate: τ weighted by the salaried of PCS 3–6 (21.7, 24.6, 26.0, 18.9 %) =
    # (21.7 × 0.72 + 24.6 × 0.48 + 26.0 × 0.36 + 18.9 × 0.02) / 91.2 = 37.17 / 91.2 = 40.76 %;
    # × r 0.744 × a 0.62 = 18.80 % (19.4 % measured in 2022).
    share = national_share(france, default_scenarios(TODAY.year)["actuel"])

    assert round(share, 4) == 0.188
    assert abs(share - MEASURED_TELEWORK_SHARE_2022) <= TOLERANCE


def test_adoption_applied_to_the_task_based_share_would_miss_the_measure(france):
    # The former base: a applied to τ directly (r = 1) gives 40.76 % × 0.62 = 25.27 %, six
    # points above the measure: the check above would catch a return to it.
    actuel = default_scenarios(TODAY.year)["actuel"]
    former = scenario_copy(actuel, "ancienne-base", today=TODAY, compatible_ratio=1.0)

    share = national_share(france, former)

    assert round(share, 4) == 0.2527
    assert abs(share - MEASURED_TELEWORK_SHARE_2022) > TOLERANCE


def test_prospective_scenarios_rise_from_the_calibrated_level(france):
    # Tendanciel 2031: 40.76 % × 0.744 × 0.77 = 23.35 %; rupture: τ + 10 points for cadres and
    # professions intermédiaires, (21.7 × 0.82 + 24.6 × 0.58 + 26.0 × 0.36 + 18.9 × 0.02) / 91.2
    # = 41.8 / 91.2 = 45.833 %, × 0.744 × 0.85 = 28.985 %.
    scenarios = default_scenarios(TODAY.year)

    assert round(national_share(france, scenarios["tendanciel"]), 4) == 0.2335
    assert abs(national_share(france, scenarios["rupture"]) - 0.28985) < 1e-9
