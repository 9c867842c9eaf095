"""Siting models solved by HiGHS against brute-force enumeration of every set of sites, on the
published textbook case and on random small cases; existing sites, refusals and messages.

No database. Hypothesis runs without its example database so the tests write nothing to the
working tree.
"""

import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import sparse

from maillage.observatory.catchment import Catchment, reach
from maillage.observatory.errors import SitingError
from maillage.observatory.siting import (
    METHOD_LABELS,
    STATUS_LABELS,
    fewest_sites,
    mclp,
    p_median,
)

PROPERTIES = settings(database=None, max_examples=60, deadline=None)

# --- reference §7: a = (10, 5, 7, 3); site 0 covers {0, 1}, site 1 {1, 2}, site 2 {2, 3} ---------

DEMAND = np.array([10.0, 5.0, 7.0, 3.0])
COVERAGE = np.zeros((4, 3), dtype=bool)
COVERAGE[[0, 1], 0] = True
COVERAGE[[1, 2], 1] = True
COVERAGE[[2, 3], 2] = True


def test_mclp_reference_case_one_site():
    result = mclp(DEMAND, sparse.csr_matrix(COVERAGE), 1)
    assert result.chosen.tolist() == [0]
    assert result.objective == 15.0
    assert result.covered == 15.0
    assert result.covered_share == pytest.approx(0.6)
    assert result.site_demand.tolist() == [15.0]
    assert result.assignment.tolist() == [0, 0, -1, -1]
    assert result.status == "optimal"
    assert result.mip_gap == 0.0
    assert result.method == "mclp"
    assert (result.variables, result.constraints) == (7, 5)  # 3 y + 4 x; 4 links + Σ y = k


def test_mclp_reference_case_two_sites():
    result = mclp(DEMAND, COVERAGE, 2)  # a dense matrix is accepted too
    assert result.chosen.tolist() == [0, 2]
    assert result.covered == 25.0
    assert result.covered_share == 1.0
    assert result.site_demand.tolist() == [15.0, 10.0]


def test_mclp_existing_candidate_is_fixed_open():
    # Site 0 already open covers {0, 1}: one new site adds 10 at site 2 (demands 2 and 3), 7 at
    # site 1 (demand 2 only).
    result = mclp(DEMAND, COVERAGE, 1, existing=np.array([True, False, False]))
    assert result.chosen.tolist() == [2]
    assert result.covered == 25.0
    assert result.newly_covered == 10.0
    assert result.objective == 25.0
    assert result.site_demand.tolist() == [10.0]
    assert result.assignment.tolist() == [-1, -1, 2, 2]


def test_mclp_existing_places_as_their_own_coverage():
    # An existing place outside the candidates covers demand 0: site 1 then adds 12, site 2 10.
    existing = sparse.csr_matrix(np.array([[1], [0], [0], [0]], dtype=bool))
    result = mclp(DEMAND, COVERAGE, 1, existing=existing)
    assert result.chosen.tolist() == [1]
    assert result.covered == 22.0
    assert result.newly_covered == 12.0


def test_mclp_assigns_each_demand_to_its_nearest_new_site():
    # Demand 1 is 3 km from site 0 and 1 km from site 1: both open, it counts for site 1.
    km = sparse.csr_matrix(np.array([[2.0, 0.0], [3.0, 1.0], [0.0, 4.0]]))
    result = mclp([1.0, 2.0, 4.0], km, 2)
    assert result.chosen.tolist() == [0, 1]
    assert result.site_demand.tolist() == [1.0, 6.0]
    assert result.assignment.tolist() == [0, 1, 1]


def test_mclp_stops_when_more_sites_would_cover_nothing_new():
    # Site 1 covers a subset of site 0's demand, site 2 nothing: one site does it all.
    coverage = np.array([[1, 1, 0], [1, 0, 0]], dtype=bool)
    result = mclp([4.0, 1.0], coverage, 3)
    assert result.chosen.tolist() == [0]
    assert result.covered == 5.0


def test_fewest_sites_reference_case():
    assert fewest_sites(DEMAND, COVERAGE, 0.6).chosen.tolist() == [0]
    two = fewest_sites(DEMAND, COVERAGE, 0.61)
    assert two.chosen.tolist() == [0, 2]
    assert two.objective == 2.0
    assert two.covered == 25.0
    assert fewest_sites(DEMAND, COVERAGE, 1.0).chosen.tolist() == [0, 2]


def test_fewest_sites_already_reached_by_existing_places():
    result = fewest_sites(DEMAND, COVERAGE, 0.5, existing=np.array([True, False, False]))
    assert result.chosen.tolist() == []
    assert result.objective == 0.0
    assert result.covered == 15.0


def test_fewest_sites_out_of_reach_says_the_largest_share():
    demand = np.append(DEMAND, 5.0)  # a fifth commune no candidate covers: 25 of 30 at most
    coverage = np.vstack([COVERAGE, np.zeros((1, 3), dtype=bool)])
    with pytest.raises(SitingError) as caught:
        fewest_sites(demand, coverage, 0.9)
    assert caught.value.field == "part"
    assert caught.value.message == (
        "Part du besoin à couvrir : 90 % est hors d'atteinte ; avec tous les candidats, au plus "
        "83,3333 % du besoin est couvert. Baisser la part, élargir la zone de chalandise ou les "
        "candidats."
    )


def test_p_median_reference_distances():
    # Distances (km) of the four demands to the three sites.
    #   k = 1: site 0 → 0 + 5×5 + 7×9 + 3×12 = 124; site 1 → 10×5 + 0 + 7×4 + 3×8 = 102;
    #          site 2 → 10×9 + 5×4 + 0 + 3×3 = 119.  Best: site 1, 102.
    #   k = 2: {0, 2} → 0 + 5×4 + 0 + 3×3 = 29 (best; {0, 1} → 52, {1, 2} → 59).
    distance = np.array([[0, 5, 9], [5, 0, 4], [9, 4, 0], [12, 8, 3]], dtype=float)
    one = p_median(DEMAND, distance, 1)
    assert (one.chosen.tolist(), one.objective) == ([1], 102.0)
    two = p_median(DEMAND, distance, 2)
    assert (two.chosen.tolist(), two.objective) == ([0, 2], 29.0)
    assert two.site_demand.tolist() == [10.0, 15.0]
    assert two.assignment.tolist() == [0, 2, 2, 2]
    assert two.covered_share == 1.0
    # Within 7 km: demand 0 needs site 0 or 1, demand 3 needs site 2, so one site cannot do;
    # with two, {0, 2} → 29 again ({1, 2} → 59).
    with pytest.raises(SitingError) as caught:
        p_median(DEMAND, distance, 1, max_km=7.0)
    assert caught.value.field == "k"
    assert p_median(DEMAND, distance, 2, max_km=7.0).chosen.tolist() == [0, 2]


def test_p_median_sparse_pairs_and_existing_site():
    distance = sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 1.0]]))
    result = p_median([1.0, 1.0, 1.0], distance, 1, existing=np.array([False, True]))
    assert result.chosen.tolist() == [0]
    assert result.objective == 1.0 + 2.0 + 1.0
    assert result.assignment.tolist() == [0, -1, -1]
    assert result.newly_covered == 1.0


def test_p_median_demand_without_allowed_candidate():
    distance = np.array([[1.0, np.inf], [np.inf, np.inf]])
    with pytest.raises(SitingError) as caught:
        p_median([1.0, 2.0], distance, 1)
    assert caught.value.field == "distance"
    assert caught.value.message.startswith("La commune de rang 1 (et 0 autre(s)) n'a aucun site")


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (
            lambda: mclp(DEMAND, COVERAGE, 0),
            "k",
            "Nombre de sites : 0 ; au moins 1 site est attendu.",
        ),
        (
            lambda: mclp(DEMAND, COVERAGE, 4),
            "k",
            "Nombre de sites : 4 demandés pour 3 candidats disponibles ; en demander moins ou "
            "élargir les candidats.",
        ),
        (
            lambda: mclp(DEMAND, COVERAGE, 3, existing=np.array([True, False, False])),
            "k",
            "Nombre de sites : 3 demandés pour 2 candidats disponibles ; en demander moins ou "
            "élargir les candidats.",
        ),
        (
            lambda: mclp(DEMAND, COVERAGE, 1.5),
            "k",
            "Nombre de sites : « 1.5 » n'est pas un nombre entier.",
        ),
        (
            lambda: mclp([10.0, -5.0, 7.0, 3.0], COVERAGE, 1),
            "demande",
            "Demande : valeurs négatives ou manquantes (rang 1).",
        ),
        (
            lambda: mclp(np.zeros(4), COVERAGE, 1),
            "demande",
            "Demande nulle partout : rien à couvrir, aucun site à proposer.",
        ),
        (
            lambda: mclp(DEMAND[:3], COVERAGE, 1),
            "couverture",
            "Couverture des candidats : dimensions (4, 3) reçues ; 3 lignes attendues (une par "
            "commune de la demande).",
        ),
        (
            lambda: fewest_sites(DEMAND, COVERAGE, 0.0),
            "part",
            "Part du besoin à couvrir : « 0.0 » ; une part entre 0 % exclu et 100 % est attendue.",
        ),
        (
            lambda: fewest_sites(DEMAND, COVERAGE, 1.2),
            "part",
            "Part du besoin à couvrir : « 1.2 » ; une part entre 0 % exclu et 100 % est attendue.",
        ),
        (
            lambda: mclp(DEMAND, COVERAGE, 1, time_limit=0),
            "limite_temps",
            "Limite de temps : une durée strictement positive est attendue.",
        ),
        (
            lambda: mclp(DEMAND, COVERAGE, 1, existing=np.array([True, False])),
            "existants",
            "Sites existants : 2 valeurs pour 3 candidats.",
        ),
    ],
)
def test_siting_refused_values_name_the_field(call, field, message):
    with pytest.raises(SitingError) as caught:
        call()
    assert (caught.value.field, caught.value.message) == (field, message)


def test_status_and_method_labels_are_french():
    assert set(STATUS_LABELS) == {"optimal", "time_limit", "infeasible"}
    assert STATUS_LABELS["optimal"] == "optimum prouvé"
    assert set(METHOD_LABELS) == {"mclp", "fewest_sites", "p_median"}


# --- brute force -------------------------------------------------------------------------------


def _covered(demand, coverage, sites, already):
    hit = already | coverage[:, list(sites)].any(axis=1)
    return float(demand[hit].sum())


def _brute_mclp(demand, coverage, k, fixed, already):
    free = np.flatnonzero(~fixed)
    return max(
        _covered(demand, coverage, combo, already) for combo in itertools.combinations(free, k)
    )


@st.composite
def covering_cases(draw):
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 8))
    demand = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 20))).astype(np.float64)
    coverage = draw(hnp.arrays(np.bool_, (n, m)))
    fixed = draw(hnp.arrays(np.bool_, m)) if draw(st.booleans()) else np.zeros(m, dtype=bool)
    return demand, coverage, fixed


@PROPERTIES
@given(case=covering_cases(), k_draw=st.integers(1, 8))
def test_mclp_equals_enumeration(case, k_draw):
    demand, coverage, fixed = case
    available = int((~fixed).sum())
    assume(demand.sum() > 0 and available >= 1)
    k = 1 + (k_draw - 1) % available
    already = coverage[:, fixed].any(axis=1)
    result = mclp(demand, sparse.csr_matrix(coverage), k, existing=fixed)
    assert result.status == "optimal"
    assert result.covered == pytest.approx(_brute_mclp(demand, coverage, k, fixed, already))
    assert result.chosen.shape[0] <= k
    assert not fixed[result.chosen].any()
    # The reported coverage is that of the chosen sites, and per-site demand adds up.
    assert result.covered == pytest.approx(_covered(demand, coverage, result.chosen, already))
    assert result.site_demand.sum() == pytest.approx(result.newly_covered)


@PROPERTIES
@given(case=covering_cases(), share=st.sampled_from([0.1, 0.25, 0.5, 0.8, 0.9, 1.0]))
def test_fewest_sites_equals_enumeration(case, share):
    demand, coverage, fixed = case
    assume(demand.sum() > 0)
    already = coverage[:, fixed].any(axis=1)
    free = np.flatnonzero(~fixed)
    target = share * demand.sum() * (1 - 1e-9)
    best = None
    for size in range(free.shape[0] + 1):
        covers = [
            _covered(demand, coverage, combo, already)
            for combo in itertools.combinations(free, size)
        ]
        reached = [value for value in covers if value >= target]
        if reached:
            best = (size, max(reached))
            break
    if best is None:
        with pytest.raises(SitingError) as caught:
            fewest_sites(demand, coverage, share, existing=fixed)
        assert caught.value.field == "part"
        return
    result = fewest_sites(demand, coverage, share, existing=fixed)
    assert result.status == "optimal"
    assert result.chosen.shape[0] == best[0]
    assert result.objective == best[0]
    # Among that many sites, the set covering the most.
    assert result.covered == pytest.approx(best[1])


@st.composite
def median_cases(draw):
    n = draw(st.integers(1, 10))
    m = draw(st.integers(1, 6))
    demand = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 20))).astype(np.float64)
    distance = draw(hnp.arrays(np.int64, (n, m), elements=st.integers(0, 30))).astype(np.float64)
    forbidden = draw(hnp.arrays(np.bool_, (n, m)))
    distance[forbidden] = np.inf
    k = draw(st.integers(1, m))
    return demand, distance, k


def _brute_median(demand, distance, k):
    best = None
    for combo in itertools.combinations(range(distance.shape[1]), k):
        nearest = distance[:, list(combo)].min(axis=1)
        served = demand > 0
        if np.isinf(nearest[served]).any():
            continue
        cost = float((demand[served] * nearest[served]).sum())
        best = cost if best is None else min(best, cost)
    return best


@PROPERTIES
@given(case=median_cases())
def test_p_median_equals_enumeration(case):
    demand, distance, k = case
    assume(demand.sum() > 0)
    lonely = (demand > 0) & np.isinf(distance).all(axis=1)
    if lonely.any():
        with pytest.raises(SitingError):
            p_median(demand, distance, k)
        return
    best = _brute_median(demand, distance, k)
    if best is None:
        with pytest.raises(SitingError) as caught:
            p_median(demand, distance, k)
        assert caught.value.field == "k"
        return
    result = p_median(demand, distance, k)
    assert result.status == "optimal"
    assert result.chosen.shape[0] == k
    assert result.objective == pytest.approx(best)
    assert result.site_demand.sum() == pytest.approx(demand.sum())


# Seeded cases where each branch of the solver runs (found by searching seeds with a spy on
# HiGHS): the heuristic is beaten by the MIP (mclp, larger cases), the MIP proves that nothing
# beats the heuristic (mclp 88), the MIP finds fewer sites than the heuristic (fewest 223, 398).


def _seeded(seed, larger):
    rng = np.random.default_rng(seed)
    if larger:
        n, m = rng.integers(8, 25), rng.integers(5, 13)
        demand = rng.integers(0, 21, n).astype(float)
        return demand, rng.random((n, m)) < rng.uniform(0.1, 0.4)
    n, m = rng.integers(4, 13), rng.integers(3, 9)
    demand = rng.integers(0, 21, n).astype(float)
    return demand, rng.random((n, m)) < rng.uniform(0.2, 0.6)


@pytest.mark.parametrize(
    ("seed", "larger", "k"),
    [(28, True, 4), (87, True, 3), (381, True, 4), (462, True, 3), (557, True, 2), (88, False, 2)],
)
def test_mclp_seeded_cases_equal_enumeration(seed, larger, k):
    demand, coverage = _seeded(seed, larger)
    none = np.zeros(coverage.shape[1], dtype=bool)
    already = np.zeros(coverage.shape[0], dtype=bool)
    result = mclp(demand, coverage, k)
    assert result.status == "optimal"
    assert result.covered == pytest.approx(_brute_mclp(demand, coverage, k, none, already))


@pytest.mark.parametrize(("seed", "share"), [(223, 0.9), (398, 0.9), (88, 0.8)])
def test_fewest_sites_seeded_cases_equal_enumeration(seed, share):
    demand, coverage = _seeded(seed, False)
    target = share * demand.sum() * (1 - 1e-9)
    sites = range(coverage.shape[1])
    fewest = next(
        size
        for size in range(1, coverage.shape[1] + 1)
        if any(
            demand[coverage[:, list(combo)].any(axis=1)].sum() >= target
            for combo in itertools.combinations(sites, size)
        )
    )
    result = fewest_sites(demand, coverage, share)
    assert result.status == "optimal"
    assert result.chosen.shape[0] == fewest


def test_time_limit_keeps_the_greedy_sites_without_a_bound():
    # No time for the interchange, the LP or the MIP: the greedy set, said to be unproven.
    result = mclp(DEMAND, COVERAGE, 2, time_limit=1e-9)
    assert result.chosen.tolist() == [0, 2]
    assert result.status == "time_limit"
    assert result.mip_gap is None
    few = fewest_sites(DEMAND, COVERAGE, 1.0, time_limit=1e-9)
    assert few.chosen.tolist() == [0, 2]
    assert few.status == "time_limit"
    assert few.covered == 25.0


# --- a geographic case: the solver never does worse than greedy --------------------------------


def test_mclp_on_random_communes_beats_greedy():
    rng = np.random.default_rng(14)
    lat = rng.uniform(48.8, 49.6, 300)
    lon = rng.uniform(-1.2, 0.6, 300)
    demand = np.round(rng.lognormal(1.0, 1.0, 300), 1)
    candidates = rng.choice(300, 60, replace=False)
    coverage = reach(lat, lon, lat[candidates], lon[candidates], Catchment(radius_km=15))
    result = mclp(demand, coverage, 6)
    assert result.status == "optimal"
    pairs = coverage.toarray() > 0
    hit = np.zeros(300, dtype=bool)
    for _ in range(6):
        gains = [demand[pairs[:, j] & ~hit].sum() for j in range(60)]
        hit |= pairs[:, int(np.argmax(gains))]
    assert result.covered >= demand[hit].sum() - 1e-9
    assert result.covered == pytest.approx(demand[pairs[:, result.chosen].any(axis=1)].sum())
