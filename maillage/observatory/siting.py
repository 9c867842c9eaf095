"""« Où ouvrir » : where new shared places would serve the most unmet need, solved exactly.

Three classic location models, written as sparse mixed-integer programmes and solved by HiGHS
through `scipy.optimize.milp` (decision 0016). Candidates are columns of a coverage (or
distance) matrix whose rows are demand units (communes) weighted by `demand` (unmet desks):

- `mclp` — maximal covering (Church & ReVelle 1974): k new sites covering the most demand,
  `max Σ a_i x_i  s.t.  x_i ≤ Σ_{j ∈ N_i} y_j,  Σ y_j = k,  y binary, 0 ≤ x ≤ 1`
  (x may stay continuous: with y binary, x_i = min(1, Σ y) is integral at the optimum);
- `fewest_sites` — partial set covering: the fewest new sites covering a share P of the demand,
  `min Σ y_j  s.t.  Σ a_i x_i ≥ P Σ a_i,  x_i ≤ Σ_{j ∈ N_i} y_j`, then, among those many sites,
  the set covering the most (an MCLP with k = that number);
- `p_median` (Hakimi 1964) — k new sites minimising the demand-weighted distance to the nearest
  open site, `min Σ a_i d_ij z_ij  s.t.  Σ_j z_ij = 1,  z_ij ≤ y_j,  Σ y_j = k`.

Existing places are fixed open (y = 1): in the covering models the demand they cover is covered
whatever the new sites, so it is set aside before solving (same optimum, smaller model). Then
exact reductions keep the programme small: demands of zero weight or that no candidate covers
go; candidates covering nothing go, and so does a candidate whose covered set is inside another
candidate's (swap it for the larger one: never worse); demands covered by the same candidates
merge (their weights add).

The covering models first run a greedy + interchange heuristic (Teitz & Bart's vertex
substitution) and the LP relaxation (interior point): if the heuristic meets the LP bound it is
optimal and no branching is needed; else the MIP only looks for strictly better solutions (a
cut-off row). When the time limit stops the search, the best solution found is returned with
its gap to the best bound known (LP or branch and bound), so a result is never worse than the
heuristic and always says how far from optimal it may be.
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from maillage.observatory.errors import SitingError, french_number, french_percent

STATUS_LABELS = {
    "optimal": "optimum prouvé",
    "time_limit": "limite de temps atteinte (meilleure solution trouvée, optimum non prouvé)",
    "infeasible": "infaisable",
}
METHOD_LABELS = {
    "mclp": "k nouveaux sites couvrant le plus de besoin",
    "fewest_sites": "le moins de nouveaux sites couvrant une part du besoin",
    "p_median": "k nouveaux sites au plus près du besoin (p-médian)",
}

DEFAULT_TIME_LIMIT_S = 20.0
# Relative slack on « covered ≥ P × total »: float sums must not make P = 100 % unreachable.
SHARE_TOLERANCE = 1e-9
# Below this share of the demand, two coverages are equal (solver tolerances are ~1e-7).
VALUE_TOLERANCE = 1e-7
# The MIP after the heuristic only looks for sets better by this share of the largest demand
# weight: a smaller margin lets HiGHS accept, then reject after postsolve, sets merely equal
# (it prints a debug line each time); an « optimum » is thus optimal to within this margin.
CUTOFF_MARGIN = 1e-4
# A gap below this, with an optimal status, is rounding: shown as 0.
GAP_ROUNDING = 1e-9


@dataclass(frozen=True, eq=False)
class SitingResult:
    """What a siting run chose and how sure the solver is.

    - `method`: `mclp`, `fewest_sites` or `p_median` (`METHOD_LABELS`).
    - `chosen`: sorted indices (into the candidates) of the new sites. Fewer than k only when
      fewer candidates cover anything new: the others would add nothing.
    - `objective`: MCLP demand covered (existing places included); fewest sites: the number of
      new sites; p-median: Σ demand × distance to its site (existing places included).
    - `covered`, `covered_share`: demand covered by new and existing sites, and its share of
      `total_demand` (p-median: every demand is served, share 1). `newly_covered`: the part that
      no existing place covers.
    - `site_demand` (aligned with `chosen`): demand newly covered by each new site, each demand
      unit counted once, at its nearest new site (smallest stored value of the coverage matrix;
      lowest index on ties, e.g. a boolean matrix). `assignment` (n_demand,): that site's
      candidate index, or -1 (served by an existing place, or not covered).
    - `status` (`STATUS_LABELS`), `mip_gap`: 0.0 when proven optimal, else (best bound − value)
      / value of the objective solved (MCLP: demand newly covered), None if no bound is known;
      `time_limit`, `seconds` (whole call), `solve_seconds` (HiGHS alone), and the size of the
      largest programme after reductions (`variables`, `constraints`, `nonzeros`).
    """

    method: str
    chosen: np.ndarray
    objective: float
    covered: float
    covered_share: float
    newly_covered: float
    total_demand: float
    site_demand: np.ndarray
    assignment: np.ndarray
    status: str
    mip_gap: float | None
    time_limit: float
    seconds: float
    solve_seconds: float
    variables: int
    constraints: int
    nonzeros: int


# --- validation --------------------------------------------------------------------------------


def _demand(demand) -> np.ndarray:
    values = np.asarray(demand, dtype=np.float64)
    if values.ndim != 1:
        raise SitingError("demande", "Demande : une liste à une dimension est attendue.")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise SitingError(
            "demande",
            f"Demande : valeurs négatives ou manquantes (rang {int(np.argmax(bad))}).",
        )
    return values


def _matrix(matrix, n_demand: int, field: str, label: str) -> sparse.csr_matrix:
    if not sparse.issparse(matrix):
        matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != n_demand:
        raise SitingError(
            field,
            f"{label} : dimensions {tuple(matrix.shape)} reçues ; {n_demand} lignes attendues "
            "(une par commune de la demande).",
        )
    return sparse.csr_matrix(matrix)


def _covers(matrix) -> sparse.csr_matrix:
    """Pairs of a coverage matrix (its stored non-zero entries) as a boolean CSR matrix."""
    pairs = sparse.csr_matrix(matrix, dtype=bool)
    pairs.eliminate_zeros()
    pairs.sort_indices()
    return pairs


def _existing(existing, n_demand: int, n_candidates: int) -> tuple[np.ndarray, np.ndarray]:
    """(candidate columns fixed open, demand already covered by places outside the candidates).

    `existing` is a boolean mask over the candidates, or a coverage matrix (n_demand × m) of
    existing places that are not candidates."""
    fixed = np.zeros(n_candidates, dtype=bool)
    covered = np.zeros(n_demand, dtype=bool)
    if existing is None:
        return fixed, covered
    if not sparse.issparse(existing):
        array = np.asarray(existing)
        if array.ndim == 1:
            if array.shape != (n_candidates,):
                raise SitingError(
                    "existants",
                    f"Sites existants : {array.shape[0]} valeurs pour {n_candidates} candidats.",
                )
            return array.astype(bool), covered
    matrix = _matrix(existing, n_demand, "existants", "Couverture des sites existants")
    covered = np.asarray(_covers(matrix).sum(axis=1)).ravel() > 0
    return fixed, covered


def _k(k, available: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise SitingError("k", f"Nombre de sites : « {k} » n'est pas un nombre entier.")
    if k < 1:
        raise SitingError("k", f"Nombre de sites : {k} ; au moins 1 site est attendu.")
    if k > available:
        raise SitingError(
            "k",
            f"Nombre de sites : {k} demandés pour {available} candidats disponibles ; en "
            "demander moins ou élargir les candidats.",
        )
    return int(k)


def _check_options(time_limit: float, mip_rel_gap: float) -> None:
    if not (np.isfinite(time_limit) and time_limit > 0):
        raise SitingError(
            "limite_temps", "Limite de temps : une durée strictement positive est attendue."
        )
    if not (np.isfinite(mip_rel_gap) and 0 <= mip_rel_gap < 1):
        raise SitingError(
            "ecart_optimalite", "Écart d'optimalité toléré : une part de 0 à 100 % exclu."
        )


# --- the solver --------------------------------------------------------------------------------


@dataclass
class _Solve:
    """One siting run's calls to HiGHS: a shared time budget, and what they report."""

    time_limit: float
    mip_rel_gap: float
    deadline: float = 0.0
    status: str = "optimal"
    gaps: list = field(default_factory=list)
    seconds: float = 0.0
    variables: int = 0
    constraints: int = 0
    nonzeros: int = 0

    def __post_init__(self) -> None:
        self.deadline = time.perf_counter() + self.time_limit

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def report(self, started: float) -> dict:
        """The `SitingResult` fields that say how the solver did, timed from `started`."""
        return {
            "status": self.status,
            "mip_gap": self.mip_gap,
            "time_limit": self.time_limit,
            "seconds": time.perf_counter() - started,
            "solve_seconds": self.seconds,
            "variables": self.variables,
            "constraints": self.constraints,
            "nonzeros": self.nonzeros,
        }

    def settle(self, proven: bool, gap: float | None) -> None:
        """Record one model's outcome: proven optimal, or its gap (None: unknown)."""
        if not proven:
            self.status = "time_limit"
        self.gaps.append(0.0 if proven and (gap is None or gap < GAP_ROUNDING) else gap)

    @property
    def mip_gap(self) -> float | None:
        if any(gap is None for gap in self.gaps):
            return None
        return max(self.gaps, default=0.0)

    def _size(self, cost: np.ndarray, matrix: sparse.csr_matrix) -> None:
        self.variables = max(self.variables, cost.shape[0])
        self.constraints = max(self.constraints, matrix.shape[0])
        self.nonzeros = max(self.nonzeros, matrix.nnz)

    def mip(self, cost, integrality, matrix, lower, upper, bounds=None):
        """Solve a MIP within the remaining budget; the scipy result, or None if no time is
        left."""
        self._size(cost, matrix)
        budget = self.remaining()
        if budget <= 0:
            return None
        started = time.perf_counter()
        result = milp(
            cost,
            integrality=integrality,
            bounds=bounds or Bounds(0.0, 1.0),
            constraints=LinearConstraint(matrix, lower, upper),
            options={"time_limit": budget, "mip_rel_gap": self.mip_rel_gap},
        )
        self.seconds += time.perf_counter() - started
        if result.status not in (0, 1, 2):
            raise SitingError("solveur", f"Le solveur a échoué : {result.message}")
        return result

    def relaxation(self, cost, matrix, lower, upper):
        """The LP relaxation by interior point (much faster than simplex on these degenerate
        programmes): (optimal value, solution), or None if out of time."""
        self._size(cost, matrix)
        budget = self.remaining()
        if budget <= 0:
            return None
        equal = lower == upper
        above = ~np.isinf(upper) & ~equal
        below = ~np.isinf(lower) & ~equal
        started = time.perf_counter()
        result = linprog(
            cost,
            A_ub=sparse.vstack([matrix[above], -matrix[below]], format="csr"),
            b_ub=np.concatenate([upper[above], -lower[below]]),
            A_eq=matrix[equal] if equal.any() else None,
            b_eq=upper[equal] if equal.any() else None,
            bounds=(0.0, 1.0),
            method="highs-ipm",
            options={"time_limit": budget},
        )
        self.seconds += time.perf_counter() - started
        return (float(result.fun), result.x) if result.status == 0 else None


# --- covering models ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Reduced:
    """A covering problem after the exact reductions: `cover` (merged demand rows × kept
    candidates, 0/1) with the merged `weights`; `columns` are indices into the candidates."""

    cover: sparse.csr_matrix
    weights: np.ndarray
    columns: np.ndarray

    @property
    def by_column(self) -> sparse.csc_matrix:
        return self.cover.tocsc()


def _reduce(pairs: sparse.csr_matrix, weights: np.ndarray, eligible: np.ndarray) -> _Reduced:
    """Drop weightless and uncoverable demands, useless and dominated candidates, merge
    demands covered by the same candidates (module docstring)."""
    rows = np.flatnonzero(weights > 0)
    columns = np.flatnonzero(eligible)
    sub = pairs[rows][:, columns]
    useful = np.asarray(sub.sum(axis=0)).ravel() > 0
    sub, columns = sub[:, useful], columns[useful]
    kept = _undominated(sub)
    sub, columns = sub[:, kept], columns[kept]
    reached = np.asarray(sub.sum(axis=1)).ravel() > 0
    sub, rows = sub[reached].tocsr(), rows[reached]
    sub.sort_indices()
    keys = [sub.indices[sub.indptr[i] : sub.indptr[i + 1]].tobytes() for i in range(sub.shape[0])]
    group_of: dict[bytes, int] = {}
    first_rows: list[int] = []
    index = np.empty(len(keys), dtype=np.int64)
    for i, key in enumerate(keys):
        if key not in group_of:
            group_of[key] = len(first_rows)
            first_rows.append(i)
        index[i] = group_of[key]
    merged = np.bincount(index, weights=weights[rows], minlength=len(first_rows))
    cover = sub[np.asarray(first_rows, dtype=np.int64)]
    return _Reduced(
        cover=sparse.csr_matrix(cover, dtype=np.float64), weights=merged, columns=columns
    )


def _undominated(cover: sparse.csr_matrix) -> np.ndarray:
    """Columns whose covered set is not inside another column's (of two equal sets, the lower
    index stays). Each dropped column is inside a kept one, as inclusion is transitive."""
    n = cover.shape[1]
    if n < 2:
        return np.ones(n, dtype=bool)
    counts = sparse.csr_matrix(cover, dtype=np.int64)
    sizes = np.asarray(counts.sum(axis=0)).ravel()
    overlap = (counts.T @ counts).tocoo()
    inner, outer, shared = overlap.row, overlap.col, overlap.data
    inside = (inner != outer) & (shared == sizes[inner])
    larger = (sizes[outer] > sizes[inner]) | ((sizes[outer] == sizes[inner]) & (outer < inner))
    dominated = np.zeros(n, dtype=bool)
    dominated[inner[inside & larger]] = True
    return ~dominated


class _Search:
    """Greedy and interchange heuristics on a reduced covering problem."""

    def __init__(self, reduced: _Reduced) -> None:
        self.weights = reduced.weights
        self.columns = reduced.by_column
        self.rows = reduced.cover.T.tocsr()  # candidate × demand
        self.tolerance = VALUE_TOLERANCE * float(self.weights.sum())
        self.margin = max(CUTOFF_MARGIN * float(self.weights.max()), self.tolerance)

    def counts(self, chosen: np.ndarray) -> np.ndarray:
        return np.asarray(self.columns[:, chosen].sum(axis=1)).ravel()

    def value(self, chosen: np.ndarray) -> float:
        return float(self.weights[self.counts(chosen) > 0].sum())

    def greedy(self, k: int | None = None, target: float | None = None) -> np.ndarray:
        """Add the column covering the most uncovered weight, k times or until `target`."""
        count = np.zeros(self.weights.shape[0])
        taken = np.zeros(self.columns.shape[1], dtype=bool)
        chosen: list[int] = []
        while len(chosen) < self.columns.shape[1]:
            if k is not None and len(chosen) >= k:
                break
            if target is not None and self.weights[count > 0].sum() >= target:
                break
            gains = self.rows @ (self.weights * (count == 0))
            gains[taken] = -1.0
            best = int(np.argmax(gains))
            chosen.append(best)
            taken[best] = True
            count[
                self.columns.indices[self.columns.indptr[best] : self.columns.indptr[best + 1]]
            ] += 1
        return np.asarray(chosen, dtype=np.int64)

    def interchange(self, chosen: np.ndarray, deadline: float) -> np.ndarray:
        """Best improving swap (one chosen column out, one other in) until none improves."""
        chosen = np.array(chosen, dtype=np.int64)
        if chosen.shape[0] == 0:
            return chosen
        count = self.counts(chosen)
        while time.perf_counter() < deadline:
            uncovered = self.weights * (count == 0)
            single = self.weights * (count == 1)
            out = self.columns[:, chosen]
            loss = out.T @ single
            regained = (self.rows @ out.multiply(single[:, None]).tocsc()).toarray()
            delta = (self.rows @ uncovered)[:, None] + regained - loss[None, :]
            delta[chosen, :] = -np.inf
            enter, leave = np.unravel_index(int(np.argmax(delta)), delta.shape)
            if delta[enter, leave] <= self.tolerance:
                break
            count -= out[:, leave].toarray().ravel()
            count += self.columns[:, enter].toarray().ravel()
            chosen[leave] = enter
        return np.sort(chosen)

    def drop_one(self, chosen: np.ndarray) -> np.ndarray:
        """Without the column whose removal loses the least."""
        loss = self.columns[:, chosen].T @ (self.weights * (self.counts(chosen) == 1))
        return np.delete(chosen, int(np.argmin(loss)))


def _cover_rows(reduced: _Reduced) -> sparse.csr_matrix:
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
    reduced: _Reduced, k: int, solve: _Solve, starts: tuple[np.ndarray, ...] = ()
) -> np.ndarray:
    """Indices (into `reduced.columns`) of k columns covering the most weight (module
    docstring: heuristic, LP bound, then the MIP with a cut-off). `starts`: known good sets of
    k columns the interchange also starts from."""
    n, groups = reduced.columns.shape[0], reduced.cover.shape[0]
    if k >= n:
        return np.arange(n)
    search = _Search(reduced)
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
        found = _picked(result.x[:n], k)
        if search.value(found) > value:
            best, value = found, search.value(found)
        if result.status == 0:
            solve.settle(True, result.mip_gap)
            return best
    if result is not None and _finite(result.mip_dual_bound):
        bound = min(bound, max(value + search.margin, -float(result.mip_dual_bound)))
    solve.settle(False, max(0.0, (bound - value) / value) if math.isfinite(bound) else None)
    return best


def _fewest_count(reduced: _Reduced, needed: float, solve: _Solve) -> np.ndarray:
    """Indices (into `reduced.columns`) of as few columns as possible covering `needed`:
    greedy then shrink by interchange, the LP bound, then a MIP for fewer if not proven."""
    n, groups = reduced.columns.shape[0], reduced.cover.shape[0]
    search = _Search(reduced)
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
        found = _picked(result.x[:n])
        if search.value(found) >= needed - search.tolerance and found.shape[0] < count:
            best, count = found, found.shape[0]
            if result.status == 0:
                solve.settle(True, 0.0)
                return best
    if result is not None and _finite(result.mip_dual_bound):
        floor = max(floor, math.ceil(float(result.mip_dual_bound) - 1e-6))
    solve.settle(False, (count - floor) / count)
    return best


def _finite(value) -> bool:
    return value is not None and math.isfinite(float(value))


def _picked(values: np.ndarray, k: int | None = None) -> np.ndarray:
    chosen = np.flatnonzero(values > 0.5)
    if k is not None and chosen.shape[0] != k:  # a solver tolerance, never seen: keep the k best
        chosen = np.sort(np.argsort(-values, kind="stable")[:k])
    return chosen


def _outcome(
    *,
    method: str,
    chosen: np.ndarray,
    objective: float | None,
    pairs: sparse.csr_matrix,
    values: sparse.csr_matrix,
    demand: np.ndarray,
    already: np.ndarray,
    solve: _Solve,
    started: float,
) -> SitingResult:
    """Coverage, per-site demand and assignment of the chosen sites, on the full matrices."""
    chosen = np.sort(np.asarray(chosen, dtype=np.int64))
    by_new = np.asarray(pairs[:, chosen].sum(axis=1)).ravel() > 0
    newly = by_new & ~already
    total = float(demand.sum())
    covered = float(demand[by_new | already].sum())
    nearest = _nearest(values[:, chosen], newly)
    assignment = np.full(demand.shape[0], -1, dtype=np.int64)
    assignment[newly] = chosen[nearest[newly]]
    site_demand = np.bincount(nearest[newly], weights=demand[newly], minlength=chosen.shape[0])
    return SitingResult(
        method=method,
        chosen=chosen,
        objective=covered if objective is None else float(objective),
        covered=covered,
        covered_share=covered / total if total > 0 else 0.0,
        newly_covered=float(demand[newly].sum()),
        total_demand=total,
        site_demand=site_demand.astype(np.float64),
        assignment=assignment,
        **solve.report(started),
    )


def _nearest(values: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """Per row, the column of its smallest stored value (lowest column on ties); -1 if none.
    Only `rows` are looked at."""
    coo = sparse.coo_matrix(values[rows])
    keep = coo.data != 0
    row_ids = np.flatnonzero(rows)[coo.row[keep]]
    cols, data = coo.col[keep], np.abs(coo.data[keep]).astype(np.float64)
    order = np.lexsort((cols, data, row_ids))
    row_ids, cols = row_ids[order], cols[order]
    first = np.ones(row_ids.shape[0], dtype=bool)
    first[1:] = row_ids[1:] != row_ids[:-1]
    nearest = np.full(values.shape[0], -1, dtype=np.int64)
    nearest[row_ids[first]] = cols[first]
    return nearest


def _prepare(demand, coverage, existing, time_limit, mip_rel_gap):
    weights = _demand(demand)
    values = _matrix(coverage, weights.shape[0], "couverture", "Couverture des candidats")
    pairs = _covers(values)
    fixed, already = _existing(existing, weights.shape[0], pairs.shape[1])
    if fixed.any():
        already |= np.asarray(pairs[:, np.flatnonzero(fixed)].sum(axis=1)).ravel() > 0
    _check_options(time_limit, mip_rel_gap)
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
    k = _k(k, int((~fixed).sum()))
    solve = _Solve(float(time_limit), float(mip_rel_gap))
    reduced = _reduce(pairs, np.where(already, 0.0, weights), ~fixed)
    picked = reduced.columns[_max_cover(reduced, k, solve)]
    return _outcome(
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
    reduced = _reduce(pairs, np.where(already, 0.0, weights), ~fixed)
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
    solve = _Solve(float(time_limit), float(mip_rel_gap))
    needed = target - base - slack
    picked = np.zeros(0, dtype=np.int64)
    if needed > 0:
        # The first step may use half of the budget, the second one the rest.
        first_deadline = solve.deadline
        solve.deadline = time.perf_counter() + solve.time_limit / 2
        fewest = _fewest_count(reduced, needed, solve)
        solve.deadline = first_deadline
        picked = reduced.columns[_max_cover(reduced, fewest.shape[0], solve, starts=(fewest,))]
    return _outcome(
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


# --- p-median ----------------------------------------------------------------------------------


def _allowed_pairs(distance, n_demand: int, max_km: float | None):
    """(rows, cols, km, n_candidates) of the allowed pairs of a distance matrix."""
    if sparse.issparse(distance):
        allowed = sparse.coo_matrix(distance)
        shape = allowed.shape
        rows, cols, data = allowed.row, allowed.col, allowed.data.astype(np.float64)
    else:
        dense = np.asarray(distance, dtype=np.float64)
        shape = dense.shape
        if dense.ndim == 2:
            rows, cols = np.nonzero(~np.isinf(dense))
            data = dense[rows, cols]
    if len(shape) != 2 or shape[0] != n_demand:
        raise SitingError(
            "distance",
            f"Distances aux candidats : dimensions {tuple(shape)} reçues ; {n_demand} lignes "
            "attendues (une par commune de la demande).",
        )
    if not np.isfinite(data).all() or (data < 0).any():
        raise SitingError("distance", "Distances aux candidats : valeurs négatives ou manquantes.")
    if max_km is not None:
        if not (np.isfinite(max_km) and max_km > 0):
            raise SitingError("max_km", "Distance maximale : une valeur positive est attendue.")
        near = data <= max_km
        rows, cols, data = rows[near], cols[near], data[near]
    return rows, cols, data, shape[1]


def p_median(
    demand,
    distance,
    k: int,
    *,
    max_km: float | None = None,
    existing=None,
    time_limit: float = DEFAULT_TIME_LIMIT_S,
    mip_rel_gap: float = 0.0,
) -> SitingResult:
    """k new sites minimising Σ demand × distance to the nearest open site (p-median).

    `distance` (n_demand × n_candidates): a sparse matrix whose stored entries are the allowed
    pairs (explicit zeros included), or a dense array where `inf` forbids a pair; `max_km`
    forbids pairs farther than that. `existing`: a boolean mask over the candidates (fixed
    open). Every demand unit with weight must have an allowed candidate, else `SitingError`.
    No heuristic here: the strong formulation (z_ij ≤ y_j) is solved as is, so keep the allowed
    pairs few (a `max_km`) on large territories.
    """
    started = time.perf_counter()
    weights = _demand(demand)
    _check_options(time_limit, mip_rel_gap)
    n_demand = weights.shape[0]
    rows, cols, data, n_candidates = _allowed_pairs(distance, n_demand, max_km)
    fixed = np.zeros(n_candidates, dtype=bool)
    if existing is not None:
        fixed = np.asarray(existing, dtype=bool)
        if fixed.shape != (n_candidates,):
            raise SitingError(
                "existants",
                f"Sites existants : un masque de {n_candidates} valeurs (une par candidat) "
                "est attendu.",
            )
    k = _k(k, int((~fixed).sum()))
    if weights.sum() <= 0:
        raise SitingError(
            "demande", "Demande nulle partout : rien à servir, aucun site à proposer."
        )
    served = weights[rows] > 0
    rows, cols, data = rows[served], cols[served], data[served]
    lonely = (weights > 0) & (np.bincount(rows, minlength=n_demand) == 0)
    if lonely.any():
        raise SitingError(
            "max_km" if max_km is not None else "distance",
            f"La commune de rang {int(np.argmax(lonely))} (et {int(lonely.sum()) - 1} autre(s)) "
            "n'a aucun site candidat à distance permise : augmenter la distance maximale ou "
            "ajouter des candidats.",
        )
    solve = _Solve(float(time_limit), float(mip_rel_gap))
    demand_rows = np.flatnonzero(weights > 0)
    row_of = np.full(n_demand, -1, dtype=np.int64)
    row_of[demand_rows] = np.arange(demand_rows.shape[0])
    n_pairs, n_rows = rows.shape[0], demand_rows.shape[0]
    pair = np.arange(n_pairs)
    size = n_candidates + n_pairs  # variables: y (one per candidate), z (one per pair)
    assign = sparse.csr_matrix(
        (np.ones(n_pairs), (row_of[rows], n_candidates + pair)), shape=(n_rows, size)
    )
    link = sparse.csr_matrix(
        (
            np.concatenate([np.ones(n_pairs), -np.ones(n_pairs)]),
            (np.concatenate([pair, pair]), np.concatenate([n_candidates + pair, cols])),
        ),
        shape=(n_pairs, size),
    )
    count = sparse.csr_matrix(
        np.concatenate([(~fixed).astype(np.float64), np.zeros(n_pairs)])[None, :]
    )
    result = solve.mip(
        np.concatenate([np.zeros(n_candidates), weights[rows] * data]),
        np.concatenate([np.ones(n_candidates), np.zeros(n_pairs)]),
        sparse.vstack([assign, link, count], format="csr"),
        np.concatenate([np.ones(n_rows), np.full(n_pairs, -np.inf), [k]]),
        np.concatenate([np.ones(n_rows), np.zeros(n_pairs), [k]]),
        bounds=Bounds(np.concatenate([fixed.astype(np.float64), np.zeros(n_pairs)]), 1.0),
    )
    if result is not None and result.status == 2:
        raise SitingError(
            "k",
            f"Avec {k} nouveau(x) site(s), des communes restent sans site à distance permise : "
            "augmenter k ou la distance maximale.",
        )
    if result is None or result.x is None:
        raise SitingError(
            "limite_temps",
            f"Aucune solution trouvée en {french_number(time_limit)} s : augmenter la limite "
            "de temps, raccourcir la distance maximale ou réduire les candidats.",
        )
    solve.settle(result.status == 0, result.mip_gap)
    chosen = np.sort(np.setdiff1d(_picked(result.x[:n_candidates]), np.flatnonzero(fixed)))
    open_sites = fixed.copy()
    open_sites[chosen] = True
    # Each demand at its nearest open site (lowest index on ties).
    usable = open_sites[cols]
    r, c, d = rows[usable], cols[usable], data[usable]
    order = np.lexsort((c, d, r))
    r, c, d = r[order], c[order], d[order]
    first = np.ones(r.shape[0], dtype=bool)
    first[1:] = r[1:] != r[:-1]
    site_of = np.full(n_demand, -1, dtype=np.int64)
    site_of[r[first]] = c[first]
    to_new = site_of >= 0
    to_new[to_new] = ~fixed[site_of[to_new]]
    assignment = np.where(to_new, site_of, -1)
    position = np.searchsorted(chosen, assignment[to_new])
    site_demand = np.bincount(position, weights=weights[to_new], minlength=chosen.shape[0])
    total = float(weights.sum())
    return SitingResult(
        method="p_median",
        chosen=chosen,
        objective=float((weights[r[first]] * d[first]).sum()),
        covered=total,
        covered_share=1.0,
        newly_covered=float(weights[to_new].sum()),
        total_demand=total,
        site_demand=site_demand.astype(np.float64),
        assignment=assignment,
        **solve.report(started),
    )
