"""A study document: read back equal, every bad value refused on its field, in French."""

import pytest

from maillage.observatory.study.document import (
    FORMAT,
    FORMAT_VERSION,
    StudyInvalid,
    study_from_dict,
    study_to_dict,
)


def _document(**changes):
    data = {
        "format": FORMAT,
        "version_format": FORMAT_VERSION,
        "nom": "bessin-2036",
        "libelle": "Bessin, horizon 2036",
        "perimetre": {"echelon": "epci", "code": "241400555"},
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
            {"annee": 2036, "croissance_annuelle": 0.004, "populations": {"14047": 5200}},
        ],
        "donnees": {
            "14047": {"independants": 180, "part_salaries_pcs": [0, 0, 0.9, 0.9, 0.9, 0.9]}
        },
        "offre": {
            "annuaire": True,
            "postes": [
                {"nom": "Tiers-lieu de la gare", "commune": "14047", "postes": 12},
                {"nom": "Projet du port", "zone": "jersey", "postes": 20, "statut": "projet"},
            ],
        },
        "scenarios": [{"publie": "actuel"}, {"publie": "tendanciel"}, "rupture"],
        "zone_de_chalandise": {"mode": "distance", "rayon_km": 20},
        "incertitude": {"echantillons": 128, "graine": 7},
    }
    data.update(changes)
    return data


def _errors(data) -> dict[str, str]:
    with pytest.raises(StudyInvalid) as caught:
        study_from_dict(data)
    return {error.field: error.message for error in caught.value.errors}


def test_a_document_reads_back_equal():
    study = study_from_dict(_document())
    assert study.years == (2026, 2031, 2036)
    assert study.zones[0].inputs.teleworkers == 4000
    assert study.desks[1].status == "projet"
    assert [item.name for item in study.scenarios] == ["actuel", "tendanciel", "rupture"]
    again = study_from_dict(study_to_dict(study))
    assert again == study
    assert study_to_dict(again) == study_to_dict(study)


def test_numbers_typed_the_french_way_are_read():
    data = _document()
    data["zones_externes"][0]["population"] = "103 000"
    data["horizons"][1]["croissance_annuelle"] = "0,004"
    study = study_from_dict(data)
    assert study.zones[0].population == 103000.0
    assert study.horizons[1].growth == 0.004


def test_a_lost_leading_zero_is_put_back():
    study = study_from_dict(
        _document(perimetre={"echelon": "communes", "communes": [1001, "1004"]})
    )
    assert study.perimeter.communes == ("01001", "01004")


def test_an_empty_perimeter_is_refused():
    data = _document(perimetre={"echelon": "communes", "communes": []}, zones_externes=[])
    data["offre"]["postes"].pop()
    errors = _errors(data)
    assert errors == {
        "perimetre.communes": "Périmètre : aucune commune ni zone externe ; choisir un "
        "territoire, des communes ou saisir une zone."
    }


def test_horizons_out_of_order_are_refused():
    errors = _errors(_document(horizons=[{"annee": 2031}, {"annee": 2026}]))
    assert errors == {
        "horizons.1.annee": "Année d'horizon : 2026 après 2031 ; les horizons vont dans l'ordre, "
        "sans doublon (par exemple 2026, 2031, 2036)."
    }
    errors = _errors(_document(horizons=[{"annee": 2020}]))
    assert errors == {
        "horizons.0.annee": "Année d'horizon : 2020 est avant l'année de base (2026)."
    }


def test_shares_outside_zero_one_are_refused_with_the_way_to_write_them():
    data = _document()
    data["donnees"]["14047"]["part_salaries_pcs"] = [0, 0, 90, 0.9, 1.2e3, -0.1]
    errors = _errors(data)
    assert errors == {
        "donnees.14047.part_salaries_pcs.2": "Part de salariés, cadres et professions "
        "intellectuelles supérieures : 90 ; une part entre 0 et 1 est attendue (0,9 pour 90 %).",
        "donnees.14047.part_salaries_pcs.4": "Part de salariés, employés : 1200 ; une valeur "
        "entre 0 et 1 est attendue.",
        "donnees.14047.part_salaries_pcs.5": "Part de salariés, ouvriers : -0,1 ; une valeur "
        "entre 0 et 1 est attendue.",
    }


def test_a_typed_figure_above_the_zone_population_is_refused():
    data = _document()
    data["zones_externes"][0]["donnees"]["teletravailleurs"] = 200000
    assert _errors(data) == {
        "zones_externes.0.donnees.teletravailleurs": "Télétravailleurs : 200000 dépasse la "
        "population (103000 habitants)."
    }


def test_an_external_zone_without_a_name_is_refused():
    data = _document()
    data["zones_externes"][0]["nom"] = "  "
    data["zones_externes"][0].pop("id")
    errors = _errors(data)
    assert errors["zones_externes.0.nom"] == "Nom de la zone externe : ce champ est obligatoire."


def test_every_error_is_reported_at_once():
    data = _document(nom="Bessin 2036", annee_base="deux mille", horizons=[])
    data["offre"]["postes"][0]["postes"] = 12.5
    data["scenarios"] = ["actuel", "futur"]
    assert _errors(data) == {
        "nom": "Nom de l'étude : « Bessin 2036 » ; minuscules sans accent, chiffres et tirets "
        "(par exemple « normandie-2030 »).",
        "annee_base": "Année de base : « deux mille » n'est pas un nombre.",
        "horizons": "Horizons : au moins une année est attendue.",
        "offre.postes.0.postes": "Postes : un nombre entier est attendu.",
        "scenarios.1.publie": "Scénario publié : « futur » ; actuel, tendanciel ou rupture "
        "attendu.",
    }


def test_a_newer_format_is_refused_and_garbage_never_crashes():
    assert _errors(_document(version_format=2)) == {
        "version_format": "Version du format : 2 ; cette plateforme lit la version 1."
    }
    for garbage in (None, [], "étude", 12, {"perimetre": "14"}, {"horizons": {"a": 1}}):
        with pytest.raises(StudyInvalid):
            study_from_dict(garbage)


def test_a_users_scenario_is_kept_with_its_values():
    from maillage.observatory.scenarios import default_scenarios, to_dict

    mine = to_dict(default_scenarios(2026)["actuel"]) | {"name": "ma-variante", "adoption": 0.7}
    study = study_from_dict(_document(scenarios=["actuel", mine]))
    assert study.scenarios[1].scenario.adoption == 0.7
    mine["adoption"] = 1.7
    assert _errors(_document(scenarios=[mine])) == {
        "scenarios.0.adoption": "Taux d'adoption du télétravail : 170 % n'est pas une part "
        "valide ; saisir une valeur entre 0 % et 100 %."
    }


def test_odd_json_types_and_huge_numbers_are_field_errors_never_exceptions():
    huge = 10**400
    data = _document(perimetre={"echelon": ["region"]})
    data["zones_externes"][0]["population"] = huge
    data["offre"]["postes"][0]["statut"] = ["x"]
    data["offre"]["postes"][1]["zone"] = ["a"]
    data["incertitude"] = {"graine": huge}
    data["zone_de_chalandise"] = {"mode": "distance", "rayon_km": huge}
    errors = _errors(data)
    assert set(errors) >= {
        "perimetre.echelon",
        "zones_externes.0.population",
        "offre.postes.0.statut",
        "offre.postes.1.zone",
        "incertitude.graine",
        "zone_de_chalandise",
    }
    assert errors["zones_externes.0.population"] == "Population : un nombre fini est attendu."


def test_a_reserved_name_is_refused():
    assert _errors(_document(nom="nouvelle")) == {
        "nom": "Nom de l'étude : « nouvelle » est réservé ; en choisir un autre."
    }


def test_duplicate_communes_are_kept_once_in_their_order():
    codes = ["14118", "14047", "14118", "1001", "01001"]
    study = study_from_dict(_document(perimetre={"echelon": "communes", "communes": codes}))
    assert study.perimeter.communes == ("14118", "14047", "01001")
