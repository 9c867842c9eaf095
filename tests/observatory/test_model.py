"""The demand model, step by step, on three communes computed by hand; then its properties.

No database: the model is pure numpy. Hypothesis runs without its example database so the tests
write nothing to the working tree.
"""

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from maillage.observatory import defaults, model
from maillage.observatory.commute import CAR_SHARE_NATIONAL, COMMUTE_BIN_KM, commute_bin
from maillage.observatory.errors import InputError, ScenarioError
from maillage.observatory.scenarios import (
    Scenario,
    default_scenarios,
    from_dict,
    scenario_compare,
    scenario_copy,
    to_dict,
    validate,
)

TODAY = date(2026, 3, 2)
PROPERTIES = settings(database=None, max_examples=60, deadline=None)

# --- the three-commune example -----------------------------------------------------------------
#
# Scenario « main » (round values, so that every step is easy to redo on paper):
#   τ = (0, 0.3, 0.7, 0.5, 0.4, 0)   r = 0.8   a = 0.5 (so r × a = 0.4)   f = 2 days/week
#   θ (share of teleworkers using a shared place): < 5 km → 0, 5–50 km → 0.1, ≥ 50 km → 0.2
#   g = 1 day/week in the shared place   θs = 0.25   fs = 2   O = 5   ρ = 0.8
#
# PCS order: agriculteurs, artisans-commerçants-chefs, cadres, prof. interm., employés, ouvriers.
#
# A « 14001 » (EPCI E1): W = (0, 10, 100, 100, 100, 50), s = (0, 0, 1, 1, 1, 1), S = 10, 3 km
#   W_sal = (0, 0, 100, 100, 100, 50)
#   P     = (0, 0, 70, 50, 40, 0)            → 160
#   T     = P × 0.8 × 0.5 = (0, 0, 28, 20, 16, 0) → 64
#   TD    = 64 × 2 = 128 days/week
#   θ     = 0 (3 km < 5 km)                  → shared days 64 × 0 × 1 = 0
#   solo  = 10 × 0.25 × 2 = 5
#   users = 64 × 0 + 10 × 0.25 = 2.5
#   desks = (0 + 5) / (5 × 0.8) = 5 / 4 = 1.25
#
# B « 14002 » (EPCI E1): W = (20, 20, 200, 100, 50, 100), s = (0, 0.5, 0.9, 1, 1, 1), S = 20, 20 km
#   W_sal = (0, 10, 180, 100, 50, 100)
#   P     = (0, 3, 126, 50, 20, 0)           → 199
#   T     = P × 0.4 = (0, 1.2, 50.4, 20, 8, 0) → 79.6
#   TD    = 79.6 × 2 = 159.2
#   θ     = 0.1 (5 ≤ 20 < 50)                → shared days 79.6 × 0.1 × 1 = 7.96
#   solo  = 20 × 0.25 × 2 = 10
#   users = 79.6 × 0.1 + 20 × 0.25 = 7.96 + 5 = 12.96
#   desks = (7.96 + 10) / 4 = 4.49
#
# C « 50001 » (EPCI E2): W = (10, 0, 40, 60, 80, 40), s = (0, 0, 1, 1, 1, 1), S = 8, 60 km
#   W_sal = (0, 0, 40, 60, 80, 40)
#   P     = (0, 0, 28, 30, 32, 0)            → 90
#   T     = P × 0.4 = (0, 0, 11.2, 12, 12.8, 0) → 36
#   TD    = 36 × 2 = 72
#   θ     = 0.2 (60 ≥ 50)                    → shared days 36 × 0.2 × 1 = 7.2
#   solo  = 8 × 0.25 × 2 = 4
#   users = 36 × 0.2 + 8 × 0.25 = 7.2 + 2 = 9.2
#   desks = (7.2 + 4) / 4 = 2.8
#
# E1 = A + B: desks 1.25 + 4.49 = 5.74, teleworkers 64 + 79.6 = 143.6; E2 = C: 2.8;
# territory: 8.54 desks.


@pytest.fixture
def main_scenario() -> Scenario:
    return scenario_copy(
        default_scenarios(TODAY.year)["actuel"],
        "main",
        today=TODAY,
        teleworkable=(0.0, 0.3, 0.7, 0.5, 0.4, 0.0),
        compatible_ratio=0.8,
        adoption=0.5,
        days_per_week=2.0,
        shared_bounds_km=(5.0, 50.0),
        shared_shares=(0.0, 0.1, 0.2),
        shared_days_per_week=1.0,
        solo_share=0.25,
        solo_days_per_week=2.0,
        opening_days=5.0,
        occupancy=0.8,
    )


@pytest.fixture
def three() -> model.CommuneInputs:
    return model.CommuneInputs(
        codes=["14001", "14002", "50001"],
        working=[[0, 10, 100, 100, 100, 50], [20, 20, 200, 100, 50, 100], [10, 0, 40, 60, 80, 40]],
        salaried_share=[[0, 0, 1, 1, 1, 1], [0, 0.5, 0.9, 1, 1, 1], [0, 0, 1, 1, 1, 1]],
        solos=[10, 20, 8],
        commute_km=[3, 20, 60],
        estimated=[False, False, True],
    )


def assert_close(actual, expected) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=1e-12, atol=1e-12)


def test_salaried_residents_three_communes(three):
    assert_close(
        model.salaried_residents(three.working, three.salaried_share),
        [[0, 0, 100, 100, 100, 50], [0, 10, 180, 100, 50, 100], [0, 0, 40, 60, 80, 40]],
    )


def test_potential_teleworkers_three_communes(three, main_scenario):
    salaried = model.salaried_residents(three.working, three.salaried_share)
    assert_close(
        model.potential_teleworkers(salaried, main_scenario.teleworkable),
        [[0, 0, 70, 50, 40, 0], [0, 3, 126, 50, 20, 0], [0, 0, 28, 30, 32, 0]],
    )


def test_teleworkers_three_communes(main_scenario):
    potential = np.array([[0, 0, 70, 50, 40, 0], [0, 3, 126, 50, 20, 0], [0, 0, 28, 30, 32, 0]])
    assert_close(
        model.teleworkers(potential, main_scenario.compatible_ratio, main_scenario.adoption),
        [[0, 0, 28, 20, 16, 0], [0, 1.2, 50.4, 20, 8, 0], [0, 0, 11.2, 12, 12.8, 0]],
    )


def test_telework_days_three_communes(main_scenario):
    teleworkers = np.array(
        [[0, 0, 28, 20, 16, 0], [0, 1.2, 50.4, 20, 8, 0], [0, 0, 11.2, 12, 12.8, 0]]
    )
    assert_close(model.telework_days(teleworkers, main_scenario.days_per_week), [128, 159.2, 72])


def test_shared_place_share_by_band(three, main_scenario):
    assert_close(
        model.shared_place_share(
            three.commute_km, main_scenario.shared_bounds_km, main_scenario.shared_shares
        ),
        [0.0, 0.1, 0.2],
    )


def test_shared_place_share_band_edges_belong_to_the_upper_band():
    # Band i is bounds[i-1] <= d < bounds[i]: 5 km is in 5–50 km, 50 km in « 50 km et plus ».
    assert_close(
        model.shared_place_share(
            np.array([0, 4.999, 5, 49.999, 50, 1000]), (5, 50), (0.01, 0.02, 0.05)
        ),
        [0.01, 0.01, 0.02, 0.02, 0.05, 0.05],
    )


def test_shared_place_days_three_communes():
    # T × θ × g with g = 1: 64 × 0, 79.6 × 0.1, 36 × 0.2.
    assert_close(
        model.shared_place_days(np.array([64.0, 79.6, 36]), np.array([0, 0.1, 0.2]), 1.0),
        [0, 7.96, 7.2],
    )
    # g = 0.5 halves them: the desks follow the days in the shared place, not the telework days.
    assert_close(
        model.shared_place_days(np.array([64.0, 79.6, 36]), np.array([0, 0.1, 0.2]), 0.5),
        [0, 3.98, 3.6],
    )


def test_solo_days_three_communes(three, main_scenario):
    assert_close(
        model.solo_days(three.solos, main_scenario.solo_share, main_scenario.solo_days_per_week),
        [5, 10, 4],
    )


def test_desks_needed_three_communes(main_scenario):
    assert_close(
        model.desks_needed(
            np.array([0, 7.96, 7.2]),
            np.array([5.0, 10, 4]),
            main_scenario.opening_days,
            main_scenario.occupancy,
        ),
        [1.25, 4.49, 2.8],
    )


def test_run_three_communes(three, main_scenario):
    results = model.run(three, main_scenario)

    assert results.codes.tolist() == ["14001", "14002", "50001"]
    assert results.estimated.tolist() == [False, False, True]
    assert_close(results.potential, [160, 199, 90])
    assert_close(results.teleworkers, [64, 79.6, 36])
    assert_close(results.teleworkers_by_pcs[1], [0, 1.2, 50.4, 20, 8, 0])
    assert_close(results.telework_days, [128, 159.2, 72])
    assert_close(results.shared_share, [0, 0.1, 0.2])
    assert_close(results.shared_days, [0, 7.96, 7.2])
    assert_close(results.solo_days, [5, 10, 4])
    assert_close(results.users, [2.5, 12.96, 9.2])
    assert_close(results.desks, [1.25, 4.49, 2.8])


def test_aggregate_three_communes_by_epci(three, main_scenario):
    results = model.run(three, main_scenario)

    totals = model.aggregate(results, ["E1", "E1", "E2"])

    assert list(totals) == ["E1", "E2"]
    assert math.isclose(totals["E1"]["desks"], 5.74)
    assert math.isclose(totals["E1"]["teleworkers"], 143.6)
    assert math.isclose(totals["E2"]["desks"], 2.8)
    assert (totals["E1"]["communes"], totals["E1"]["estimated"]) == (2, 0)
    assert (totals["E2"]["communes"], totals["E2"]["estimated"]) == (1, 1)
    assert math.isclose(model.total(results)["desks"], 8.54)
    assert model.total(results)["communes"] == 3


def test_aggregate_refuses_misaligned_groups(three, main_scenario):
    with pytest.raises(InputError) as caught:
        model.aggregate(model.run(three, main_scenario), ["E1", "E2"])
    assert caught.value.field == "group_codes"
    assert caught.value.message == "Codes de regroupement : 2 reçus pour 3 communes."


# --- scenarios ---------------------------------------------------------------------------------


def test_default_scenarios_are_valid_and_sourced():
    scenarios = default_scenarios(TODAY.year)

    assert list(scenarios) == ["actuel", "tendanciel", "rupture"]
    assert [s.horizon for s in scenarios.values()] == [2026, 2031, 2031]
    for scenario in scenarios.values():
        assert validate(scenario, TODAY) is scenario
        for name in ("teleworkable", "adoption", "days_per_week", "shared_bounds_km"):
            assert scenario.sources[name]
        for name in ("shared_shares", "solo_share", "solo_days_per_week", "opening_days"):
            assert scenario.sources[name]
        assert scenario.sources["occupancy"]


def test_default_scenarios_published_values():
    actuel, tendanciel, rupture = default_scenarios(2026).values()

    assert actuel.teleworkable == (0.03, 0.33, 0.72, 0.48, 0.36, 0.02)
    assert (actuel.adoption, actuel.days_per_week, actuel.occupancy) == (0.62, 1.9, 0.8)
    # r = 29 % declared compatible / 39 % teleworkable = 0.7436 → 0.744.
    assert actuel.compatible_ratio == 0.744
    # g = 67,000 places / 171,000 users × 5 days × 0.8 = 0.3918 × 4 = 1.567 → 1.57 days.
    assert actuel.shared_days_per_week == 1.57
    assert tendanciel.compatible_ratio == rupture.compatible_ratio == 0.744
    assert tendanciel.shared_days_per_week == rupture.shared_days_per_week == 1.57
    assert actuel.shared_shares == (0.0103, 0.02, 0.0514)
    # Tendanciel 2031: 0.62 + 0.045 × 7 = 0.935, capped at the Île-de-France level 0.77;
    # shared shares × (1 + 0.10 × 7) = × 1.7 → 0.02 × 1.7 = 0.034 for 5–50 km.
    assert tendanciel.adoption == 0.77
    assert tendanciel.shared_shares == (0.0175, 0.034, 0.0874)
    assert rupture.teleworkable[2:4] == (0.82, 0.58)
    assert (rupture.adoption, rupture.days_per_week, rupture.occupancy) == (0.85, 2.5, 0.85)


def test_default_scenarios_order_desks_for_france():
    inputs = defaults.estimate_inputs(["F"], [67_761_000], [10])
    desks = [model.run(inputs, s).desks[0] for s in default_scenarios(2026).values()]

    assert desks[0] < desks[1] < desks[2]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"adoption": 1.2},
            "adoption",
            "Taux d'adoption du télétravail : 120 % n'est pas une part valide ; saisir une "
            "valeur entre 0 % et 100 %.",
        ),
        (
            {"solo_share": -0.1},
            "solo_share",
            "Part des indépendants sans salarié utilisant un tiers-lieu : -10 % n'est pas une part "
            "valide ; saisir une valeur entre 0 % et 100 %.",
        ),
        (
            {"teleworkable": (0.03, 0.33, 1.5, 0.48, 0.36, 0.02)},
            "teleworkable",
            "Part des emplois télétravaillables (cadres et professions intellectuelles "
            "supérieures) : 150 % n'est pas une part valide ; saisir une valeur entre 0 % et "
            "100 %.",
        ),
        (
            {"horizon": 2025},
            "horizon",
            "Année d'horizon : 2025 est dans le passé ; choisir 2026 ou une année suivante.",
        ),
        (
            {"horizon": 2077},
            "horizon",
            "Année d'horizon : 2077 est trop lointaine ; au plus 2076 (50 ans), au-delà les "
            "tendances publiées ne disent plus rien.",
        ),
        (
            {"occupancy": 0},
            "occupancy",
            "Taux d'occupation cible : 0 % est hors limites ; saisir une part strictement "
            "supérieure à 0 % et au plus 100 %.",
        ),
        (
            {"opening_days": -1},
            "opening_days",
            "Jours d'ouverture par semaine : -1 est hors limites ; saisir une valeur strictement "
            "supérieure à 0 et au plus 7.",
        ),
        (
            {"shared_bounds_km": (50, 5)},
            "shared_bounds_km",
            "Bornes des tranches de distance domicile-travail : les bornes doivent être "
            "strictement croissantes (reçu 50, 5 km).",
        ),
        (
            {"shared_shares": (0.01, 0.02)},
            "shared_shares",
            "Part des télétravailleurs qui utilisent un tiers-lieu : 3 valeurs attendues (une par "
            "tranche, la dernière au-delà de 50 km), 2 reçues.",
        ),
        (
            {"shared_shares": (0.01, 1.02, 0.05)},
            "shared_shares",
            "Part des télétravailleurs qui utilisent un tiers-lieu (5 à 50 km) : 102 % n'est pas "
            "une part valide ; saisir une valeur entre 0 % et 100 %.",
        ),
        (
            {"shared_shares": (0.05, 0.02, 0.01)},
            "shared_shares",
            "Part des télétravailleurs qui utilisent un tiers-lieu : la part ne peut pas baisser "
            "quand le trajet s'allonge (un trajet plus long rend le tiers-lieu plus utile, pas "
            "moins).",
        ),
        (
            {"compatible_ratio": 1.1},
            "compatible_ratio",
            "Part des emplois télétravaillables jugés compatibles par les salariés : 110 % n'est "
            "pas une part valide ; saisir une valeur entre 0 % et 100 %.",
        ),
        (
            {"shared_days_per_week": 2.5},
            "shared_days_per_week",
            "Jours par semaine en tiers-lieu d'un télétravailleur usager : 2,5 dépasse les jours "
            "de télétravail par semaine (1,9) ; les jours en tiers-lieu sont une partie des jours "
            "de télétravail.",
        ),
        (
            {"shared_days_per_week": 8, "days_per_week": 8},
            "days_per_week",
            "Jours de télétravail par semaine : 8 est hors limites ; saisir une valeur au moins "
            "égale à 0 et au plus 7.",
        ),
        (
            {"shared_days_per_week": -1},
            "shared_days_per_week",
            "Jours par semaine en tiers-lieu d'un télétravailleur usager : -1 est hors limites ; "
            "saisir une valeur au moins égale à 0 et au plus 7.",
        ),
        (
            {"adoption": float("nan")},
            "adoption",
            "Taux d'adoption du télétravail : « nan » n'est pas un nombre.",
        ),
    ],
)
def test_scenario_copy_bad_value_names_field_in_french(changes, field, message):
    with pytest.raises(ScenarioError) as caught:
        scenario_copy(default_scenarios(2026)["actuel"], "essai", today=TODAY, **changes)

    assert isinstance(caught.value, ValueError)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert str(caught.value) == message


def test_scenario_copy_unknown_parameter():
    with pytest.raises(ScenarioError) as caught:
        scenario_copy(default_scenarios(2026)["actuel"], "essai", today=TODAY, speed=3)
    assert (caught.value.field, caught.value.message) == ("speed", "Paramètre inconnu : « speed ».")


def test_scenario_copy_marks_changed_values_and_compares():
    actuel = default_scenarios(2026)["actuel"]

    copy = scenario_copy(actuel, "mon scénario", today=TODAY, adoption=0.7, days_per_week=1.9)

    assert (copy.name, copy.version, copy.based_on) == ("mon scénario", 1, "actuel v2")
    assert copy.sources["adoption"] == "valeur modifiée par l'utilisateur (copie de « actuel v2 »)"
    assert copy.sources["days_per_week"] == actuel.sources["days_per_week"]  # unchanged value
    assert scenario_compare(actuel, copy) == {"adoption": (0.62, 0.7)}
    assert actuel.adoption == 0.62  # the original is untouched


def test_a_copy_with_fewer_telework_days_than_days_in_a_shared_place_caps_the_latter():
    actuel = default_scenarios(2026)["actuel"]

    copy = scenario_copy(actuel, "un-jour", today=TODAY, days_per_week=1.0)

    assert (copy.days_per_week, copy.shared_days_per_week) == (1.0, 1.0)
    assert "modifiée" in copy.sources["shared_days_per_week"]
    # Given explicitly, an impossible value is refused rather than capped.
    with pytest.raises(ScenarioError) as caught:
        scenario_copy(actuel, "x", today=TODAY, days_per_week=1.0, shared_days_per_week=1.5)
    assert caught.value.field == "shared_days_per_week"


def test_a_copy_of_the_trend_at_another_horizon_takes_the_trend_at_that_horizon():
    tendanciel = default_scenarios(2026)["tendanciel"]
    assert tendanciel.horizon == 2031

    nearer = scenario_copy(tendanciel, "proche", today=TODAY, horizon=2027)

    at_2027 = default_scenarios(2026, 2027)["tendanciel"]
    assert nearer.adoption == at_2027.adoption < tendanciel.adoption
    assert nearer.shared_shares == at_2027.shared_shares
    assert nearer.sources["adoption"] == tendanciel.sources["adoption"]  # the formula's source
    assert nearer.horizon == 2027
    # A form sends every value: those left as they were follow the horizon, a changed one stays.
    sent = {key: getattr(tendanciel, key) for key in ("adoption", "shared_shares", "occupancy")}
    from_form = scenario_copy(
        tendanciel, "form", today=TODAY, horizon=2027, **{**sent, "occupancy": 0.7}
    )
    assert from_form.adoption == at_2027.adoption
    assert from_form.occupancy == 0.7
    assert "modifiée" in from_form.sources["occupancy"]
    # Other scenarios are targets, not formulas of the horizon: their values stay.
    rupture = default_scenarios(2026)["rupture"]
    assert scenario_copy(rupture, "r", today=TODAY, horizon=2027).adoption == rupture.adoption


def test_from_dict_reads_a_past_horizon_but_validate_refuses_it():
    stored = to_dict(default_scenarios(2024)["actuel"])

    scenario = from_dict(stored)

    assert scenario.horizon == 2024
    with pytest.raises(ScenarioError) as caught:
        validate(scenario, TODAY)
    assert caught.value.field == "horizon"


def test_to_dict_from_dict_round_trip_is_json_friendly():
    import json

    for scenario in default_scenarios(2026).values():
        data = json.loads(json.dumps(to_dict(scenario)))
        assert data["shared_shares"] == list(scenario.shared_shares)
        back = from_dict(data)
        assert back == scenario
        assert back.sources == scenario.sources


def test_from_dict_of_a_version_1_scenario_takes_the_new_parameters_defaults():
    # Scenarios stored before defaults version 2 have neither r nor g.
    data = to_dict(default_scenarios(2026)["actuel"])
    del data["compatible_ratio"], data["shared_days_per_week"]
    del data["sources"]["compatible_ratio"], data["sources"]["shared_days_per_week"]

    scenario = from_dict(data)

    assert (scenario.compatible_ratio, scenario.shared_days_per_week) == (0.744, 1.57)
    assert scenario.sources["shared_days_per_week"].startswith("Caisse des Dépôts")
    assert validate(scenario, TODAY) is scenario
    # A stored scenario of 1 telework day a week: its users come at most that 1 day.
    data["days_per_week"] = 1.0
    assert from_dict(data).shared_days_per_week == 1.0


def test_desks_follow_days_in_the_shared_place_and_km_days_follow_telework_days(three):
    # Commune B of the three-commune example under « main » with g = 0.5 instead of 1:
    # T = 79.6, θ = 0.1 → shared days 79.6 × 0.1 × 0.5 = 3.98; desks (3.98 + 10) / 4 = 3.495;
    # telework days stay 79.6 × 2 = 159.2 and users 7.96 + 5 = 12.96.
    main = scenario_copy(
        default_scenarios(TODAY.year)["actuel"],
        "demi",
        today=TODAY,
        teleworkable=(0.0, 0.3, 0.7, 0.5, 0.4, 0.0),
        compatible_ratio=0.8,
        adoption=0.5,
        days_per_week=2.0,
        shared_bounds_km=(5.0, 50.0),
        shared_shares=(0.0, 0.1, 0.2),
        shared_days_per_week=0.5,
        solo_share=0.25,
        solo_days_per_week=2.0,
        opening_days=5.0,
        occupancy=0.8,
    )

    results = model.run(three, main)

    assert math.isclose(results.shared_days[1], 3.98)
    assert math.isclose(results.desks[1], 3.495)
    assert math.isclose(results.telework_days[1], 159.2)
    assert math.isclose(results.users[1], 12.96)


def test_published_desks_per_user_of_the_cdc_study_is_reached():
    # CDC 2014: 67,000 places for 171,000 users = 0.392 place per user. One user in the 5–50 km
    # band, « actuel » defaults: g / (O × ρ) = 1.57 / (5 × 0.8) = 0.3925 desk per user.
    inputs = model.CommuneInputs(
        codes=["X"],
        working=[[0, 0, 100, 0, 0, 0]],
        salaried_share=[[0, 0, 1, 1, 1, 1]],
        solos=[0],
        commute_km=[20],
        estimated=[False],
    )
    results = model.run(inputs, default_scenarios(2026)["actuel"])

    assert math.isclose(results.desks[0] / results.users[0], 0.3925)
    assert abs(results.desks[0] / results.users[0] - 67_000 / 171_000) < 0.001


def test_from_dict_missing_field():
    data = to_dict(default_scenarios(2026)["actuel"])
    del data["occupancy"]

    with pytest.raises(ScenarioError) as caught:
        from_dict(data)
    assert (caught.value.field, caught.value.message) == (
        "occupancy",
        "Taux d'occupation cible : champ manquant.",
    )


# --- inputs ------------------------------------------------------------------------------------


def test_inputs_refuse_negative_working_residents():
    with pytest.raises(InputError) as caught:
        model.CommuneInputs(
            codes=["14001", "14002"],
            working=[[0] * 6, [1, 2, 3, -4, 5, 6]],
            salaried_share=[[1] * 6, [1] * 6],
            solos=[0, 0],
            commute_km=[1, 1],
            estimated=False,
        )
    assert caught.value.field == "working"
    assert caught.value.message == (
        "Actifs occupés résidents par catégorie socioprofessionnelle : valeurs négatives ou "
        "manquantes (commune 14002)."
    )


def test_inputs_refuse_salaried_share_above_one():
    with pytest.raises(InputError) as caught:
        model.CommuneInputs(
            codes=["14001"],
            working=[[1] * 6],
            salaried_share=[[1, 1, 1.1, 1, 1, 1]],
            solos=[0],
            commute_km=[1],
            estimated=False,
        )
    assert caught.value.field == "salaried_share"
    assert caught.value.message == (
        "Part de salariés par catégorie socioprofessionnelle : une part dépasse 100 % "
        "(commune 14001)."
    )


def test_inputs_refuse_misshapen_arrays():
    with pytest.raises(InputError) as caught:
        model.CommuneInputs(
            codes=["14001"],
            working=[[1] * 5],
            salaried_share=[[1] * 6],
            solos=[0],
            commute_km=[1],
            estimated=False,
        )
    assert caught.value.field == "working"
    assert caught.value.message == (
        "Actifs occupés résidents par catégorie socioprofessionnelle : dimensions (1, 5) reçues, "
        "(1, 6) attendues (1 communes)."
    )


# --- commute mix (MOBPRO) and car share ---------------------------------------------------------
#
# Fixed bins (one-way km): [0,2) [2,5) [5,10) [10,15) [15,20) [20,30) [30,40) [40,50) [50,75)
# [75,100) [100,150) [150,∞), counted at 1, 3.5, 7.5, 12.5, 17.5, 25, 35, 45, 62.5, 87.5, 125 and
# 200 km. With the « main » bands (< 5 → 0, 5–50 → 0.1, ≥ 50 → 0.2):
#
# A « 14001 »: 50 % in [0,2) (θ 0), 30 % in [10,15) (θ 0.1), 20 % in [150,∞) (θ 0.2)
#   θ = 0.5 × 0 + 0.3 × 0.1 + 0.2 × 0.2 = 0.07 (its typical 3 km alone would give 0)
#   shared days = 64 × 0.07 × 1 = 4.48; users = 64 × 0.07 + 10 × 0.25 = 4.48 + 2.5 = 6.98
#   desks = (4.48 + 5) / 4 = 2.37
# B, C: rows of zeros (mix unknown) → θ of their commute_km as before: 0.1 and 0.2.


def mix_row(**shares: float) -> list[float]:
    row = [0.0] * len(COMMUTE_BIN_KM)
    for key, share in shares.items():
        row[int(key.removeprefix("b"))] = share
    return row


@pytest.fixture
def three_with_mix(three) -> model.CommuneInputs:
    return model.CommuneInputs(
        codes=three.codes,
        working=three.working,
        salaried_share=three.salaried_share,
        solos=three.solos,
        commute_km=three.commute_km,
        estimated=three.estimated,
        commute_mix=[mix_row(b0=0.5, b3=0.3, b11=0.2), mix_row(), mix_row()],
        car_share=[0.5, 0.8, 0.9],
    )


def test_commute_bins_representative_km():
    assert COMMUTE_BIN_KM == (1, 3.5, 7.5, 12.5, 17.5, 25, 35, 45, 62.5, 87.5, 125, 200)
    assert commute_bin(
        np.array([0, 1.99, 2, 4.99, 5, 49.99, 50, 149.9, 150, 1e6, np.inf, np.nan])
    ).tolist() == [0, 0, 1, 1, 2, 7, 8, 10, 11, 11, 11, 11]


def test_mixed_shared_place_share_three_communes(three_with_mix, main_scenario):
    assert_close(
        model.mixed_shared_place_share(
            three_with_mix.commute_km,
            three_with_mix.commute_mix,
            three_with_mix.commute_bin_km,
            main_scenario.shared_bounds_km,
            main_scenario.shared_shares,
        ),
        [0.07, 0.1, 0.2],
    )


@pytest.mark.parametrize("bin_index", range(12))
def test_mix_in_a_single_bin_counts_at_its_representative_km(bin_index):
    # Bands of the published « actuel » scenario (< 5, 5–50, ≥ 50 km: 1.03, 2, 5.14 %).
    actuel = default_scenarios(2026)["actuel"]
    mix = np.zeros((1, 12))
    mix[0, bin_index] = 1.0

    theta = model.mixed_shared_place_share(
        np.array([0.0]), mix, COMMUTE_BIN_KM, actuel.shared_bounds_km, actuel.shared_shares
    )

    km = COMMUTE_BIN_KM[bin_index]
    expected = 0.0103 if km < 5 else 0.02 if km < 50 else 0.0514
    assert theta.tolist() == [expected]


def test_run_with_commute_mix_three_communes(three_with_mix, main_scenario):
    results = model.run(three_with_mix, main_scenario)

    assert_close(results.shared_share, [0.07, 0.1, 0.2])
    assert_close(results.shared_days, [4.48, 7.96, 7.2])
    assert_close(results.users, [6.98, 12.96, 9.2])
    assert_close(results.desks, [2.37, 4.49, 2.8])
    assert_close(three_with_mix.car_share, [0.5, 0.8, 0.9])


def test_inputs_default_mix_is_unknown_and_car_share_national(three):
    assert three.commute_mix.shape == (3, 12)
    assert three.commute_mix.sum() == 0
    assert three.commute_bin_km.tolist() == list(COMMUTE_BIN_KM)
    assert three.car_share.tolist() == [0.7, 0.7, 0.7]
    assert CAR_SHARE_NATIONAL == 0.7


def test_inputs_car_share_as_a_number_is_broadcast(three):
    inputs = model.CommuneInputs(
        codes=three.codes,
        working=three.working,
        salaried_share=three.salaried_share,
        solos=three.solos,
        commute_km=three.commute_km,
        estimated=three.estimated,
        car_share=0.55,
    )
    assert inputs.car_share.tolist() == [0.55, 0.55, 0.55]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"commute_mix": [mix_row(b0=0.5, b3=0.3), mix_row(), mix_row()]},
            "commute_mix",
            "Répartition des actifs par distance domicile-travail : les parts de la commune "
            "14001 totalisent 80 % au lieu de 100 % (ou 0 si inconnues).",
        ),
        (
            {"commute_mix": [mix_row(), mix_row(b0=1.5, b1=-0.5), mix_row()]},
            "commute_mix",
            "Répartition des actifs par distance domicile-travail : valeurs négatives ou "
            "manquantes (commune 14002).",
        ),
        (
            {"commute_mix": [[1.0], [0.0], [0.0]]},
            "commute_mix",
            "Répartition des actifs par distance domicile-travail : dimensions (3, 1) reçues, "
            "(3, 12) attendues (3 communes, 12 tranches).",
        ),
        (
            {"commute_bin_km": [1, 3, 2]},
            "commute_bin_km",
            "Distances représentatives des tranches de trajet (km) : des distances positives, "
            "strictement croissantes, sont attendues.",
        ),
        (
            {"car_share": [0.5, 1.2, 0.5]},
            "car_share",
            "Part des actifs allant travailler en voiture : une part doit être comprise entre "
            "0 et 100 % (commune 14002).",
        ),
    ],
)
def test_inputs_refuse_bad_commute_mix_or_car_share(three, changes, field, message):
    with pytest.raises(InputError) as caught:
        model.CommuneInputs(
            codes=three.codes,
            working=three.working,
            salaried_share=three.salaried_share,
            solos=three.solos,
            commute_km=three.commute_km,
            estimated=three.estimated,
            **changes,
        )
    assert (caught.value.field, caught.value.message) == (field, message)


# --- default estimate --------------------------------------------------------------------------


def test_estimate_inputs_from_population():
    inputs = defaults.estimate_inputs(["14118", "61001"], [1000, 0], [0, 10])

    assert inputs.estimated.tolist() == [True, True]
    # 1,000 inhabitants × 28,341,000 / 67,761,000 = 418.25 working residents.
    assert math.isclose(inputs.working[0].sum(), 1000 * 28_341_000 / 67_761_000)
    # Cadres: 21.7 / 99.6 of them.
    assert math.isclose(inputs.working[0, 2], 418.2494355 * 21.7 / 99.6, rel_tol=1e-9)
    # Groups 1–2 are independents; groups 3–6 share the rest of the 12 % of independents:
    # (0.12 − 8.4 / 99.6) / (1 − 8.4 / 99.6) = 0.0389…, so 0.9611 salaried.
    assert inputs.salaried_share[0].tolist()[:2] == [0.0, 0.0]
    assert math.isclose(inputs.salaried_share[0, 2], 0.961052631578947, rel_tol=1e-12)
    # Solos: 418.25 × 0.12 × 0.6 = 30.11.
    assert math.isclose(inputs.solos[0], 418.2494355 * 0.072, rel_tol=1e-9)
    assert_close(inputs.commute_km, [2, 13])
    assert inputs.working[1].sum() == 0


def test_estimate_commute_km_uses_detour_factor_and_a_floor_inside_the_pole():
    # A pole's own residents still commute inside it: 2 km, as a flow inside one commune.
    assert_close(defaults.estimate_commute_km([0, 1, 10, 40]), [2, 2, 13, 52])


def test_estimated_total_share_teleworkable_is_plausible():
    # INSEE: 39 % of jobs teleworkable in France (2021). The PCS-level model on salaried jobs
    # only should land within a few points of it relative to all working residents.
    inputs = defaults.estimate_inputs(["F"], [67_761_000], [10])
    results = model.run(inputs, default_scenarios(2026)["actuel"])
    share = results.potential[0] / inputs.working[0].sum()
    assert 0.33 <= share <= 0.40


# --- properties --------------------------------------------------------------------------------

counts = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False, allow_infinity=False)
distances = st.floats(min_value=0, max_value=300, allow_nan=False, allow_infinity=False)


@st.composite
def commune_inputs(draw, min_size: int = 1, max_size: int = 30) -> model.CommuneInputs:
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    return model.CommuneInputs(
        codes=[f"{i:05d}" for i in range(n)],
        working=draw(hnp.arrays(np.float64, (n, 6), elements=counts)),
        salaried_share=draw(hnp.arrays(np.float64, (n, 6), elements=shares)),
        solos=draw(hnp.arrays(np.float64, (n,), elements=counts)),
        commute_km=draw(hnp.arrays(np.float64, (n,), elements=distances)),
        estimated=draw(hnp.arrays(np.bool_, (n,))),
    )


@st.composite
def scenarios(draw) -> Scenario:
    bounds = tuple(sorted(draw(st.sets(st.integers(1, 200), min_size=0, max_size=4))))
    band_shares = tuple(sorted(draw(st.lists(shares, min_size=len(bounds) + 1, max_size=6))))
    days = draw(st.floats(0, 7))
    return scenario_copy(
        default_scenarios(TODAY.year)["actuel"],
        "hypothèse",
        today=TODAY,
        teleworkable=tuple(draw(st.lists(shares, min_size=6, max_size=6))),
        compatible_ratio=draw(shares),
        adoption=draw(shares),
        days_per_week=days,
        shared_bounds_km=tuple(float(bound) for bound in bounds),
        shared_shares=band_shares[: len(bounds) + 1],
        shared_days_per_week=draw(st.floats(0, days)),
        solo_share=draw(shares),
        solo_days_per_week=draw(st.floats(0, 7)),
        opening_days=draw(st.floats(0.5, 7)),
        occupancy=draw(st.floats(0.05, 1)),
    )


def with_working(inputs: model.CommuneInputs, working: np.ndarray) -> model.CommuneInputs:
    return model.CommuneInputs(
        codes=inputs.codes,
        working=working,
        salaried_share=inputs.salaried_share,
        solos=inputs.solos,
        commute_km=inputs.commute_km,
        estimated=inputs.estimated,
    )


@PROPERTIES
@given(inputs=commune_inputs(), scenario=scenarios(), data=st.data())
def test_more_working_residents_never_fewer_desks(inputs, scenario, data):
    extra = data.draw(hnp.arrays(np.float64, inputs.working.shape, elements=counts))

    before = model.run(inputs, scenario).desks
    after = model.run(with_working(inputs, inputs.working + extra), scenario).desks

    assert (after >= before).all()


@PROPERTIES
@given(inputs=commune_inputs(), scenario=scenarios(), low=shares, high=shares)
def test_more_adoption_never_fewer_desks(inputs, scenario, low, high):
    low, high = sorted((low, high))

    before = model.run(inputs, scenario_copy(scenario, "bas", today=TODAY, adoption=low))
    after = model.run(inputs, scenario_copy(scenario, "haut", today=TODAY, adoption=high))

    assert (after.teleworkers >= before.teleworkers).all()
    assert (after.desks >= before.desks).all()


@PROPERTIES
@given(
    inputs=commune_inputs(),
    scenario=scenarios(),
    low=st.floats(0, 7),
    high=st.floats(0, 7),
)
def test_more_days_never_fewer_desks(inputs, scenario, low, high):
    low, high = sorted((low, high))

    def with_days(name: str, days: float) -> Scenario:
        return scenario_copy(
            scenario,
            name,
            today=TODAY,
            days_per_week=7.0,
            shared_days_per_week=days,
            solo_days_per_week=days,
        )

    before = model.run(inputs, with_days("bas", low))
    after = model.run(inputs, with_days("haut", high))

    assert (after.desks >= before.desks).all()


@PROPERTIES
@given(inputs=commune_inputs(max_size=60), scenario=scenarios(), data=st.data())
def test_communes_add_up_to_epci_and_territory(inputs, scenario, data):
    epci = data.draw(
        st.lists(
            st.sampled_from(["E1", "E2", "E3", "E4"]), min_size=len(inputs), max_size=len(inputs)
        )
    )
    results = model.run(inputs, scenario)

    by_epci = model.aggregate(results, epci)
    territory = model.aggregate(results, ["T"] * len(inputs))["T"]

    assert sum(group["communes"] for group in by_epci.values()) == len(inputs)
    assert sum(group["estimated"] for group in by_epci.values()) == int(inputs.estimated.sum())
    for name in model.ADDITIVE_FIELDS:
        communes_sum = math.fsum(getattr(results, name))
        epci_sum = math.fsum(group[name] for group in by_epci.values())
        assert math.isclose(epci_sum, communes_sum, rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(territory[name], communes_sum, rel_tol=1e-9, abs_tol=1e-6)
        assert math.isclose(model.total(results)[name], communes_sum, rel_tol=1e-9, abs_tol=1e-6)
        for group, totals in by_epci.items():
            members = [
                v for v, code in zip(getattr(results, name), epci, strict=True) if code == group
            ]
            assert math.isclose(totals[name], math.fsum(members), rel_tol=1e-9, abs_tol=1e-6)


@PROPERTIES
@given(inputs=commune_inputs(), scenario=scenarios())
def test_zero_population_gives_zero(inputs, scenario):
    empty = model.CommuneInputs(
        codes=inputs.codes,
        working=np.zeros_like(inputs.working),
        salaried_share=inputs.salaried_share,
        solos=np.zeros_like(inputs.solos),
        commute_km=inputs.commute_km,
        estimated=inputs.estimated,
    )

    results = model.run(empty, scenario)

    for name in model.ADDITIVE_FIELDS:
        assert (getattr(results, name) == 0).all(), name


def test_zero_population_estimate_gives_zero_desks():
    inputs = defaults.estimate_inputs(["00000"], [0], [25])
    for scenario in default_scenarios(2026).values():
        assert model.run(inputs, scenario).desks.tolist() == [0.0]
