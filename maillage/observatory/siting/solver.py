"""One siting run's calls to HiGHS (through scipy) under a shared time budget."""

import math
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from maillage.observatory.errors import SitingError

# A gap below this, with an optimal status, is rounding: shown as 0.
GAP_ROUNDING = 1e-9


@dataclass
class Solve:
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


def finite(value) -> bool:
    return value is not None and math.isfinite(float(value))


def chosen_columns(values: np.ndarray, k: int | None = None) -> np.ndarray:
    chosen = np.flatnonzero(values > 0.5)
    if k is not None and chosen.shape[0] != k:  # a solver tolerance, never seen: keep the k best
        chosen = np.sort(np.argsort(-values, kind="stable")[:k])
    return chosen
