"""« Où ouvrir » for a territory: the unmet need of its communes, candidate communes, the solver.

Demand is the unmet need (desks) left by the existing offer under one scenario, so existing
places are already counted; a new site at a candidate commune serves the communes within the
catchment of its centroid. Candidates are the territory's communes above a population threshold,
or a list the user gives (e.g. communes with a public building to convert).
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np

from maillage.core.single_flight import single_flight
from maillage.observatory import catchment as catchment_mod
from maillage.observatory import selectors, siting
from maillage.observatory.analysis import Analysis
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.scenarios import Scenario

OBJECTIVES = {"nombre": "K nouveaux sites", "part": "le moins de sites pour couvrir P %"}
# Above the largest commune (Paris, 2.1 million): a larger threshold can only mean a typo.
MAX_POPULATION_THRESHOLD = 10_000_000
# A run holds a worker up to the solver's limit (20 s) plus the analysis before it (about 1 s):
# one run at a time per account, the hold lapsing after this if a worker dies mid-run.
RUN_HOLD_SECONDS = 120
BUSY_MESSAGE = (
    "Un calcul « où ouvrir » est déjà en cours pour votre compte : attendez son résultat, "
    "puis relancez."
)


def siting_slot(user) -> AbstractContextManager[bool]:
    """True while this account's run may go ahead (no other of its runs under way)."""
    return single_flight(f"observatory-siting:{user.pk}", seconds=RUN_HOLD_SECONDS)


@dataclass(frozen=True, eq=False)
class SitingOutcome:
    analysis: Analysis
    scenario: str
    objective: str
    candidate_codes: np.ndarray
    result: siting.SitingResult
    sites: list[dict]
    total_unmet: float


def candidates_for(
    analysis: Analysis, *, population_threshold: int, candidate_codes: Sequence[str] | None
) -> np.ndarray:
    """Indices (into the territory's communes) of the candidate sites."""
    codes = analysis.codes
    if candidate_codes:
        wanted = [code.upper() for code in candidate_codes]
        unknown = sorted(set(wanted) - set(codes.tolist()))
        if unknown:
            shown = ", ".join(unknown[:10])
            raise ObservatoryError(
                "candidats",
                f"Communes candidates hors du territoire ou inconnues ({len(unknown)}) : {shown}.",
            )
        index = {code: i for i, code in enumerate(codes.tolist())}
        return np.array(sorted({index[code] for code in wanted}), dtype=np.int64)
    chosen = np.flatnonzero(analysis.population >= population_threshold)
    if chosen.size == 0:
        raise ObservatoryError(
            "seuil_population",
            f"Aucune commune du territoire n'atteint {population_threshold} habitants : "
            "baisser le seuil ou donner une liste de communes candidates.",
        )
    return chosen


def siting_for_territory(
    *,
    level: str,
    code: str,
    scenario: Scenario,
    catchment: catchment_mod.Catchment,
    include_projects: bool,
    objective: str,
    k: int,
    share: float,
    population_threshold: int,
    candidate_codes: Sequence[str] | None,
    time_limit: float = 20.0,
) -> SitingOutcome:
    """Run the analysis of one scenario, then the covering model on its unmet need."""
    if objective not in OBJECTIVES:
        raise ObservatoryError("objectif", f"Objectif inconnu : « {objective} ».")
    analysis = selectors.analysis_run(
        level=level,
        code=code,
        scenarios=[scenario],
        catchment=catchment,
        include_projects=include_projects,
    )
    unmet = analysis.outcomes[scenario.name].values["non_couverts"]
    candidates = candidates_for(
        analysis, population_threshold=population_threshold, candidate_codes=candidate_codes
    )
    inside = analysis.area.inside
    lat, lon = analysis.area.lat[inside], analysis.area.lon[inside]
    # Road km (or minutes) of each pair: the solver assigns each demand to its nearest site.
    coverage = catchment_mod.reach(lat, lon, lat[candidates], lon[candidates], catchment)
    if objective == "nombre":
        if k > candidates.size:
            raise ObservatoryError(
                "k",
                f"{k} sites demandés pour {candidates.size} communes candidates : "
                "en demander moins ou élargir les candidates.",
            )
        result = siting.mclp(unmet, coverage, k, time_limit=time_limit)
    else:
        result = siting.fewest_sites(unmet, coverage, share, time_limit=time_limit)
    sites = []
    for position, chosen in enumerate(result.chosen):
        commune = int(candidates[chosen])
        sites.append(
            {
                "code": str(analysis.codes[commune]),
                "nom": str(analysis.names[commune]),
                "postes_couverts": float(result.site_demand[position]),
                "latitude": float(lat[commune]),
                "longitude": float(lon[commune]),
            }
        )
    return SitingOutcome(
        analysis=analysis,
        scenario=scenario.name,
        objective=objective,
        candidate_codes=analysis.codes[candidates],
        result=result,
        sites=sites,
        total_unmet=float(unmet.sum()),
    )


def as_dict(outcome: SitingOutcome) -> dict:
    """The JSON form of the API and of the page's download."""
    result = outcome.result
    return {
        "statut": result.status,
        "statut_libelle": siting.STATUS_LABELS.get(result.status, result.status),
        "ecart_optimalite": result.mip_gap,
        "duree_s": result.seconds,
        "besoin_non_couvert_total": outcome.total_unmet,
        "besoin_couvert": float(result.covered),
        "part_couverte": float(result.covered_share),
        "sites": [
            {key: site[key] for key in ("code", "nom", "postes_couverts")} for site in outcome.sites
        ],
        "candidats": int(outcome.candidate_codes.size),
        "chalandise": outcome.analysis.catchment.describe(),
    }
