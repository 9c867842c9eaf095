"""JSON API of the observatory (mounted at /api/observatoire): scenarios and results.

Results are public (they come from public data and the public directory). Saving a scenario and
running the siting optimisation need an account: the first writes, the second can hold a
worker for seconds. Bad parameters get a 422 naming the field, like the rest of the API.
"""

import hashlib
import json
from dataclasses import replace
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import Field

from maillage.core.compression import cached_response
from maillage.demand import published as demand_published
from maillage.demand.selectors import demand_table, territory_communes
from maillage.observatory import selectors, services, siting_run
from maillage.observatory.analysis import INDICATORS
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.forms import CatchmentForm, impact_parameters_from
from maillage.observatory.model import CommuneInputs
from maillage.observatory.scenarios import (
    FIELD_LABELS,
    PARAMETER_FIELDS,
    PUBLISHED_NAMES,
    TUPLE_FIELDS,
    Scenario,
    from_dict,
    scenario_copy,
    to_dict,
)
from maillage.observatory.siting_run import MAX_POPULATION_THRESHOLD
from maillage.observatory.svg import map_scheme
from maillage.observatory.uncertainty import uncertainty_bands
from maillage.places.permissions import is_coordinator

router = Router(tags=["Observatoire"])
RESULTS_CACHE_SECONDS = 600

Level = Literal["region", "departement", "epci"]
Code = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{2,9}$", description="ex. 28, 14, 200065597")]


class ErrorItem(Schema):
    champ: str
    emplacement: list[str]
    message: str


class ObservatoryErrorOut(Schema):
    detail: str
    erreurs: list[ErrorItem] = []


class ScenarioOut(Schema):
    nom: str
    libelle: str
    version: int
    horizon: int
    publie: bool
    origine: str
    parametres: dict
    sources: dict[str, str]


def _scenario_out(scenario: Scenario) -> dict:
    data = to_dict(scenario)
    return {
        "nom": scenario.name,
        "libelle": scenario.label,
        "version": scenario.version,
        "horizon": scenario.horizon,
        "publie": scenario.name in PUBLISHED_NAMES,
        "origine": scenario.based_on,
        "parametres": {key: data[key] for key in data if key not in _META},
        "sources": scenario.sources,
    }


_META = {"name", "label", "version", "based_on", "sources"}


def _refused(field: str, message: str, where: str = "query") -> Status:
    return Status(422, _refusal_body(field, message, where))


def _refusal_body(field: str, message: str, where: str) -> dict:
    return {
        "detail": message,
        "erreurs": [{"champ": field, "emplacement": [where, field], "message": message}],
    }


@router.get("/scenarios", response=list[ScenarioOut], summary="Scénarios publiés et enregistrés")
def scenario_list(request: HttpRequest):
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    return [_scenario_out(scenario) for scenario in catalogue.values()]


@router.get(
    "/scenarios/{nom}",
    response={200: ScenarioOut, 404: ObservatoryErrorOut},
    summary="Un scénario (dernière version)",
)
def scenario_detail(request: HttpRequest, nom: Path[Annotated[str, Field(max_length=60)]]):
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    if nom not in catalogue:
        raise Http404(f"Scénario introuvable : « {nom} ».")
    return _scenario_out(catalogue[nom])


class ScenarioIn(Schema):
    nom: Annotated[str, Field(min_length=1, max_length=60)]
    depuis: Annotated[str, Field(min_length=1, max_length=60)] = "tendanciel"
    libelle: Annotated[str, Field(max_length=120)] = ""
    parametres: dict = {}


@router.post(
    "/scenarios",
    auth=django_auth,
    response={201: ScenarioOut, 409: ObservatoryErrorOut, 422: ObservatoryErrorOut},
    summary="Enregistrer une copie modifiée d'un scénario",
    description="Chaque enregistrement d'un nom ajoute une version ; 409 si le nom appartient "
    "à quelqu'un d'autre ou si des enregistrements simultanés du même nom n'ont pu être "
    "départagés (enregistrer à nouveau).",
)
def scenario_create(request: HttpRequest, body: ScenarioIn):
    today = timezone.localdate()
    catalogue = selectors.scenario_catalogue(today=today)
    if body.depuis not in catalogue:
        return _refused("depuis", f"Scénario d'origine inconnu : « {body.depuis} ».", "body")
    unknown = sorted(set(body.parametres) - set(PARAMETER_FIELDS))
    if unknown:
        return _refused_parameter(unknown[0], f"Paramètre inconnu : « {unknown[0]} ».")
    for key, value in body.parametres.items():
        if not _readable_parameter(key, value):
            expected = "une liste de nombres" if key in TUPLE_FIELDS else "un nombre"
            return _refused_parameter(key, f"{FIELD_LABELS[key].capitalize()} : {expected}.")
    try:
        scenario = scenario_copy(
            catalogue[body.depuis],
            body.nom,
            today=today,
            label=body.libelle or body.nom,
            **body.parametres,
        )
        saved = services.scenario_save(user=request.user, scenario=scenario, today=today)
    except services.ScenarioConflict as error:
        return Status(409, _refusal_body(BODY_FIELDS["name"], error.message, "body"))
    except ObservatoryError as error:
        if error.field in BODY_FIELDS:
            return _refused(BODY_FIELDS[error.field], error.message, "body")
        return _refused_parameter(error.field, error.message)
    # The version this request stored (a concurrent save may already have added the next one).
    return Status(201, _scenario_out(from_dict(saved.data)))


# Scenario fields sent at the top of the body, under their French names; the others are in
# `parametres`.
BODY_FIELDS = {"name": "nom", "label": "libelle"}


def _readable_parameter(key: str, value) -> bool:
    def number(item) -> bool:
        return isinstance(item, int | float) and not isinstance(item, bool)

    if key in TUPLE_FIELDS:
        return isinstance(value, list) and all(number(item) for item in value)
    return number(value)


def _refused_parameter(field: str, message: str) -> Status:
    return Status(
        422,
        {
            "detail": message,
            "erreurs": [
                {"champ": field, "emplacement": ["body", "parametres", field], "message": message}
            ],
        },
    )


class AnalysisParams(Schema):
    """What every computation takes: the scenario and the catchment (see `CatchmentForm`)."""

    scenario: Annotated[str, Field(max_length=60)] = "tendanciel"
    mode: Literal["distance", "temps"] = "distance"
    rayon: float | None = None
    minutes: float | None = None
    detour: float | None = None
    vitesse: float | None = None
    projets: bool = False


class ResultsQuery(AnalysisParams):
    maille: Literal["communes", "epci"] = "epci"
    facteur_emission: float | None = Field(
        None, description="kgCO2e par km en voiture (défaut : ADEME, Base Carbone)"
    )
    cout_km: float | None = Field(
        None, description="euros par km en voiture pour le ménage (défaut : barème fiscal)"
    )


class IndicatorOut(Schema):
    cle: str
    libelle: str
    unite: str
    decimales: int = Field(
        description="décimales à afficher pour un lecteur (personnes et postes : 0) ; les "
        "valeurs de `valeurs` et `totaux` gardent toute leur précision"
    )
    description: str
    partie_de: str = Field(
        "",
        description="pour une part d'impact, la clé de l'impact total (ex. `km_evites` pour "
        "`km_evites_domicile`) ; vide sinon",
    )
    partie: Literal["", "domicile", "tiers_lieux"] = Field(
        "",
        description="« domicile » : jours de télétravail à domicile ; « tiers_lieux » : jours "
        "en tiers-lieu ; vide pour un total ou un indicateur sans parts",
    )


class RowOut(Schema):
    code: str
    nom: str
    population: float
    estimation_par_defaut: bool | int
    valeurs: dict[str, float] = Field(
        description="valeur de chaque indicateur, pleine précision, par clé. Chaque impact "
        "(`km_evites`, `co2_evite`, `co2_evite_net`, `heures_gagnees`, `euros_economises`) "
        "a deux parts, `<clé>_domicile` (télétravail à domicile) et `<clé>_tiers_lieux` "
        "(jours en tiers-lieu), dont la somme est le total"
    )
    couleurs: dict[str, str]


class LegendItem(Schema):
    couleur: str
    libelle: str


class BandOut(Schema):
    point: float = Field(description="estimation centrale du scénario (égale au total)")
    p10: float = Field(description="10e centile des totaux sur les tirages")
    p50: float = Field(description="médiane des totaux sur les tirages")
    p90: float = Field(description="90e centile des totaux sur les tirages")


class UncertaintyOut(Schema):
    tirages: int = Field(description="nombre de tirages (hypercube latin)")
    graine: int = Field(description="graine fixe : la même graine donne les mêmes bandes")
    totaux: dict[str, BandOut] = Field(
        description="bande P10–P90 du total du territoire pour `potentiel`, "
        "`teletravailleurs`, `usagers` et `postes`, quand les paramètres incertains du scénario "
        "varient dans leurs plages documentées (docs/observatory-model.md, « Incertitude ») ; "
        "pas un intervalle de confiance statistique. Pleine précision"
    )


class ResultsOut(Schema):
    territoire: dict
    scenario: ScenarioOut
    maille: str
    chalandise: str
    indicateurs: list[IndicatorOut]
    totaux: dict[str, float] = Field(
        description="totaux du territoire par indicateur, pleine précision ; les impacts ont "
        "leurs parts `<clé>_domicile` et `<clé>_tiers_lieux`"
    )
    legendes: dict[str, list[LegendItem]]
    lignes: list[RowOut]
    provenance: dict
    incertitude: UncertaintyOut = Field(
        description="incertitude des chiffres principaux du scénario (P10, P50, P90)"
    )


def _catchment(query: AnalysisParams):
    form = CatchmentForm(
        {
            key: value
            for key, value in {
                "mode": query.mode,
                "rayon": query.rayon,
                "minutes": query.minutes,
                "detour": query.detour,
                "vitesse": query.vitesse,
                "projets": query.projets or None,
            }.items()
            if value is not None
        }
    )
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        return None, _refused(field, messages[0])
    return form.cleaned_data["catchment"], None


@router.get(
    "/territoires/{echelon}/{code}/resultats",
    response={200: ResultsOut, 404: ObservatoryErrorOut, 422: ObservatoryErrorOut},
    summary="Résultats d'un scénario par commune ou par EPCI",
)
def results(
    request: HttpRequest, echelon: Path[Level], code: Path[Code], query: Query[ResultsQuery]
):
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    if query.scenario not in catalogue:
        return _refused("scenario", f"Scénario inconnu : « {query.scenario} ».")
    catchment, refusal = _catchment(query)
    if refusal:
        return refusal
    try:
        impacts = impact_parameters_from(
            emission_factor=query.facteur_emission, cost_per_km=query.cout_km
        )
    except ObservatoryError as error:
        return _refused(error.field, error.message)
    scenario = catalogue[query.scenario]
    # Read far more than the data changes: the key holds the scenario's values and the inputs'
    # version, so an edited place, an import or a new scenario version is a new key.
    key = (
        "observatory-results:"
        + hashlib.sha256(
            "|".join(
                [
                    echelon,
                    code.upper(),
                    query.model_dump_json(),
                    json.dumps(to_dict(scenario), sort_keys=True, default=str),
                    selectors.inputs_version(),
                ]
            ).encode()
        ).hexdigest()
    )
    # A region by commune is megabytes of JSON: gzipped when the client accepts it (public
    # data, so no secret for BREACH to guess).
    return cached_response(
        request,
        key=key,
        build=lambda: _results_body(echelon, code.upper(), query, scenario, catchment, impacts),
        content_type="application/json",
        seconds=RESULTS_CACHE_SECONDS,
    )


def _results_body(
    echelon: str, code: str, query: ResultsQuery, scenario, catchment, impacts
) -> bytes:
    """The results as JSON bytes, validated by their schema."""
    analysis, inside_inputs = selectors.analysis_with_inputs(
        level=echelon,
        code=code,
        scenarios=[scenario],
        catchment=catchment,
        include_projects=query.projets,
        impact_parameters=impacts,
    )
    values = analysis.outcomes[query.scenario].values
    if query.maille == "epci":
        names = analysis.epci_names()
        rows = [
            {
                "code": group,
                "nom": names.get(group, ""),
                "population": sums["population"],
                "estimation_par_defaut": sums["estimated"],
                "valeurs": {i.key: sums[i.key] for i in INDICATORS},
            }
            for group, sums in analysis.by_epci(query.scenario).items()
        ]
    else:
        rows = [
            {
                "code": code_,
                "nom": str(analysis.names[index]),
                "population": float(analysis.population[index]),
                "estimation_par_defaut": bool(analysis.estimated[index]),
                "valeurs": {key: float(array[index]) for key, array in values.items()},
            }
            for index, code_ in enumerate(analysis.codes.tolist())
        ]
    legends = {}
    for indicator in INDICATORS:
        # Class bounds keep a decimal for desks (« 0,2 à 0,5 »), shown elsewhere as integers.
        scheme = map_scheme(
            replace(indicator, decimals=indicator.legend_decimals),
            [row["valeurs"][indicator.key] for row in rows],
        )
        for row in rows:
            row.setdefault("couleurs", {})[indicator.key] = scheme.class_of(
                row["valeurs"][indicator.key]
            ).fill
        legends[indicator.key] = [
            {"couleur": item.fill, "libelle": item.label}
            for item in [*scheme.classes(), scheme.class_of(None)]
        ]
    body = {
        "territoire": {
            "echelon": analysis.area.level,
            "code": analysis.area.code,
            "nom": analysis.area.name,
        },
        "scenario": _scenario_out(scenario),
        "maille": query.maille,
        "chalandise": catchment.describe(),
        "indicateurs": [
            {
                "cle": i.key,
                "libelle": i.label,
                "unite": i.unit,
                "decimales": i.decimals,
                "description": i.description,
                "partie_de": i.part_of,
                "partie": i.part,
            }
            for i in INDICATORS
        ],
        "totaux": analysis.totals(query.scenario),
        "legendes": legends,
        "lignes": rows,
        "provenance": analysis.provenance,
        "incertitude": _uncertainty_out(inside_inputs, scenario),
    }
    validated = ResultsOut.model_validate(body).model_dump(mode="json")
    return json.dumps(validated, ensure_ascii=False).encode()


# Figures with a band (`uncertainty.FIGURES`) under their indicator keys.
_BAND_KEYS = {
    "potential": "potentiel",
    "teleworkers": "teletravailleurs",
    "users": "usagers",
    "desks": "postes",
}


def _uncertainty_out(inputs: CommuneInputs, scenario: Scenario) -> dict:
    """Bands of the territory's totals, default samples and seed (the same key, the same body)."""
    bands = uncertainty_bands(inputs, scenario)
    return {
        "tirages": bands.samples,
        "graine": bands.seed,
        "totaux": {
            _BAND_KEYS[key]: {"point": b.point, "p10": b.p10, "p50": b.p50, "p90": b.p90}
            for key, b in bands.totals.items()
        },
    }


class SitingIn(AnalysisParams):
    objectif: Literal["nombre", "part"] = "nombre"
    k: Annotated[int, Field(ge=1, le=200)] = 5
    part: Annotated[float, Field(gt=0, le=1)] = 0.8
    seuil_population: Annotated[int, Field(ge=0, le=MAX_POPULATION_THRESHOLD)] = 2000
    candidats: list[Annotated[str, Field(pattern=r"^[0-9][0-9ABab][0-9]{3}$")]] = []


class ServedCommuneOut(Schema):
    code: str
    nom: str
    population: float
    postes: float


class SiteOut(Schema):
    """A chosen site, ranked by the need it serves (rang 1 serves the most)."""

    rang: int
    code: str
    nom: str
    postes_couverts: float
    latitude: float
    longitude: float
    population_servie: float
    communes: list[ServedCommuneOut]


class SitingOut(Schema):
    statut: str
    statut_libelle: str
    ecart_optimalite: float | None
    duree_s: float
    besoin_non_couvert_total: float
    besoin_couvert: float
    part_couverte: float
    sites: list[SiteOut]
    candidats: int
    chalandise: str


@router.post(
    "/territoires/{echelon}/{code}/implantation",
    auth=django_auth,
    response={
        200: SitingOut,
        404: ObservatoryErrorOut,
        422: ObservatoryErrorOut,
        429: ObservatoryErrorOut,
    },
    summary="Où ouvrir : sites qui couvrent le plus de besoin non couvert",
)
def siting(request: HttpRequest, echelon: Path[Level], code: Path[Code], body: SitingIn):
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    if body.scenario not in catalogue:
        return _refused("scenario", f"Scénario inconnu : « {body.scenario} ».", "body")
    catchment, refusal = _catchment(body)
    if refusal:
        return refusal
    with siting_run.siting_slot(request.user) as free:
        if not free:
            return Status(429, {"detail": siting_run.BUSY_MESSAGE})
        try:
            outcome = siting_run.siting_for_territory(
                level=echelon,
                code=code.upper(),
                scenario=catalogue[body.scenario],
                catchment=catchment,
                include_projects=body.projets,
                objective=body.objectif,
                k=body.k,
                share=body.part,
                population_threshold=body.seuil_population,
                candidate_codes=body.candidats or None,
            )
        except ObservatoryError as error:
            return _refused(error.field, error.message, "body")
    return siting_run.as_dict(outcome)


@router.get(
    "/territoires/{echelon}/{code}/demande",
    auth=django_auth,
    response={200: dict, 404: ObservatoryErrorOut},
    summary="Demande exprimée par commune et par EPCI (coordination du réseau)",
)
def stated_demand(request: HttpRequest, echelon: Path[Level], code: Path[Code]):
    """People who stated a demand (form, surveys) per commune and EPCI; fewer than 3 people:
    « secret statistique » (None), with secondary suppression (decision 0031)."""
    if not is_coordinator(request.user):
        raise Http404("Demande exprimée réservée à la coordination du réseau.")
    spec, _name = selectors.territory_get(level=echelon, code=code)
    return demand_published.table_json(
        demand_table(
            commune_codes=territory_communes(commune_filter=spec.commune_filter, code=code)
        )
    )
