"""`p_median`: k new sites minimising the demand-weighted distance (see the package docstring)."""

import time

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds

from maillage.observatory.errors import SitingError, french_number
from maillage.observatory.siting.checks import check_options, demand_weights, site_count
from maillage.observatory.siting.result import DEFAULT_TIME_LIMIT_S, SitingResult
from maillage.observatory.siting.solver import Solve, chosen_columns


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
    weights = demand_weights(demand)
    check_options(time_limit, mip_rel_gap)
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
    k = site_count(k, int((~fixed).sum()))
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
    solve = Solve(float(time_limit), float(mip_rel_gap))
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
    chosen = np.sort(np.setdiff1d(chosen_columns(result.x[:n_candidates]), np.flatnonzero(fixed)))
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
