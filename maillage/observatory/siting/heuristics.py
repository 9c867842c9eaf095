"""Greedy and interchange (Teitz & Bart vertex substitution) on a reduced covering problem."""

import time

import numpy as np

from maillage.observatory.siting.reduction import Reduced

# Below this share of the demand, two coverages are equal (solver tolerances are ~1e-7).
VALUE_TOLERANCE = 1e-7
# The MIP after the heuristic only looks for sets better by this share of the largest demand
# weight: a smaller margin lets HiGHS accept, then reject after postsolve, sets merely equal
# (it prints a debug line each time); an « optimum » is thus optimal to within this margin.
CUTOFF_MARGIN = 1e-4


class Search:
    """Greedy and interchange heuristics on a reduced covering problem."""

    def __init__(self, reduced: Reduced) -> None:
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
