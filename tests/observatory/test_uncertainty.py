"""Uncertainty bands and sensitivity: a band computed by hand, reproducibility, agreement with
`model.run`, the two properties (band around the point, narrower ranges → narrower band), the
tornado ordering and its chart.

No database: pure numpy. Hypothesis runs without its example database and with fixed seeds.
"""

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from maillage.observatory import model, svg
from maillage.observatory import uncertainty as unc
from maillage.observatory.commute import COMMUTE_BIN_KM
from maillage.observatory.scenarios import default_scenarios, scenario_copy

TODAY = date(2026, 3, 2)
PROPERTIES = settings(database=None, max_examples=40, deadline=None)
NS = {"s": "http://www.w3.org/2000/svg"}
NNBSP = "\u202f"

# --- a two-commune case, computed by hand ------------------------------------------------------
#
# Scenario « simple »: τ cadres 0.5 (others 0), r = 0.8, a = 0.5 (r × a = 0.4), f = 2, g = 1,
# θ: < 5 km → 0.05, 5–50 km → 0.1, ≥ 50 km → 0.2, θs = 0.25, fs = 2, O = 5, ρ = 0.8 (O × ρ = 4).
# No solos.
#   A « 14001 », 100 salaried cadres, 20 km: T = 100 × 0.5 × 0.4 = 20; shared days 20 × 0.1 × 1
#     = 2; desks 2 / 4 = 0.5; users 20 × 0.1 = 2.
#   B « 14002 », 200 salaried cadres, 3 km: T = 40; shared days 40 × 0.05 = 2; desks 0.5; users 2.
#   Territory: potential 150, teleworkers 60, users 4, desks 1.0.
# Every figure but the potential is proportional to a: with only a varying (× m), the desks are
# exactly 1.0 × m, so P10 / P90 of the desks are the P10 / P90 of the multipliers m.


def simple_scenario():
    return scenario_copy(
        default_scenarios(TODAY.year)["actuel"],
        "simple",
        today=TODAY,
        teleworkable=(0.0, 0.0, 0.5, 0.0, 0.0, 0.0),
        compatible_ratio=0.8,
        adoption=0.5,
        days_per_week=2.0,
        shared_bounds_km=(5.0, 50.0),
        shared_shares=(0.05, 0.1, 0.2),
        shared_days_per_week=1.0,
        solo_share=0.25,
        solo_days_per_week=2.0,
        opening_days=5.0,
        occupancy=0.8,
    )


def simple_inputs() -> model.CommuneInputs:
    return model.CommuneInputs(
        codes=["14001", "14002"],
        working=[[0, 0, 100, 0, 0, 0], [0, 0, 200, 0, 0, 0]],
        salaried_share=np.ones((2, 6)),
        solos=[0, 0],
        commute_km=[20, 3],
        estimated=[False, False],
    )


def only(key: str, low: float, high: float) -> tuple[unc.ParameterRange, ...]:
    item = next(item for item in unc.PARAMETER_RANGES if item.key == key)
    return (replace(item, low=low, high=high),)


def test_one_linear_parameter_gives_the_model_at_its_percentiles():
    ranges = only("adoption", 0.8, 1.2)
    bands = unc.uncertainty_bands(
        simple_inputs(), simple_scenario(), ranges=ranges, samples=50, seed=7
    )
    m = unc.sample_multipliers(ranges, 50, 7)[:, 0]
    # Latin hypercube: exactly one multiplier in each fiftieth of [0.8, 1.2).
    assert sorted(np.floor((m - 0.8) / 0.4 * 50).astype(int).tolist()) == list(range(50))
    q10, q50, q90 = np.percentile(m, (10, 50, 90))
    desks = bands.totals["desks"]
    assert desks.point == pytest.approx(1.0, rel=1e-12)
    assert (desks.p10, desks.p50, desks.p90) == pytest.approx((q10, q50, q90), rel=1e-12)
    assert 0.8 + 4 * 0.008 <= desks.p10 <= 0.8 + 6 * 0.008  # between the 5th and 6th fiftieth
    users = bands.totals["users"]
    assert (users.point, users.p10, users.p90) == pytest.approx((4.0, 4 * q10, 4 * q90), rel=1e-12)
    potential = bands.totals["potential"]  # does not depend on a
    assert (potential.point, potential.p10, potential.p90) == pytest.approx((150, 150, 150))
    # Per commune: each is half of the territory, and matches `model.run` at that adoption.
    scenario = replace(simple_scenario(), adoption=0.5 * q90)
    assert bands.communes["desks"].p90 == pytest.approx(model.run(simple_inputs(), scenario).desks)
    assert bands.communes["desks"].p90 == pytest.approx([q90 / 2, q90 / 2], rel=1e-12)


def test_same_seed_same_bands_other_seed_other_samples():
    inputs, scenario = simple_inputs(), default_scenarios(TODAY.year)["tendanciel"]
    first = unc.uncertainty_bands(inputs, scenario, samples=64, seed=11)
    again = unc.uncertainty_bands(inputs, scenario, samples=64, seed=11)
    other = unc.uncertainty_bands(inputs, scenario, samples=64, seed=12)
    assert first.totals == again.totals
    assert (first.samples, first.seed) == (64, 11)
    assert first.totals["desks"].p90 != other.totals["desks"].p90
    assert np.array_equal(
        unc.sample_multipliers(unc.PARAMETER_RANGES, 64, 11),
        unc.sample_multipliers(unc.PARAMETER_RANGES, 64, 11),
    )


def test_a_collapsed_range_does_not_vary():
    ranges = (*only("adoption", 1.0, 1.0), *only("occupancy", 0.9, 1.1))
    m = unc.sample_multipliers(ranges, 32, 3)
    assert (m[:, 0] == 1.0).all()
    assert m[:, 1].min() >= 0.9 and m[:, 1].max() < 1.1 and len(set(m[:, 1])) == 32
    collapsed = unc.uncertainty_bands(
        simple_inputs(), simple_scenario(), ranges=unc.scaled_ranges(unc.PARAMETER_RANGES, 0)
    )
    for band in collapsed.totals.values():
        assert (band.p10, band.p50, band.p90) == pytest.approx((band.point,) * 3, rel=1e-12)


@pytest.fixture
def mixed_inputs() -> model.CommuneInputs:
    """Solos, non-salaried shares and a MOBPRO-like commute mix on one commune."""
    mix = np.zeros((3, len(COMMUTE_BIN_KM)))
    mix[1, [0, 3, -1]] = (0.5, 0.3, 0.2)
    return model.CommuneInputs(
        codes=["14001", "14002", "50001"],
        working=[[0, 10, 100, 100, 100, 50], [20, 20, 200, 100, 50, 100], [10, 0, 40, 60, 80, 40]],
        salaried_share=[[0, 0, 1, 1, 1, 1], [0, 0.5, 0.9, 1, 1, 1], [0, 0, 1, 1, 1, 1]],
        solos=[10, 20, 8],
        commute_km=[3, 20, 80],
        estimated=[False, False, True],
        commute_mix=mix,
    )


def test_every_sample_is_model_run_under_that_scenario(mixed_inputs):
    """The vectorised evaluation agrees with `model.run`, clipping included: θ pushed above
    100 %, g above f, ρ above 100 % are brought back like a valid scenario."""
    scenario = default_scenarios(TODAY.year)["rupture"]
    wide = tuple(  # τ and f × 1.4, g and ρ × 1.5, θ × 4 at the top; f × 0.6 at the bottom
        replace(item, high=4.0) if item.key == "shared_shares" else item
        for item in unc.scaled_ranges(unc.PARAMETER_RANGES, 4.0)
    )
    keys = [item.key for item in wide]
    low_f_high_g = np.ones(len(wide))
    low_f_high_g[keys.index("days_per_week")] = 0.6
    low_f_high_g[keys.index("shared_days_per_week")] = 1.5
    rows = np.vstack([np.ones(len(wide)), [r.high for r in wide], [r.low for r in wide]])
    rows = np.vstack([rows, low_f_high_g, unc.sample_multipliers(wide, 10, 5)[:3]])
    figures = unc._evaluate(mixed_inputs, scenario, unc._parameters(scenario, wide, rows))
    high = unc.scenario_at(scenario, wide, rows[1])
    assert (high.occupancy, high.teleworkable[2], high.shared_shares[2]) == (1.0, 1.0, 1.0)
    # g = 1.57 × 1.5 = 2.355 above f = 2.5 × 0.6 = 1.5: brought back to f.
    assert unc.scenario_at(scenario, wide, low_f_high_g).shared_days_per_week == pytest.approx(1.5)
    for i, row in enumerate(rows):
        expected = model.run(mixed_inputs, unc.scenario_at(scenario, wide, row))
        for name in unc.FIGURES:
            assert figures[name][i] == pytest.approx(getattr(expected, name), rel=1e-12)


def test_sample_count_and_ranges_are_bounded():
    with pytest.raises(ValueError, match="Nombre de tirages : 5 est hors limites"):
        unc.sample_multipliers(unc.PARAMETER_RANGES, 5, 1)
    with pytest.raises(ValueError, match="must contain 1"):
        replace(unc.PARAMETER_RANGES[0], low=1.1, high=1.2)
    assert all(item.low <= 1 <= item.high and item.source for item in unc.PARAMETER_RANGES)
    assert len({item.key for item in unc.PARAMETER_RANGES}) == len(unc.PARAMETER_RANGES) == 14


# --- properties --------------------------------------------------------------------------------

communes = st.integers(min_value=1, max_value=5).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(st.integers(0, 500), min_size=6, max_size=6), min_size=n, max_size=n),
        st.lists(st.integers(0, 50), min_size=n, max_size=n),
        st.lists(st.floats(0, 120), min_size=n, max_size=n),
    )
)
widths = st.lists(
    st.floats(min_value=0.0, max_value=0.5),
    min_size=len(unc.PARAMETER_RANGES),
    max_size=len(unc.PARAMETER_RANGES),
)


def _inputs(data) -> model.CommuneInputs:
    working, solos, km = data
    n = len(working)
    return model.CommuneInputs(
        codes=[f"{i:05d}" for i in range(n)],
        working=working,
        salaried_share=np.full((n, 6), 0.9),
        solos=solos,
        commute_km=km,
        estimated=np.zeros(n, dtype=bool),
    )


def _centred(spread: list[float]) -> tuple[unc.ParameterRange, ...]:
    return tuple(
        replace(item, low=1 - w, high=1 + w)
        for item, w in zip(unc.PARAMETER_RANGES, spread, strict=True)
    )


SCENARIOS = st.sampled_from(sorted(default_scenarios(TODAY.year)))


@seed(20261207)
@PROPERTIES
@given(communes, widths, SCENARIOS, st.integers(0, 2**32 - 1))
def test_centred_ranges_give_a_band_around_the_point(data, spread, name, sample_seed):
    scenario = default_scenarios(TODAY.year)[name]
    bands = unc.uncertainty_bands(
        _inputs(data), scenario, ranges=_centred(spread), samples=128, seed=sample_seed
    )
    for band in bands.totals.values():
        slack = 1e-9 * max(1.0, band.point)
        assert band.p10 - slack <= band.point <= band.p90 + slack


@seed(20261208)
@PROPERTIES
@given(communes, widths, SCENARIOS, st.floats(0.0, 0.95), st.integers(0, 2**32 - 1))
def test_narrower_ranges_never_give_a_wider_band(data, spread, name, factor, sample_seed):
    inputs, scenario, ranges = _inputs(data), default_scenarios(TODAY.year)[name], _centred(spread)
    wide = unc.uncertainty_bands(inputs, scenario, ranges=ranges, samples=128, seed=sample_seed)
    narrow = unc.uncertainty_bands(
        inputs, scenario, ranges=unc.scaled_ranges(ranges, factor), samples=128, seed=sample_seed
    )
    for figure, band in wide.totals.items():
        slack = 1e-9 * max(1.0, band.point)
        assert narrow.totals[figure].p90 - narrow.totals[figure].p10 <= band.p90 - band.p10 + slack


# --- sensitivity -------------------------------------------------------------------------------


def test_sensitivity_sorts_parameters_by_swing():
    # Hand case (desks 1.0): a × 0.8 / × 1.2 → 0.8 / 1.2 (swing 0.4); ρ × 0.9 / × 1.1 →
    # 1 / 0.9 = 1.1111 / 1 / 1.1 = 0.9091 (swing 0.2020); θs moves nothing without solos.
    ranges = (
        *only("solo_share", 0.5, 1.5),
        *only("occupancy", 0.9, 1.1),
        *only("adoption", 0.8, 1.2),
    )
    swings = unc.sensitivity(simple_inputs(), simple_scenario(), ranges=ranges)
    assert [s.key for s in swings] == ["adoption", "occupancy", "solo_share"]
    assert [(s.low, s.high) for s in swings] == [
        pytest.approx((0.8, 1.2), rel=1e-12),
        pytest.approx((1 / 0.9, 1 / 1.1), rel=1e-12),
        pytest.approx((1.0, 1.0), rel=1e-12),
    ]
    assert swings[1].label == "taux d'occupation cible (ρ)"
    assert swings[2].swing == pytest.approx(0.0, abs=1e-15)


def test_sensitivity_on_defaults_puts_the_shared_place_share_first(mixed_inputs):
    swings = unc.sensitivity(mixed_inputs, default_scenarios(TODAY.year)["actuel"])
    assert swings[0].key == "shared_shares"
    assert [s.swing for s in swings] == sorted((s.swing for s in swings), reverse=True)
    # Agriculteurs have no salaried here: their τ moves nothing.
    assert next(s for s in swings if s.key == "teleworkable_1").swing == 0.0


# --- tornado chart -----------------------------------------------------------------------------


def test_tornado_bars_start_at_the_point_and_values_are_written():
    text = svg.tornado(
        ["θ", "ρ"],
        [50.0, 120.0],
        [150.0, 90.0],
        point=100.0,
        title="Sensibilité",
        unit="postes",
        ident="tornade-test",
    )
    root = ET.fromstring(text)
    assert root.get("aria-labelledby") == "tornade-test-titre tornade-test-desc"
    assert root.find("s:desc", NS).text == (
        "Valeurs en postes ; estimation centrale 100. θ : 50 au bas de la plage, 150 au haut de "
        "la plage. ρ : 120 au bas de la plage, 90 au haut de la plage."
    )
    groups = root.findall("s:g[@class='obs-groupe']", NS)
    rects = [r for g in groups for r in g.findall("s:rect", NS)]
    scale = (svg.CHART_WIDTH - 2 * (svg.CHART_MARGIN + 70)) / 100.0
    point_x = svg.CHART_MARGIN + 70 + 50 * scale
    widths = [float(r.get("width")) for r in rects]
    assert widths == pytest.approx([50 * scale, 50 * scale, 20 * scale, 10 * scale], abs=0.1)
    starts = [float(r.get("x")) for r in rects]
    assert starts == pytest.approx(
        [point_x - 50 * scale, point_x, point_x, point_x - 10 * scale], abs=0.1
    )
    assert [t.text for g in groups for t in g.findall("s:text", NS)] == [
        "θ",
        "50",
        "150",
        "ρ",
        "120",
        "90",
    ]


def test_sensitivity_chart_lists_parameters_in_swing_order(mixed_inputs):
    scenario = default_scenarios(TODAY.year)["actuel"]
    swings = unc.sensitivity(mixed_inputs, scenario)
    point = float(model.run(mixed_inputs, scenario).desks.sum())
    root = ET.fromstring(unc.sensitivity_chart(swings, point))
    labels = [g.find("s:text", NS).text for g in root.findall("s:g[@class='obs-groupe']", NS)]
    assert labels == [s.label for s in swings]
    assert labels[0] == "part des télétravailleurs usagers d'un tiers-lieu (θ)"


def test_halving_a_linear_range_halves_the_band():
    ranges = only("adoption", 0.8, 1.2)
    inputs, scenario = simple_inputs(), simple_scenario()
    full = unc.uncertainty_bands(inputs, scenario, ranges=ranges, seed=3).totals["desks"]
    half = unc.uncertainty_bands(
        inputs, scenario, ranges=unc.scaled_ranges(ranges, 0.5), seed=3
    ).totals["desks"]
    assert unc.scaled_ranges(ranges, 0.5)[0].low == pytest.approx(0.9)
    assert half.p90 - half.p10 == pytest.approx((full.p90 - full.p10) / 2, rel=1e-12)
    assert half.p10 - 1.0 == pytest.approx((full.p10 - 1.0) / 2, rel=1e-12)
