"""The covering models: `mclp` and `fewest_sites` (see the package docstring)."""

import math
import time

import numpy as np
from scipy import sparse

from maillage.observatory.errors import SitingError, french_percent
from maillage.observatory.siting.checks import (
    as_matrix,
    check_options,
    covered_pairs,
    demand_weights,
    existing_sites,
    site_count,
)
from maillage.observatory.siting.heuristics import Search
from maillage.observatory.siting.reduction import Reduced, reduce_problem
from maillage.observatory.siting.result import DEFAULT_TIME_LIMIT_S, SitingResult, outcome
from maillage.observatory.siting.solver import Solve, chosen_columns, finite

# Relative slack on « covered ≥ P × total »: float sums must not make P = 100 % unreachable.
SHARE_TOLERANCE = 1e-9


def _cover_rows(reduced: Reduced) -> sparse.csr_matrix:
    """Rows `x_g − Σ_{j ∈ N_g} y_j ≤ 0`, variables ordered (y, x)."""
    groups = reduced.cover.shape[0]
    return sparse.hstack(
        [-reduced.cover, sparse.identity(groups, format="csr")], format="csr"
    ).astype(np.float64)


def _row(values_y: np.ndarray | None, values_x: np.ndarray | None, n: int, groups: int):
    """One constraint row over (y, x)."""
    y = np.zeros(n) if values_y is None else values_y
    x = np.zeros(groups) if values_x is None else values_x
    return sparse.csr_matrix(np.concatenate([y, x])[None, :])


def _max_cover(
    reduced: Reduced, k: int, solve: Solve, starts: tuple[np.ndarray, ...] = ()
) -> np.ndarray:
    """Indices (into `reduced.columns`) of k columns covering the most weight (module
    docstring: heuristic, LP bound, then the MIP with a cut-off). `starts`: known good sets of
    k columns the interchange also starts from."""
    n, groups = reduced.columns.shape[0], reduced.cover.shape[0]
    if k >= n:
        return np.arange(n)
    search = Search(reduced)
    deadline = time.perf_counter() + max(0.25 * solve.remaining(), 0.0)
    candidates = [search.interchange(search.greedy(k=k), deadline)]
    matrix = sparse.vstack([_cover_rows(reduced), _row(np.ones(n), None, n, groups)], format="csr")
    lower = np.concatenate([np.full(groups, -np.inf), [k]])
    upper = np.concatenate([np.zeros(groups), [k]])
    cost = np.concatenate([np.zeros(n), -reduced.weights])
    relaxed = solve.relaxation(cost, matrix, lower, upper)
    if relaxed is not None:
        rounded = np.sort(np.argsort(-relaxed[1][:n], kind="stable")[:k])
        candidates.append(search.interchange(rounded, deadline))
    candidates += [search.interchange(start, deadline) for start in starts]
    best = max(candidates, key=search.value)
    value = search.value(best)
    bound = -relaxed[0] if relaxed is not None else math.inf
    if value >= bound - search.tolerance - solve.mip_rel_gap * value:
        solve.settle(True, 0.0)
        return best
    # Only strictly better sets are worth the branching: a cut-off row.
    matrix = sparse.vstack([matrix, _row(None, reduced.weights, n, groups)], format="csr")
    lower = np.append(lower, value + search.margin)
    upper = np.append(upper, np.inf)
    integrality = np.concatenate([np.ones(n), np.zeros(groups)])
    result = solve.mip(cost, integrality, matrix, lower, upper)
    if result is not None and result.status == 2:  # nothing better: the heuristic is optimal
        solve.settle(True, 0.0)
        return best
    if result is not None and result.x is not None:
        found = chosen_columns(result.x[:n], k)
        if search.value(found) > value:
            best, value = found, search.value(found)
        if result.status == 0:
            solve.settle(True, result.mip_gap)
            return best
    if result is not None and finite(result.mip_dual_bound):
        bound = min(bound, max(value + search.margin, -float(result.mip_dual_bound)))
    solve.settle(False, max(0.0, (bound - value) / value) if math.isfinite(bound) else None)
    return best


def _fewest_count(reduced: Reduced, needed: float, solve: Solve) -> np.ndarray:
    """Indices (into `reduced.columns`) of as few columns as possible covering `needed`:
    greedy then shrink by interchange, the LP bound, then a MIP for fewer if not proven."""
    n, groups = reduced.columns.shape[0], reduced.cover.shape[0]
    search = Search(reduced)
    deadline = time.perf_counter() + max(0.15 * solve.remaining(), 0.0)
    best = search.interchange(search.greedy(target=needed), deadline)
    while best.shape[0] > 1 and time.perf_counter() < deadline:
        trial = search.interchange(search.drop_one(best), deadline)
        if search.value(trial) < needed:
            break
        best = trial
    matrix = sparse.vstack([_cover_rows(reduced), _row(None, reduced.weights, n, groups)])
    matrix = matrix.tocsr()
    lower = np.concatenate([np.full(groups, -np.inf), [needed]])
    upper = np.concatenate([np.zeros(groups), [np.inf]])
    cost = np.concatenate([np.ones(n), np.zeros(groups)])
    relaxed = solve.relaxation(cost, matrix, lower, upper)
    floor = math.ceil(relaxed[0] - 1e-6) if relaxed is not None else 1
    count = best.shape[0]
    if count <= floor:
        solve.settle(True, 0.0)
        return best
    matrix = sparse.vstack([matrix, _row(np.ones(n), None, n, groups)], format="csr")
    lower = np.append(lower, 0.0)
    upper = np.append(upper, count - 1)
    integrality = np.concatenate([np.ones(n), np.zeros(groups)])
    result = solve.mip(cost, integrality, matrix, lower, upper)
    if result is not None and result.status == 2:  # no fewer sites can do: proven
        solve.settle(True, 0.0)
        return best
    if result is not None and result.x is not None:
        found = chosen_columns(result.x[:n])
        if search.value(found) >= needed - search.tolerance and found.shape[0] < count:
            best, count = found, found.shape[0]
            if result.status == 0:
                solve.settle(True, 0.0)
                return best
    if result is not None and finite(result.mip_dual_bound):
        floor = max(floor, math.ceil(float(result.mip_dual_bound) - 1e-6))
    solve.settle(False, (count - floor) / count)
    return best


def _prepare(demand, coverage, existing, time_limit, mip_rel_gap):
    weights = demand_weights(demand)
    values = as_matrix(coverage, weights.shape[0], "couverture", "Couverture des candidats")
    pairs = covered_pairs(values)
    fixed, already = existing_sites(existing, weights.shape[0], pairs.shape[1])
    if fixed.any():
        already |= np.asarray(pairs[:, np.flatnonzero(fixed)].sum(axis=1)).ravel() > 0
    check_options(time_limit, mip_rel_gap)
    if weights.sum() <= 0:
        raise SitingError(
            "demande", "Demande nulle partout : rien à couvrir, aucun site à proposer."
        )
    return weights, values, pairs, fixed, already


def mclp(
    demand,
    coverage,
    k: int,
    *,
    existing=None,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    mip_rel_gap: float = 0.0,
) -> SitingResult:
    """k new sites covering the most demand (maximal covering location problem).

    `demand` (n_demand,) weights ≥ 0; `coverage` (n_demand × n_candidates), sparse or dense,
    whose stored non-zero entries are the pairs within the catchment (e.g. `catchment.reach`:
    its km then pick each demand's nearest site); `existing`, places already open: a boolean
    mask over the candidates (fixed open, not counted in k) or their own coverage matrix.
    `time_limit` (seconds) bounds the whole solve; `mip_rel_gap` stops it when that close.
    """
    started = time.perf_counter()
    weights, values, pairs, fixed, already = _prepare(
        demand, coverage, existing, time_limit, mip_rel_gap
    )
    k = site_count(k, int((~fixed).sum()))
    solve = Solve(float(time_limit), float(mip_rel_gap))
    reduced = reduce_problem(pairs, np.where(already, 0.0, weights), ~fixed)
    picked = reduced.columns[_max_cover(reduced, k, solve)]
    return outcome(
        method="mclp",
        chosen=picked,
        objective=None,
        pairs=pairs,
        values=values,
        demand=weights,
        already=already,
        solve=solve,
        started=started,
    )


def fewest_sites(
    demand,
    coverage,
    share: float,
    *,
    existing=None,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    mip_rel_gap: float = 0.0,
) -> SitingResult:
    """The fewest new sites so that new and existing places cover at least `share` (P, in
    ]0, 1]) of the total demand; among as many sites, those covering the most.

    Arguments as `mclp`; `time_limit` bounds both steps together (about half each at most).
    `status` and `mip_gap` are the worse of the two steps (the first one's gap is on the number
    of sites, the second one's on the demand those sites cover). If even every candidate
    cannot reach P, `SitingError` on `part` gives the largest reachable share.
    """
    started = time.perf_counter()
    if isinstance(share, bool) or not (isinstance(share, int | float) and 0 < share <= 1):
        raise SitingError(
            "part",
            f"Part du besoin à couvrir : « {share} » ; une part entre 0 % exclu et 100 % est "
            "attendue.",
        )
    weights, values, pairs, fixed, already = _prepare(
        demand, coverage, existing, time_limit, mip_rel_gap
    )
    total = float(weights.sum())
    reduced = reduce_problem(pairs, np.where(already, 0.0, weights), ~fixed)
    base = float(weights[already].sum())
    reachable = base + float(reduced.weights.sum())
    target = share * total
    slack = SHARE_TOLERANCE * total
    if reachable < target - slack:
        raise SitingError(
            "part",
            f"Part du besoin à couvrir : {french_percent(share)} est hors d'atteinte ; avec "
            f"tous les candidats, au plus {french_percent(reachable / total)} du besoin est "
            "couvert. Baisser la part, élargir la zone de chalandise ou les candidats.",
        )
    solve = Solve(float(time_limit), float(mip_rel_gap))
    needed = target - base - slack
    picked = np.zeros(0, dtype=np.int64)
    if needed > 0:
        # The first step may use half of the budget, the second one the rest.
        first_deadline = solve.deadline
        solve.deadline = time.perf_counter() + solve.time_limit / 2
        fewest = _fewest_count(reduced, needed, solve)
        solve.deadline = first_deadline
        picked = reduced.columns[_max_cover(reduced, fewest.shape[0], solve, starts=(fewest,))]
    return outcome(
        method="fewest_sites",
        chosen=picked,
        objective=float(picked.shape[0]),
        pairs=pairs,
        values=values,
        demand=weights,
        already=already,
        solve=solve,
        started=started,
    )
