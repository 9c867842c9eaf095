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

from maillage.observatory.siting.covering import fewest_sites, mclp
from maillage.observatory.siting.median import p_median
from maillage.observatory.siting.result import (
    DEFAULT_TIME_LIMIT_S,
    METHOD_LABELS,
    STATUS_LABELS,
    SitingResult,
)

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "METHOD_LABELS",
    "STATUS_LABELS",
    "SitingResult",
    "fewest_sites",
    "mclp",
    "p_median",
]
