"""Validation of a siting run's inputs: a French `SitingError` on the field at fault."""

import numpy as np
from scipy import sparse

from maillage.observatory.errors import SitingError


def demand_weights(demand) -> np.ndarray:
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


def as_matrix(matrix, n_demand: int, field: str, label: str) -> sparse.csr_matrix:
    if not sparse.issparse(matrix):
        matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != n_demand:
        raise SitingError(
            field,
            f"{label} : dimensions {tuple(matrix.shape)} reçues ; {n_demand} lignes attendues "
            "(une par commune de la demande).",
        )
    return sparse.csr_matrix(matrix)


def covered_pairs(matrix) -> sparse.csr_matrix:
    """Pairs of a coverage matrix (its stored non-zero entries) as a boolean CSR matrix."""
    pairs = sparse.csr_matrix(matrix, dtype=bool)
    pairs.eliminate_zeros()
    pairs.sort_indices()
    return pairs


def existing_sites(existing, n_demand: int, n_candidates: int) -> tuple[np.ndarray, np.ndarray]:
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
    matrix = as_matrix(existing, n_demand, "existants", "Couverture des sites existants")
    covered = np.asarray(covered_pairs(matrix).sum(axis=1)).ravel() > 0
    return fixed, covered


def site_count(k, available: int) -> int:
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


def check_options(time_limit: float, mip_rel_gap: float) -> None:
    if not (np.isfinite(time_limit) and time_limit > 0):
        raise SitingError(
            "limite_temps", "Limite de temps : une durée strictement positive est attendue."
        )
    if not (np.isfinite(mip_rel_gap) and 0 <= mip_rel_gap < 1):
        raise SitingError(
            "ecart_optimalite", "Écart d'optimalité toléré : une part de 0 à 100 % exclu."
        )
