"""Exact reductions of a covering problem (see the package docstring)."""

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True, eq=False)
class Reduced:
    """A covering problem after the exact reductions: `cover` (merged demand rows × kept
    candidates, 0/1) with the merged `weights`; `columns` are indices into the candidates."""

    cover: sparse.csr_matrix
    weights: np.ndarray
    columns: np.ndarray

    @property
    def by_column(self) -> sparse.csc_matrix:
        return self.cover.tocsc()


def reduce_problem(pairs: sparse.csr_matrix, weights: np.ndarray, eligible: np.ndarray) -> Reduced:
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
    return Reduced(
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
