"""Impacts of telework on commuting: public cases, three communes by hand, properties, messages.

No database: `impacts` is pure numpy. Hypothesis runs without its example database so the tests
write nothing to the working tree.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.observatory.errors import InputError
from maillage.observatory.impacts import (
    DEFAULT_SOURCES,
    IMPACT_DEFAULTS_VERSION,
    PARAMETER_FIELDS,
    RESULT_LABELS,
    SPLIT_RESULTS,
    ImpactError,
    ImpactParameters,
    impact_errors,
    impacts,
    parameters_copy,
    to_dict,
    validate,
)

PROPERTIES = settings(database=None, max_examples=60, deadline=None)

# --- public cases (observatory reference §7) ---------------------------------------------------

# ADEME Impact CO2's telework simulator: EF × one-way km × 92 per weekly office day, saved =
# 0.75 × telework days × that; the 0.75 is our rebound parameter at 25 %.
IMPACT_CO2 = ImpactParameters(emission_factor=0.2176, weeks_per_year=46, rebound_share=0.25)


def test_impacts_reproduce_impact_co2_per_weekly_day():
    """0.2176 × 28 × 92 = 560.5 kgCO2e a year for one weekly day, driven alone."""
    result = impacts(
        telework_days=[1.0], shared_days=[0.0], commute_km=[28.0], car_share=1.0, params=IMPACT_CO2
    )
    assert round(float(result.co2_kg[0]), 1) == 560.5
    assert result.km[0] == pytest.approx(2 * 28 * 46)


def test_impacts_reproduce_impact_co2_saving_of_two_days():
    """Saved = 0.75 × 2 × 560.5 = 840.8 kgCO2e a year."""
    result = impacts(
        telework_days=[2.0], shared_days=[0.0], commute_km=[28.0], car_share=1.0, params=IMPACT_CO2
    )
    assert round(float(result.co2_kg_net[0]), 1) == 840.8
    assert round(float(result.co2_kg[0]), 1) == 1121.1


def test_impacts_reproduce_ademe_rule_of_thumb_with_rebound():
    """ADEME 2020: 271 kgCO2e a year per weekly telework day, 187 kg after the 31 % rebound."""
    params = ImpactParameters(emission_factor=0.2176, weeks_per_year=46, rebound_share=0.31)
    # The one-way distance at which one weekly day saves 271 kg with this factor (≈ 13.5 km).
    commute = 271 / (0.2176 * 92)
    result = impacts(
        telework_days=[1.0], shared_days=[0.0], commute_km=[commute], car_share=1.0, params=params
    )
    assert float(result.co2_kg[0]) == pytest.approx(271)
    assert round(float(result.co2_kg_net[0])) == 187


# --- three communes by hand --------------------------------------------------------------------
#
# Parameters: EF 0.2 kg/km, weeks 40, speed 50 km/h, 0.3 €/km, rebound 25 %, trip to the shared
# place 5 km; car share per commune (0.5, unknown → national 0.5, 1.0).
#
# A: TD 10, SD 0, d 3 km
#    home 10 days → 40 × 10 × 2 × 3 = 2,400 km; shared 0          km 2,400
#    car 2,400 × 0.5 = 1,200; CO2 240 kg (net 180); 48 h; 360 €
# B: TD 20, SD 5, d 20 km
#    home 15 days → 40 × 15 × 2 × 20 = 24,000; shared 40 × 5 × 2 × (20 − 5) = 6,000   km 30,000
#    car 15,000; CO2 3,000 (net 2,250); 600 h; 4,500 €
# C: TD 6, SD 2, d 60 km
#    home 4 days → 40 × 4 × 2 × 60 = 19,200; shared 40 × 2 × 2 × 55 = 8,800           km 28,000
#    car 28,000; CO2 5,600 (net 4,200); 560 h; 8,400 €
# Totals: km 60,400; car 44,200; CO2 8,840 (net 6,630); 1,208 h; 13,260 €

HAND = ImpactParameters(
    emission_factor=0.2,
    car_share=0.5,
    weeks_per_year=40,
    speed_kmh=50,
    cost_per_km=0.3,
    rebound_share=0.25,
    shared_trip_km=5,
)


@pytest.fixture
def three():
    return impacts(
        telework_days=[10.0, 20.0, 6.0],
        shared_days=[0.0, 5.0, 2.0],
        commute_km=[3.0, 20.0, 60.0],
        car_share=[0.5, math.nan, 1.0],
        params=HAND,
    )


def test_impacts_by_hand_per_commune(three):
    expected = {
        "km_home": [2_400, 24_000, 19_200],
        "km_shared": [0, 6_000, 8_800],
        "km": [2_400, 30_000, 28_000],
        # Each part × its commune's car share (0.5, national 0.5 for NaN, 1.0).
        "car_km_home": [1_200, 12_000, 19_200],
        "car_km_shared": [0, 3_000, 8_800],
        "car_km": [1_200, 15_000, 28_000],
        "co2_kg_home": [240, 2_400, 3_840],
        "co2_kg_shared": [0, 600, 1_760],
        "co2_kg_net_home": [180, 1_800, 2_880],
        "co2_kg_net_shared": [0, 450, 1_320],
        "hours_home": [48, 480, 384],
        "hours_shared": [0, 120, 176],
        "euros_home": [360, 3_600, 5_760],
        "euros_shared": [0, 900, 2_640],
        "co2_kg": [240, 3_000, 5_600],
        "co2_kg_net": [180, 2_250, 4_200],
        "hours": [48, 600, 560],
        "euros": [360, 4_500, 8_400],
    }
    for name, values in expected.items():
        np.testing.assert_allclose(getattr(three, name), values, err_msg=name)


def test_impacts_by_hand_totals(three):
    assert three.totals == pytest.approx(
        {
            "km_home": 45_600,
            "km_shared": 14_800,
            "km": 60_400,
            "car_km_home": 32_400,
            "car_km_shared": 11_800,
            "car_km": 44_200,
            "co2_kg_home": 6_480,
            "co2_kg_shared": 2_360,
            "co2_kg": 8_840,
            "co2_kg_net_home": 4_860,
            "co2_kg_net_shared": 1_770,
            "co2_kg_net": 6_630,
            "hours_home": 912,
            "hours_shared": 296,
            "hours": 1_208,
            "euros_home": 9_720,
            "euros_shared": 3_540,
            "euros": 13_260,
        }
    )
    assert set(three.totals) == set(RESULT_LABELS)


def test_impacts_without_car_share_use_the_parameter():
    result = impacts(telework_days=[1.0], shared_days=[0.0], commute_km=[10.0], params=HAND)
    assert result.car_km[0] == pytest.approx(40 * 2 * 10 * 0.5)


def test_impacts_shared_place_farther_than_work_saves_nothing():
    """A 4 km commute and a 5 km trip to the place: the trip is capped at the commute, 0 km."""
    result = impacts(telework_days=[3.0], shared_days=[3.0], commute_km=[4.0], params=HAND)
    assert result.km.tolist() == [0.0]


def test_impacts_solo_days_are_not_inputs():
    """Only salaried telework days enter: the signature has no solo days (see the docstring)."""
    with pytest.raises(TypeError):
        impacts(  # type: ignore[call-arg]
            telework_days=[1.0], shared_days=[0.0], commute_km=[1.0], solo_days=[1.0], params=HAND
        )


def test_impacts_empty_territory():
    result = impacts(telework_days=[], shared_days=[], commute_km=[], params=HAND)
    assert result.totals == dict.fromkeys(RESULT_LABELS, 0.0)


# --- properties --------------------------------------------------------------------------------

_values = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)
_shares = st.floats(min_value=0, max_value=1)


@st.composite
def communes(draw, n_min: int = 1, n_max: int = 6):
    n = draw(st.integers(n_min, n_max))
    telework = np.array(draw(st.lists(_values, min_size=n, max_size=n)))
    theta = np.array(draw(st.lists(_shares, min_size=n, max_size=n)))
    commute = np.array(draw(st.lists(st.floats(0, 300), min_size=n, max_size=n)))
    car = np.array(draw(st.lists(_shares, min_size=n, max_size=n)))
    return telework, telework * theta, commute, car


def _run(telework, shared, commute, car, params=HAND):
    return impacts(
        telework_days=telework, shared_days=shared, commute_km=commute, car_share=car, params=params
    )


def _never_lower(before, after, telework, commute):
    """`after` ≥ `before` up to rounding.

    Home days are `TD − SD` with `SD = TD × θ`: when θ is close to 1 that difference is float noise
    of the size of TD, so the tolerance scales with the km every telework day would save (the
    largest figure either run can reach), not with the (possibly ~0) value compared.
    """
    reach = HAND.weeks_per_year * 2.0 * float(np.max(telework, initial=0))
    reach *= float(np.max(commute, initial=0))
    for name in RESULT_LABELS:
        low, high = getattr(before, name), getattr(after, name)
        assert (high >= low - 1e-12 * reach - 1e-9).all(), name


@PROPERTIES
@given(communes(), st.lists(_values, min_size=6, max_size=6))
def test_more_home_days_never_lower_impacts(data, extra):
    telework, shared, commute, car = data
    more = telework + np.array(extra[: telework.shape[0]])
    _never_lower(
        _run(telework, shared, commute, car), _run(more, shared, commute, car), more, commute
    )


@PROPERTIES
@given(communes(), st.floats(1, 10))
def test_more_days_everywhere_never_lower_impacts(data, factor):
    """Scaling telework days (and their shared part, θ fixed) by ≥ 1 never lowers anything."""
    telework, shared, commute, car = data
    _never_lower(
        _run(telework, shared, commute, car),
        _run(telework * factor, shared * factor, commute, car),
        telework * factor,
        commute,
    )


@PROPERTIES
@given(communes(), st.lists(st.floats(0, 100), min_size=6, max_size=6))
def test_longer_commutes_never_lower_impacts(data, extra):
    telework, shared, commute, car = data
    longer = commute + np.array(extra[: commute.shape[0]])
    _never_lower(
        _run(telework, shared, commute, car), _run(telework, shared, longer, car), telework, longer
    )


@PROPERTIES
@given(communes(), st.floats(0, 50), st.floats(0, 50))
def test_a_farther_shared_place_never_raises_impacts(data, near, far):
    telework, shared, commute, car = data
    near, far = sorted((near, far))
    close = _run(telework, shared, commute, car, ImpactParameters(shared_trip_km=near))
    distant = _run(telework, shared, commute, car, ImpactParameters(shared_trip_km=far))
    assert (distant.km <= close.km + 1e-9).all()


@PROPERTIES
@given(communes())
def test_rebound_only_lowers_co2(data):
    result = _run(*data)
    assert (result.co2_kg_net <= result.co2_kg + 1e-9).all()
    np.testing.assert_allclose(result.km, result.km_home + result.km_shared)


@PROPERTIES
@given(communes(), st.floats(0, 50))
def test_every_total_is_home_plus_shared_exactly(data, trip):
    """km, car-km, CO2e (with and without rebound), hours and euros: total = home + shared, to
    the last bit, so that a page's « dont » lines always add up to its total."""
    result = _run(*data, params=ImpactParameters(shared_trip_km=trip))
    for name in SPLIT_RESULTS:
        total = getattr(result, name)
        home, shared = getattr(result, f"{name}_home"), getattr(result, f"{name}_shared")
        assert (total == home + shared).all(), name
        assert (home >= 0).all() and (shared >= 0).all(), name


@PROPERTIES
@given(communes())
def test_no_shared_day_means_no_shared_impact(data):
    """Without days in shared places nothing is credited to tiers-lieux: all of it is home."""
    telework, _, commute, car = data
    result = _run(telework, np.zeros_like(telework), commute, car)
    for name in SPLIT_RESULTS:
        assert (getattr(result, f"{name}_shared") == 0).all(), name
        assert (getattr(result, name) == getattr(result, f"{name}_home")).all(), name


def test_a_shared_day_saves_less_than_a_home_day():
    """Same commune, one weekly day each: the tiers-lieu day keeps a 5 km trip each way."""
    result = impacts(telework_days=[2.0], shared_days=[1.0], commute_km=[20.0], params=HAND)
    # HAND: 40 weeks; home 40 × 1 × 2 × 20 = 1 600 km, shared 40 × 1 × 2 × (20 − 5) = 1 200 km.
    assert result.km_home.tolist() == [1_600.0]
    assert result.km_shared.tolist() == [1_200.0]
    assert result.hours_shared.tolist() == [24.0]


# --- parameters: defaults, sources, validation -------------------------------------------------


def test_default_parameters_are_valid_and_sourced():
    params = validate(ImpactParameters())
    assert set(params.sources) == set(PARAMETER_FIELDS) == set(DEFAULT_SOURCES)
    assert all(source.strip() for source in params.sources.values())
    assert params.emission_factor == 0.2176
    assert params.weeks_per_year == 46
    assert params.speed_kmh == pytest.approx(48.5625)
    assert params.rebound_share == 0.31


def test_parameters_copy_marks_changed_sources():
    copy = parameters_copy(ImpactParameters(), emission_factor=0.256, car_share=0.70)
    assert copy.emission_factor == 0.256
    assert copy.sources["emission_factor"] == "valeur modifiée par l'utilisateur"
    # Unchanged value: the published source stays.
    assert copy.sources["car_share"] == DEFAULT_SOURCES["car_share"]


def test_parameters_copy_refuses_unknown_and_invalid_values():
    with pytest.raises(ImpactError) as unknown:
        parameters_copy(ImpactParameters(), speed=30)
    assert unknown.value.message == "Paramètre inconnu : « speed »."
    with pytest.raises(ImpactError) as invalid:
        parameters_copy(ImpactParameters(), rebound_share=1.5)
    assert invalid.value.field == "rebound_share"


def test_parameters_to_dict_records_the_defaults_version():
    data = to_dict(ImpactParameters())
    assert data["version"] == IMPACT_DEFAULTS_VERSION
    assert data["sources"]["cost_per_km"] == DEFAULT_SOURCES["cost_per_km"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"emission_factor": -0.1},
            "emission_factor",
            "Facteur d'émission de la voiture (kgCO2e par km) : -0,1 est hors limites ; saisir "
            "une valeur positive ou nulle.",
        ),
        (
            {"car_share": 1.2},
            "car_share",
            "Part de la voiture dans les trajets domicile-travail : 120 % n'est pas une part "
            "valide ; saisir une valeur entre 0 % et 100 %.",
        ),
        (
            {"weeks_per_year": 60},
            "weeks_per_year",
            "Semaines travaillées par an : 60 est hors limites ; saisir une valeur strictement "
            "positive et au plus 53.",
        ),
        (
            {"speed_kmh": 0},
            "speed_kmh",
            "Vitesse moyenne porte à porte (km/h) : 0 est hors limites ; saisir une valeur "
            "strictement positive.",
        ),
        (
            {"cost_per_km": -1},
            "cost_per_km",
            "Coût d'un kilomètre en voiture pour le ménage (euros) : -1 est hors limites ; "
            "saisir une valeur positive ou nulle.",
        ),
        (
            {"rebound_share": -0.05},
            "rebound_share",
            "Effet rebond (part du CO2e évité reperdue) : -5 % n'est pas une part valide ; "
            "saisir une valeur entre 0 % et 100 %.",
        ),
        (
            {"shared_trip_km": math.nan},
            "shared_trip_km",
            "Trajet jusqu'au tiers-lieu (km, aller) : « nan » n'est pas un nombre.",
        ),
        (
            {"car_share": "beaucoup"},
            "car_share",
            "Part de la voiture dans les trajets domicile-travail : « beaucoup » n'est pas un "
            "nombre.",
        ),
    ],
)
def test_validate_names_the_field_in_french(changes, field, message):
    with pytest.raises(ImpactError) as error:
        validate(ImpactParameters(**changes))
    assert (error.value.field, error.value.message) == (field, message)


def test_impact_errors_lists_every_problem_in_field_order():
    errors = impact_errors(ImpactParameters(car_share=2, speed_kmh=-1, emission_factor=-1))
    assert [error.field for error in errors] == ["emission_factor", "car_share", "speed_kmh"]


# --- input arrays ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrays", "field", "message"),
    [
        (
            {"telework_days": [1, -2], "shared_days": [0, 0], "commute_km": [1, 1]},
            "telework_days",
            "Jours de télétravail par semaine : valeurs négatives ou manquantes (ligne 2).",
        ),
        (
            {"telework_days": [1, 2], "shared_days": [0, 3], "commute_km": [1, 1]},
            "shared_days",
            "Jours en tiers-lieu par semaine : plus nombreux que les jours de télétravail "
            "(ligne 2).",
        ),
        (
            {"telework_days": [1, 2], "shared_days": [0, 0], "commute_km": [1]},
            "commute_km",
            "Distance domicile-travail (km) : 1 valeur(s) reçue(s) pour 2 commune(s).",
        ),
        (
            {"telework_days": [1], "shared_days": [0], "commute_km": [math.inf]},
            "commute_km",
            "Distance domicile-travail (km) : valeurs négatives ou manquantes (ligne 1).",
        ),
        (
            {
                "telework_days": [1, 1],
                "shared_days": [0, 0],
                "commute_km": [1, 1],
                "car_share": [0.5, 1.5],
            },
            "car_share",
            "Part de la voiture : 150 % n'est pas une part valide (ligne 2) ; une valeur entre "
            "0 % et 100 % est attendue.",
        ),
        (
            {
                "telework_days": [1, 1],
                "shared_days": [0, 0],
                "commute_km": [1, 1],
                "car_share": [0.5],
            },
            "car_share",
            "Part de la voiture : 1 valeur(s) reçue(s) pour 2 commune(s).",
        ),
    ],
)
def test_impacts_refuse_bad_arrays(arrays, field, message):
    with pytest.raises(InputError) as error:
        impacts(params=HAND, **arrays)
    assert (error.value.field, error.value.message) == (field, message)


def test_car_share_precedence_a_changed_value_wins_over_measured_shares():
    from maillage.observatory.impacts import car_share_in_use

    measured = np.array([0.5, 0.9])
    # Unchanged (or changed to the national value itself): the measured shares apply.
    assert car_share_in_use(ImpactParameters(), measured) is measured
    same = parameters_copy(ImpactParameters(), car_share=0.7)
    assert car_share_in_use(same, measured) is measured
    # Changed: None, so that `impacts` takes the parameter for every commune.
    changed = parameters_copy(ImpactParameters(), car_share=0.2)
    assert car_share_in_use(changed, measured) is None
    effects = impacts(
        telework_days=[1.0, 1.0],
        shared_days=[0.0, 0.0],
        commute_km=[10.0, 10.0],
        car_share=car_share_in_use(changed, measured),
        params=changed,
    )
    # 46 weeks × 1 day × 2 × 10 km = 920 km, × 0.2 = 184 car-km in each commune.
    assert effects.car_km.tolist() == [184.0, 184.0]
