"""What a siting run returns, and how it is summed up on the full matrices."""

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from maillage.observatory.siting.solver import Solve

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


def outcome(
    *,
    method: str,
    chosen: np.ndarray,
    objective: float | None,
    pairs: sparse.csr_matrix,
    values: sparse.csr_matrix,
    demand: np.ndarray,
    already: np.ndarray,
    solve: Solve,
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
