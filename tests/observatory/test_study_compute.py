"""A study computed end to end: communes of an EPCI cut by the perimeter, an external zone with
its own figures, typed desks and a project, three horizons with growth, three scenarios."""

import math

import pytest

from maillage.observatory.scenarios import default_scenarios
from maillage.observatory.study.compute import ORIGIN_FROM_TELEWORKERS, ORIGIN_TYPED, study_compute
from maillage.observatory.study.document import StudyInvalid, study_from_dict, study_to_dict
from maillage.places.models import Place
from maillage.places.services import place_create
from maillage.territory.models import Commune
from tests.factories import OrganisationFactory, fablab_data

pytestmark = pytest.mark.django_db

BAYEUX, AGY, ARGANCHY = "14047", "14003", "14019"


def _document(**changes):
    data = {
        "nom": "bessin-2036",
        "perimetre": {"echelon": "communes", "communes": [BAYEUX, AGY, ARGANCHY]},
        "zones_externes": [
            {
                "id": "jersey",
                "nom": "Jersey",
                "latitude": 49.21,
                "longitude": -2.13,
                "population": 103000,
                "donnees": {"teletravailleurs": 4000, "independants": 2500, "distance_km": 9},
            }
        ],
        "annee_base": 2026,
        "horizons": [
            {"annee": 2026},
            {"annee": 2031, "croissance_annuelle": 0.004},
            {"annee": 2036, "croissance_annuelle": 0.004, "populations": {BAYEUX: 14000}},
        ],
        "donnees": {AGY: {"actifs_pcs": [10, 10, 20, 30, 40, 20], "independants": 15}},
        "offre": {
            "postes": [
                {"nom": "Tiers-lieu de la gare", "commune": BAYEUX, "postes": 12},
                {"nom": "Projet du port", "zone": "jersey", "postes": 20, "statut": "projet"},
            ]
        },
        "scenarios": ["actuel", "tendanciel", "rupture"],
        "zone_de_chalandise": {"mode": "distance", "rayon_km": 20},
        "incertitude": {"echantillons": 64, "graine": 7},
    }
    data.update(changes)
    return data


def _rows(result):
    return {row.code: i for i, row in enumerate(result.rows)}


def test_a_study_with_external_zones_and_typed_offer_end_to_end():
    fablab = place_create(data=fablab_data(operator=OrganisationFactory().pk))
    result = study_compute(study_from_dict(_document()))
    rows = _rows(result)
    assert list(rows) == [AGY, ARGANCHY, BAYEUX, "zone:jersey"]
    zone = rows["zone:jersey"]
    # Typed teleworkers are today's: « actuel » at the base year gives exactly them.
    actuel = result.cell(2026, "actuel")
    assert actuel.values["teletravailleurs"][zone] == pytest.approx(4000, rel=1e-12)
    assert result.rows[zone].working_origin == ORIGIN_FROM_TELEWORKERS
    # The potential is what « actuel » applies r × a to.
    reference = default_scenarios(2026)["actuel"]
    assert actuel.values["potentiel"][zone] == pytest.approx(
        4000 / (reference.compatible_ratio * reference.adoption), rel=1e-12
    )
    assert actuel.values["independants"][zone] == 2500
    # Typed working residents: Σ W × s × τ (default salaried shares where none typed).
    agy = result.rows[rows[AGY]]
    assert (agy.working, agy.working_origin, agy.solos_origin) == (130, ORIGIN_TYPED, ORIGIN_TYPED)
    # Growth: 0.4 % a year for 5 years, and a typed population at 2036 for Bayeux.
    growth = 1.004**5
    later = result.cell(2031, "actuel")
    assert later.values["independants"][zone] == pytest.approx(2500 * growth, rel=1e-12)
    assert later.values["teletravailleurs"][zone] == pytest.approx(4000 * growth, rel=1e-12)
    bayeux_population = Commune.objects.get(code=BAYEUX).population
    assert result.populations[2036][rows[BAYEUX]] == pytest.approx(14000)
    assert result.cell(2036, "actuel").values["independants"][rows[BAYEUX]] == pytest.approx(
        actuel.values["independants"][rows[BAYEUX]] * 14000 / bayeux_population, rel=1e-12
    )
    # Offer: the fablab (4 desks, Bayeux) + 12 typed desks are counted; the project apart.
    counted = [(row.name, row.desks, row.status) for row in result.offer if row.counted]
    assert counted == [
        (fablab.name, 4.0, "ouvert"),
        ("Tiers-lieu de la gare", 12.0, "ouvert"),
        ("Projet du port", 20.0, "projet"),
    ]
    for cell in result.cells.values():
        totals = cell.totals
        assert totals["postes_recenses"] == 16 and totals["postes_projets"] == 20
        gap = totals["postes"] - 36
        assert totals["postes_a_creer"] == max(0.0, gap)
        assert totals["excedent"] == max(0.0, -gap)
        assert min(totals["postes_a_creer"], totals["excedent"]) == 0
        # Impacts: two parts that add up to the total.
        assert totals["km_evites"] == pytest.approx(
            totals["km_evites_domicile"] + totals["km_evites_tiers_lieux"], rel=1e-12
        )
        for key, band in cell.bands.items():
            assert band.p10 <= totals[key] <= band.p90 or math.isclose(band.p10, band.p90)
    # Scenarios side by side: the rupture needs more desks than « actuel » at every horizon.
    for year in (2026, 2031, 2036):
        assert result.cell(year, "rupture").totals["postes"] > actuel.totals["postes"]
    # The EPCI cut by the perimeter says how many of its communes are in it.
    [epci] = result.epcis
    total = Commune.objects.filter(epci__code=epci.code).count()
    assert (epci.code, epci.inside, epci.total) == ("241400555", 3, total)
    assert epci.label == f"communes dans le territoire : 3 sur {total}"


def test_demonstration_places_never_count():
    fablab = place_create(data=fablab_data(operator=OrganisationFactory().pk))
    Place.objects.filter(pk=fablab.pk).update(is_demo=True)
    result = study_compute(study_from_dict(_document()))
    assert [row.name for row in result.offer] == ["Tiers-lieu de la gare", "Projet du port"]


def test_export_then_import_gives_the_same_results():
    study = study_from_dict(_document())
    first = study_compute(study)
    again = study_compute(study_from_dict(study_to_dict(study)))
    assert first.cells.keys() == again.cells.keys()
    for key, cell in first.cells.items():
        assert cell.totals == again.cells[key].totals
        assert cell.bands == again.cells[key].bands


def test_a_typed_figure_above_a_communes_population_is_refused_on_its_field():
    population = Commune.objects.get(code=AGY).population
    with pytest.raises(StudyInvalid) as caught:
        study_compute(study_from_dict(_document(donnees={AGY: {"independants": population + 1}})))
    assert [(error.field, error.message) for error in caught.value.errors] == [
        (
            f"donnees.{AGY}.independants",
            f"Indépendants sans salarié de Agy : {population + 1} dépasse la population "
            f"({population} habitants).",
        )
    ]


def test_unknown_communes_are_refused_on_the_perimeter():
    with pytest.raises(StudyInvalid) as caught:
        study_compute(
            study_from_dict(
                _document(perimetre={"echelon": "communes", "communes": ["14999", BAYEUX]})
            )
        )
    assert caught.value.errors[0].field == "perimetre.communes"
    assert (
        caught.value.errors[0].message
        == "Communes : 1 code(s) inconnu(s) ou non chargé(s) : 14999."
    )


def test_a_study_of_zones_only_needs_no_commune():
    data = _document(perimetre={"echelon": "communes", "communes": []}, donnees={})
    data["offre"]["postes"] = data["offre"]["postes"][1:]
    # A zone's population typed at a horizon scales its figures as a commune's does.
    data["horizons"][2]["populations"] = {"zone:jersey": 123600}
    result = study_compute(study_from_dict(data))
    assert [row.code for row in result.rows] == ["zone:jersey"]
    assert result.cell(2026, "actuel").totals["teletravailleurs"] == pytest.approx(4000)
    assert result.cell(2036, "actuel").totals["teletravailleurs"] == pytest.approx(4800)


def test_figures_for_a_commune_outside_the_perimeter_are_refused_not_ignored():
    data = _document(donnees={"14118": {"independants": 10}})
    data["horizons"][1]["populations"] = {"zone:guernesey": 64000}
    with pytest.raises(StudyInvalid) as caught:
        study_compute(study_from_dict(data))
    assert [(error.field, error.message) for error in caught.value.errors] == [
        (
            "horizons.1.populations.zone:guernesey",
            "Population à l'horizon 2031 : « zone:guernesey » n'est ni une commune du "
            "périmètre ni une zone externe de l'étude.",
        ),
        (
            "donnees.14118",
            "Code commune : « 14118 » n'est pas dans le périmètre de l'étude ; ajouter la "
            "commune au périmètre ou retirer ses chiffres.",
        ),
    ]


def test_typed_desks_outside_the_perimeter_are_refused_not_counted():
    data = _document()
    data["offre"]["postes"] += [
        {"nom": "Coworking de Caen", "commune": "14118", "postes": 40},
        {"nom": "Au large", "latitude": 49.18, "longitude": -0.36, "postes": 8},
    ]
    with pytest.raises(StudyInvalid) as caught:
        study_compute(study_from_dict(data))
    assert [(error.field, error.message) for error in caught.value.errors] == [
        (
            "offre.postes.2.commune",
            "Lieu « Coworking de Caen » : la commune 14118 n'est pas dans le périmètre de "
            "l'étude ; ses postes ne peuvent pas y être comptés.",
        ),
        (
            "offre.postes.3.latitude",
            "Lieu « Au large » : ce point n'est dans aucune commune du périmètre ; le placer "
            "dans le périmètre, dans une zone externe, ou le retirer.",
        ),
    ]


def test_a_point_inside_the_perimeter_counts():
    data = _document()
    data["offre"]["postes"].append(
        {"nom": "Point à Bayeux", "latitude": 49.2765, "longitude": -0.7036, "postes": 5}
    )
    result = study_compute(study_from_dict(data))
    assert result.cell(2026, "actuel").totals["postes_recenses"] == 12 + 5


def test_typed_teleworkers_that_need_more_workers_than_inhabitants_are_refused():
    population = Commune.objects.get(code=AGY).population
    # « actuel » gives about 7 teleworkers per 100 inhabitants: half the population is absurd.
    typed = population // 2
    with pytest.raises(StudyInvalid) as caught:
        study_compute(study_from_dict(_document(donnees={AGY: {"teletravailleurs": typed}})))
    [error] = caught.value.errors
    assert error.field == f"donnees.{AGY}.teletravailleurs"
    assert error.message == (
        f"Télétravailleurs de Agy : {typed} demanderaient plus d'actifs que d'habitants "
        f"({population}) avec les pratiques « actuel » ; vérifier le chiffre ou saisir les "
        "actifs par PCS."
    )
    zero = {AGY: {"teletravailleurs": 5, "part_salaries_pcs": [0, 0, 0, 0, 0, 0]}}
    with pytest.raises(StudyInvalid) as caught:
        study_compute(study_from_dict(_document(donnees=zero)))
    assert "aucun n'est salarié" in caught.value.errors[0].message


def test_an_epci_counts_its_member_communes_even_when_not_all_are_loaded():
    from maillage.territory.models import EPCI

    Commune.objects.filter(epci__code="241400555").exclude(
        code__in=[BAYEUX, AGY, ARGANCHY]
    ).delete()
    official = EPCI.objects.get(code="241400555").commune_count
    assert official == 36
    [epci] = study_compute(study_from_dict(_document())).epcis
    assert (epci.inside, epci.total) == (3, 36)


def test_the_study_says_where_its_neighbours_come_from():
    result = study_compute(study_from_dict(_document()))
    assert "communes voisines" in result.provenance
