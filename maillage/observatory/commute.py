"""Home–work distances: the fixed distance bins of the commute mix, and the car share default.

The MOBPRO importer stores, per commune of residence, the share of its workers in each bin below;
the model turns that mix into a share of teleworkers using a shared place (`model.run`).
The bins are fixed (not the scenario's bands) so that an import never has to be redone when a
user edits the bands of a scenario: each bin counts at its representative distance.
"""

import math
from itertools import pairwise

import numpy as np

# Edges of the commute bins, one-way road km: bin b is `edges[b] <= d < edges[b + 1]`. The
# scenario bands of DARES (5 and 50 km) are edges, so that the published bands are exact.
COMMUTE_BIN_EDGES_KM: tuple[float, ...] = (
    0.0,
    2.0,
    5.0,
    10.0,
    15.0,
    20.0,
    30.0,
    40.0,
    50.0,
    75.0,
    100.0,
    150.0,
    math.inf,
)
# Representative distance of each bin: its midpoint, 200 km for the open last bin (hypothesis).
COMMUTE_BIN_KM: tuple[float, ...] = (
    *((low + high) / 2 for low, high in pairwise(COMMUTE_BIN_EDGES_KM[:-1])),
    200.0,
)
COMMUTE_BIN_COUNT = len(COMMUTE_BIN_KM)
LAST_BIN = COMMUTE_BIN_COUNT - 1

# Share of workers who drive to work. Insee Focus n°143 (13/02/2019, « Sept salariés sur dix vont
# travailler en voiture », https://www.insee.fr/fr/statistiques/3714237): in 2015, 70 % of the
# 23.2 million salaried living and working in France (hors Mayotte) mainly use their car. The
# field is the salaried; used for every commune without its own figure from an imported file.
CAR_SHARE_NATIONAL = 0.70
SOURCE_CAR_SHARE = (
    "Insee Focus n°143 (13/02/2019) : en 2015, 70 % des salariés habitant et travaillant en "
    "France (hors Mayotte) utilisent principalement leur voiture pour aller travailler"
)


def commute_bin(distance_km: np.ndarray) -> np.ndarray:
    """Index of the bin of each distance; an infinite or unknown (NaN) distance goes to the last
    bin, where the importer also puts work abroad and in unknown communes."""
    distances = np.asarray(distance_km, dtype=np.float64)
    bins = np.searchsorted(np.asarray(COMMUTE_BIN_EDGES_KM[1:-1]), distances, side="right")
    return np.where(np.isnan(distances), LAST_BIN, bins)
