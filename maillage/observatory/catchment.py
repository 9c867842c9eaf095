"""Need vs offer: how far a shared place serves (catchment) and what offer each commune reaches.

Pure functions of numpy arrays and scipy sparse matrices, no database. A catchment is a road
distance (straight line × detour factor) or a travel time (road km at an average speed); `reach`
lists the commune–place pairs inside it, and `need_vs_offer` shares each place's desks among
the communes that reach it by the two-step floating catchment area method (2SFCA, Luo & Wang
2003, « Measures of spatial accessibility to health care in a GIS environment »,
Environment and Planning B 30(6)):

    R_j = S_j / Σ_{k: d_kj ≤ d0} D_k      desks of place j per desk needed around it
    A_i = Σ_{j: d_ij ≤ d0} R_j            offer ratio reachable from commune i
    accessible_i = A_i × D_i              desks of the offer that commune i can count on
    gap_i = D_i − accessible_i            negative: surplus; unmet_i = max(gap_i, 0)

A place with no demand in its catchment (Σ D_k = 0) shares nothing (R_j = 0): its desks stay
idle in the method. Because every place divides its capacity exactly among the demand it
reaches, Σ_i accessible_i = Σ of the capacities of places with demand in reach (conservation);
a single commune may still get more than it needs (its neighbours share the rest).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from maillage.core.geo import pairs_within_km
from maillage.observatory.errors import CatchmentError, french_number

MODES = {"distance": "distance par la route", "time": "temps de trajet"}

# Road km = straight-line km × detour. HYPOTHESIS: 1.3, the usual order of magnitude of road
# circuity (as `defaults.DETOUR_FACTOR`), to calibrate on MOBPRO flows.
DEFAULT_DETOUR = 1.3
# Average door-to-door road speed of a travel-time catchment. HYPOTHESIS: 50 km/h, the order of
# magnitude of salaried commutes in 2004 (25.9 km in 32 min ≈ 49 km/h, Insee Première
# n°1129, 27/03/2007, données DADS 2004).
DEFAULT_SPEED_KMH = 50.0

# Beyond these, a catchment no longer describes a place people go to for the day.
MAX_RADIUS_KM = 200.0
MAX_MINUTES = 180.0
MAX_DETOUR = 3.0
MAX_SPEED_KMH = 130.0

_LABELS = {
    "mode": "Zone de chalandise",
    "radius_km": "Rayon (km par la route)",
    "minutes": "Temps de trajet (minutes)",
    "detour": "Facteur de détour",
    "speed_kmh": "Vitesse moyenne (km/h)",
}


@dataclass(frozen=True)
class Catchment:
    """How far a shared place serves.

    - `mode="distance"`: within `radius_km` km by the road, road km = straight-line km × `detour`.
    - `mode="time"`: within `minutes` of driving at `speed_kmh` km/h on average over road km
      (a hypothesis: no road network, the same speed everywhere).

    Only the fields of the chosen mode are checked (the others are ignored). A bad value raises
    `CatchmentError` whose `field` is the dataclass field name.
    """

    mode: str = "distance"
    radius_km: float | None = None
    minutes: float | None = None
    detour: float = DEFAULT_DETOUR
    speed_kmh: float = DEFAULT_SPEED_KMH

    def __post_init__(self) -> None:
        for name, value in catchment_validate(self).items():
            object.__setattr__(self, name, value)

    @property
    def unit(self) -> str:
        """Unit of the values of `reach`: road km or minutes."""
        return "km" if self.mode == "distance" else "min"

    @property
    def limit(self) -> float:
        """The catchment in its own unit (road km or minutes)."""
        return float(self.radius_km if self.mode == "distance" else self.minutes)

    def road_km(self) -> float:
        """Radius in road km (the time at the average speed, in time mode)."""
        if self.mode == "distance":
            return float(self.radius_km)
        return float(self.minutes) / 60.0 * float(self.speed_kmh)

    def straight_line_km(self) -> float:
        """The straight-line radius to query: road km divided by the detour factor."""
        return self.road_km() / float(self.detour)

    def per_straight_km(self) -> float:
        """Catchment units (road km or minutes) per straight-line km."""
        if self.mode == "distance":
            return float(self.detour)
        return float(self.detour) / float(self.speed_kmh) * 60.0

    def describe(self) -> str:
        """French one-liner for pages and exports."""
        detour = french_number(self.detour)
        if self.mode == "distance":
            return f"{french_number(self.radius_km)} km par la route (vol d'oiseau × {detour})"
        return (
            f"{french_number(self.minutes)} minutes de trajet à "
            f"{french_number(self.speed_kmh)} km/h de moyenne (hypothèse ; vol d'oiseau × "
            f"{detour})"
        )


def catchment_validate(catchment: Catchment) -> dict[str, float]:
    """Check the fields the mode uses; return them as floats (raise `CatchmentError`)."""
    if catchment.mode not in MODES:
        raise CatchmentError(
            "mode",
            f"{_LABELS['mode']} : « {catchment.mode} » inconnu ; choisir la distance par la "
            "route ou le temps de trajet.",
        )
    values = {"detour": _positive(catchment, "detour", upper=MAX_DETOUR)}
    if values["detour"] < 1:
        raise CatchmentError(
            "detour",
            f"{_LABELS['detour']} : {french_number(values['detour'])} est inférieur à 1 ; la "
            "route n'est jamais plus courte que la ligne droite (1,3 est usuel).",
        )
    if catchment.mode == "distance":
        values["radius_km"] = _positive(catchment, "radius_km", upper=MAX_RADIUS_KM)
    else:
        values["minutes"] = _positive(catchment, "minutes", upper=MAX_MINUTES)
        values["speed_kmh"] = _positive(catchment, "speed_kmh", upper=MAX_SPEED_KMH)
        road_km = values["minutes"] / 60.0 * values["speed_kmh"]
        if road_km > MAX_RADIUS_KM:
            raise CatchmentError(
                "minutes",
                f"{_LABELS['minutes']} : {french_number(values['minutes'])} minutes à "
                f"{french_number(values['speed_kmh'])} km/h font {french_number(road_km)} km "
                f"par la route, hors de propos ; au plus {french_number(MAX_RADIUS_KM)} km.",
            )
    return values


def _positive(catchment: Catchment, name: str, *, upper: float) -> float:
    raw = getattr(catchment, name)
    label = _LABELS[name]
    if raw is None:
        raise CatchmentError(name, f"{label} : valeur manquante.")
    if isinstance(raw, bool) or not isinstance(raw, int | float | np.integer | np.floating):
        raise CatchmentError(name, f"{label} : « {raw} » n'est pas un nombre.")
    value = float(raw)
    if not math.isfinite(value):
        raise CatchmentError(name, f"{label} : valeur manquante.")
    if value <= 0:
        raise CatchmentError(
            name,
            f"{label} : {french_number(value)} ; une valeur strictement positive est attendue.",
        )
    if value > upper:
        raise CatchmentError(
            name,
            f"{label} : {french_number(value)} est hors de propos ; au plus "
            f"{french_number(upper)}.",
        )
    return value


def reach(
    demand_lat: np.ndarray | Sequence[float],
    demand_lon: np.ndarray | Sequence[float],
    supply_lat: np.ndarray | Sequence[float],
    supply_lon: np.ndarray | Sequence[float],
    catchment: Catchment,
) -> sparse.csr_matrix:
    """(n_demand × n_supply) CSR matrix of road km (or minutes, in time mode) of every pair
    inside the catchment. Pairs are the stored entries; a pair at distance 0 is kept, stored as a
    tiny positive value (see `core.geo.pairs_within_km`), so `.astype(bool)` keeps it."""
    found = pairs_within_km(
        demand_lat, demand_lon, supply_lat, supply_lon, catchment.straight_line_km()
    )
    found.data *= catchment.per_straight_km()
    # The straight-line query is inclusive up to rounding; clip so no value exceeds the limit.
    np.minimum(found.data, catchment.limit, out=found.data)
    return found


@dataclass(frozen=True, eq=False)
class NeedOffer:
    """Need vs offer per demand unit (commune), aligned with `need`.

    `accessible` desks (2SFCA), `gap = need − accessible` (negative = surplus), `unmet =
    max(gap, 0)`, `ratio` = A_i (accessible desks per desk needed), and per place
    `place_ratio` = R_j and `idle` (True where no demand is in reach: its desks count nowhere).
    """

    accessible: np.ndarray
    gap: np.ndarray
    unmet: np.ndarray
    ratio: np.ndarray
    place_ratio: np.ndarray
    idle: np.ndarray


def _membership(reach_matrix, n_demand: int, n_supply: int) -> sparse.csr_matrix:
    """The pairs of `reach` as a 0/1 float matrix (stored non-zero entries)."""
    if not sparse.issparse(reach_matrix):
        reach_matrix = np.asarray(reach_matrix)
    if reach_matrix.ndim != 2 or reach_matrix.shape != (n_demand, n_supply):
        raise CatchmentError(
            "reach",
            f"Paires commune–lieu : dimensions {tuple(reach_matrix.shape)} reçues, "
            f"{(n_demand, n_supply)} attendues ({n_demand} communes, {n_supply} lieux).",
        )
    member = sparse.csr_matrix(reach_matrix, dtype=bool)
    member.eliminate_zeros()
    return member.astype(np.float64)


def _non_negative(values, field: str, label: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise CatchmentError(field, f"{label} : une liste à une dimension est attendue.")
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        raise CatchmentError(
            field,
            f"{label} : valeurs négatives ou manquantes (rang {int(np.argmax(bad))}).",
        )
    return array


def need_vs_offer(need, capacity, reach) -> NeedOffer:
    """Accessible offer, gap and unmet need per demand unit (2SFCA, see module docstring).

    `need` (n_demand,) desks needed, `capacity` (n_supply,) desks of each place, `reach` the
    (n_demand × n_supply) matrix of `reach()` (or any matrix whose stored non-zero entries are
    the pairs within the catchment).

    Adding a place or raising a capacity never lowers anyone's accessible offer, so never raises
    a gap: R_j depends only on S_j and on the demand around j, never on other places, so a new
    place j' adds R_j' ≥ 0 to A_i of the communes in its reach and leaves every other term alone.
    """
    demand = _non_negative(need, "need", "Besoin en postes")
    supply = _non_negative(capacity, "capacity", "Capacité des lieux")
    member = _membership(reach, demand.shape[0], supply.shape[0])
    around = member.T @ demand  # Σ_k D_k in the catchment of each place
    idle = around <= 0
    # Per pair, commune i's share D_i / Σ_k D_k of place j (at most 1, so no overflow even for
    # a vanishing demand around j): accessible_i = Σ_j S_j × share_ij = A_i × D_i.
    pairs = member.tocoo()
    share = np.zeros(pairs.nnz)
    np.divide(demand[pairs.row], around[pairs.col], out=share, where=~idle[pairs.col])
    accessible = np.bincount(
        pairs.row, weights=share * supply[pairs.col], minlength=demand.shape[0]
    )
    with np.errstate(over="ignore"):  # R_j is only shown; inf for a demand below ~1e-300
        place_ratio = np.divide(supply, around, out=np.zeros_like(supply), where=~idle)
    ratio = member @ place_ratio
    gap = demand - accessible
    return NeedOffer(
        accessible=accessible,
        gap=gap,
        unmet=np.maximum(gap, 0.0),
        ratio=ratio,
        place_ratio=place_ratio,
        idle=idle,
    )


def underserved(
    codes: np.ndarray | Sequence[str], unmet: np.ndarray | Sequence[float], limit: int | None = None
) -> list[str]:
    """Codes of the demand units with unmet need, largest unmet desks first (ties by code);
    units with nothing unmet are left out. `limit` keeps the first ones only."""
    names = np.asarray(codes, dtype=str)
    values = np.asarray(unmet, dtype=np.float64)
    if names.shape != values.shape:
        raise CatchmentError(
            "unmet",
            f"Besoin non couvert : {values.shape[0]} valeurs pour {names.shape[0]} communes.",
        )
    order = np.lexsort((names, -values))
    ranked = [str(names[i]) for i in order if values[i] > 0]
    return ranked if limit is None else ranked[:limit]


@dataclass(frozen=True, eq=False)
class GapTotals:
    """Per group (EPCI…), sorted: `gap` is the plain sum of commune gaps (a surplus in one
    commune offsets a shortfall in another), `unmet` the sum of commune unmet needs (it does
    not: the surplus was already shared by the catchment). Report both; `unmet ≥ gap`."""

    groups: np.ndarray
    gap: np.ndarray
    unmet: np.ndarray


def gaps_by_group(group_codes: np.ndarray | Sequence[str], gap: np.ndarray) -> GapTotals:
    """Both sums of commune gaps per group (see `GapTotals`)."""
    groups = np.asarray(group_codes, dtype=str)
    values = np.asarray(gap, dtype=np.float64)
    if groups.shape != values.shape:
        raise CatchmentError(
            "gap",
            f"Écarts : {values.shape[0]} valeurs pour {groups.shape[0]} codes de regroupement.",
        )
    names, index = np.unique(groups, return_inverse=True)
    size = names.shape[0]
    return GapTotals(
        groups=names,
        gap=np.bincount(index, weights=values, minlength=size),
        unmet=np.bincount(index, weights=np.maximum(values, 0.0), minlength=size),
    )
