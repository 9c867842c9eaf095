"""« Où ouvrir » for a territory: the unmet need of its communes, candidate communes, the solver.

Demand is the unmet need (desks) left by the existing offer under one scenario, so existing
places are already counted; a new site at a candidate commune serves the communes within the
catchment of its centroid. Candidates are the territory's communes above a population threshold,
or a list the user gives (e.g. communes with a public building to convert).

Sites are ranked by the need each serves (largest first): `ranked_sites` gives each its served
communes (the unmet need of a commune goes to its nearest new site, `SitingResult.assignment`),
`map_data` and `siting_geojson` draw them with the existing places counted as offer.
"""

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np

from maillage.core.single_flight import single_flight
from maillage.demand.selectors import demand_table
from maillage.observatory import catchment as catchment_mod
from maillage.observatory import selectors, siting
from maillage.observatory.analysis import Analysis
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.scenarios import Scenario
from maillage.territory.models import Commune

OBJECTIVES = {"nombre": "K nouveaux sites", "part": "le moins de sites pour couvrir P %"}
# Demand points: the model's unmet need, or the desks-equivalent people stated (demand app,
# published figures only: a commune under statistical secrecy weighs nothing, decision 0031).
DEMAND_SOURCES = {
    "modele": "le besoin non couvert estimé par le modèle",
    "exprimee": "la demande exprimée (postes-équivalents déclarés)",
}
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
    demand_source: str = "modele"


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
    demand_source: str = "modele",
) -> SitingOutcome:
    """Run the analysis of one scenario, then the covering model on its unmet need, or on the
    stated demand (`demand_source="exprimee"`: existing places are not subtracted from it)."""
    if objective not in OBJECTIVES:
        raise ObservatoryError("objectif", f"Objectif inconnu : « {objective} ».")
    if demand_source not in DEMAND_SOURCES:
        raise ObservatoryError("demande", f"Demande inconnue : « {demand_source} ».")
    analysis = selectors.analysis_run(
        level=level,
        code=code,
        scenarios=[scenario],
        catchment=catchment,
        include_projects=include_projects,
    )
    unmet = analysis.outcomes[scenario.name].values["non_couverts"]
    if demand_source == "exprimee":
        unmet = stated_demand_points(analysis.codes)
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
    sites = ranked_sites(
        codes=analysis.codes,
        names=analysis.names,
        population=analysis.population,
        lat=lat,
        lon=lon,
        demand=unmet,
        candidates=candidates,
        result=result,
    )
    return SitingOutcome(
        analysis=analysis,
        scenario=scenario.name,
        objective=objective,
        candidate_codes=analysis.codes[candidates],
        result=result,
        sites=sites,
        total_unmet=float(unmet.sum()),
        demand_source=demand_source,
    )


def stated_demand_points(codes: np.ndarray) -> np.ndarray:
    """Published desks-equivalent stated per commune, aligned with `codes` (0 where none)."""
    stated = demand_table(commune_codes=codes.tolist()).stated_desks()
    if not stated:
        raise ObservatoryError(
            "demande",
            "Aucune demande exprimée publiable dans ce territoire (au moins 3 personnes par "
            "commune) : choisir le besoin estimé par le modèle.",
        )
    return np.array([stated.get(str(code), 0.0) for code in codes.tolist()], dtype=np.float64)


def ranked_sites(
    *,
    codes: np.ndarray,
    names: np.ndarray,
    population: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    demand: np.ndarray,
    candidates: np.ndarray,
    result: siting.SitingResult,
) -> list[dict]:
    """The chosen sites, largest need served first (then by code), each with the communes it
    serves: those with unmet need whose nearest new site it is. Arrays are aligned with the
    demand communes; `candidates` indexes them (the columns the solver chose among)."""
    sites = []
    for position, column in enumerate(result.chosen.tolist()):
        commune = int(candidates[column])
        served = np.flatnonzero((result.assignment == column) & (demand > 0))
        served = served[np.lexsort((codes[served], -demand[served]))]
        sites.append(
            {
                "code": str(codes[commune]),
                "nom": str(names[commune]),
                "postes_couverts": float(result.site_demand[position]),
                "latitude": float(lat[commune]),
                "longitude": float(lon[commune]),
                "population_servie": float(population[served].sum()),
                "communes": [
                    {
                        "code": str(codes[i]),
                        "nom": str(names[i]),
                        "population": float(population[i]),
                        "postes": float(demand[i]),
                    }
                    for i in served.tolist()
                ],
            }
        )
    sites.sort(key=lambda site: (-site["postes_couverts"], site["code"]))
    for rank, site in enumerate(sites, start=1):
        site["rang"] = rank
    return sites


def offer_places(outcome: SitingOutcome) -> list[dict]:
    """The places counted as offer (open ones, projects if asked; demo places never), largest
    first: the existing places the new sites come on top of."""
    offer = outcome.analysis.offer
    order = np.lexsort((offer.ids, -offer.capacity))
    return [
        {
            "nom": str(offer.names[i]),
            "commune": str(offer.commune_codes[i]),
            "latitude": float(offer.lat[i]),
            "longitude": float(offer.lon[i]),
            "postes": float(offer.capacity[i]),
            "projet": bool(offer.is_project[i]),
        }
        for i in order.tolist()
    ]


def map_data(outcome: SitingOutcome) -> dict:
    """What the page's map draws besides the outlines: ranked sites with their served communes
    and reach (straight-line km: the catchment's road km or minutes over the detour), places."""
    return {
        "rayon_km": outcome.analysis.catchment.straight_line_km(),
        "chalandise": outcome.analysis.catchment.describe(),
        "sites": [
            {
                "rang": site["rang"],
                "code": site["code"],
                "nom": site["nom"],
                "latitude": site["latitude"],
                "longitude": site["longitude"],
                "postes_couverts": site["postes_couverts"],
                "population_servie": site["population_servie"],
                "communes": [commune["code"] for commune in site["communes"]],
            }
            for site in outcome.sites
        ],
        "lieux": offer_places(outcome),
    }


def siting_geojson(*, sites: list[dict], places: list[dict], radius_km: float) -> str:
    """FeatureCollection of the result: each site (a point with its rank, need served and reach),
    the communes it serves (their stored simplified outlines) and the existing places."""
    served = [commune["code"] for site in sites for commune in site["communes"]]
    outlines = dict(Commune.objects.filter(code__in=served).values_list("code", "outline"))
    features = []

    def add(properties: dict, geometry: str, ident: str) -> None:
        head = json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
        features.append(
            f'{{"type":"Feature","id":"{ident}","properties":{head},"geometry":{geometry}}}'
        )

    for site in sites:
        point = _point(site["longitude"], site["latitude"])
        add(
            {
                "type": "site",
                "rang": site["rang"],
                "code": site["code"],
                "nom": site["nom"],
                "postes_couverts": site["postes_couverts"],
                "communes_servies": len(site["communes"]),
                "population_servie": site["population_servie"],
                "rayon_vol_oiseau_km": radius_km,
            },
            point,
            f"site-{site['rang']}",
        )
    for site in sites:
        for commune in site["communes"]:
            add(
                {
                    "type": "commune_servie",
                    "code": commune["code"],
                    "nom": commune["nom"],
                    "population": commune["population"],
                    "postes_servis": commune["postes"],
                    "site_rang": site["rang"],
                    "site_code": site["code"],
                },
                outlines.get(commune["code"]) or "null",
                f"commune-{commune['code']}",
            )
    for number, place in enumerate(places, start=1):
        add(
            {
                "type": "lieu_existant",
                "nom": place["nom"],
                "commune": place["commune"],
                "postes": place["postes"],
                "projet": place["projet"],
            },
            _point(place["longitude"], place["latitude"]),
            f"lieu-{number}",
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _point(longitude: float, latitude: float) -> str:
    return json.dumps({"type": "Point", "coordinates": [longitude, latitude]})


def as_dict(outcome: SitingOutcome) -> dict:
    """The JSON form of the API and of the page's download."""
    result = outcome.result
    return {
        "statut": result.status,
        "statut_libelle": siting.STATUS_LABELS.get(result.status, result.status),
        "ecart_optimalite": result.mip_gap,
        "duree_s": result.seconds,
        "demande": outcome.demand_source,
        "besoin_non_couvert_total": outcome.total_unmet,
        "besoin_couvert": float(result.covered),
        "part_couverte": float(result.covered_share),
        "sites": [
            {
                key: site[key]
                for key in (
                    "rang",
                    "code",
                    "nom",
                    "postes_couverts",
                    "latitude",
                    "longitude",
                    "population_servie",
                    "communes",
                )
            }
            for site in outcome.sites
        ],
        "candidats": int(outcome.candidate_codes.size),
        "chalandise": outcome.analysis.catchment.describe(),
    }
