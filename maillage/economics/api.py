"""/api/plans-affaires/: my plans, one plan with its results, compute without saving, save with
its version. Same permission rule as the pages: someone else's plan is 404."""

from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from pydantic import ConfigDict

from maillage.economics import selectors, services
from maillage.economics.document import MAX_LINES, document_input
from maillage.economics.engine import PlanResult, plan_compute
from maillage.economics.permissions import plan_for

router = Router(tags=["economics"])

Text = Field(max_length=200)
# Rates (occupancy, mix, fee share) are finite numbers: NaN and Infinity are 422, never stored.
Rate = Annotated[float, Field(allow_inf_nan=False, ge=-1000, le=1000)]
PoolKey = Literal["postes", "bureaux", "salles"]


class StrictSchema(Schema):
    """Unknown keys are refused (422), and no float may be NaN or infinite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CapacityIn(StrictSchema):
    pool: PoolKey
    libelle: str = Text
    unites: int


class ProductIn(StrictSchema):
    cle: str = Field(max_length=50)
    libelle: str = Text
    pool: PoolKey
    prix: int = Field(description="Prix unitaire HT en centimes")
    tva: int = Field(description="Taux de TVA en points de base (2000 = 20 %)")
    unites: int = Field(description="Unités vendues par an par unité de capacité à 100 %")
    mix: Rate = Field(description="Part de la capacité, de 0 à 1")


class AmountLineIn(StrictSchema):
    libelle: str = Text
    nature: str = Field(max_length=20)
    montants: list[int] = Field(max_length=15, description="Montant HT par année, en centimes")
    tva: int


class InvestmentIn(StrictSchema):
    libelle: str = Text
    montant: int
    tva: int
    premiere_annee: int
    duree: int


class FeeIn(StrictSchema):
    libelle: str = Text
    part: Rate
    tva: int


YearRates = Annotated[list[Rate], Field(max_length=15)]


class PoolsIn(StrictSchema):
    """Occupancy of one scenario: one rate (0 to 1) per year for each pool."""

    postes: YearRates | None = None
    bureaux: YearRates | None = None
    salles: YearRates | None = None


class OccupancyIn(StrictSchema):
    prudent: PoolsIn
    central: PoolsIn
    optimiste: PoolsIn


class PlanIn(StrictSchema):
    annees: int = Field(description="Durée du plan en années, 1 à 15")
    annee_debut: int
    assujetti_tva: bool
    capacites: list[CapacityIn] = Field(max_length=MAX_LINES)
    produits: list[ProductIn] = Field(max_length=MAX_LINES)
    occupation: OccupancyIn = Field(
        description="Scénario → capacité (postes, bureaux, salles) → taux par année"
    )
    recettes: list[AmountLineIn] = Field(default=[], max_length=MAX_LINES)
    charges: list[AmountLineIn] = Field(default=[], max_length=MAX_LINES)
    investissements: list[InvestmentIn] = Field(default=[], max_length=MAX_LINES)
    redevance: FeeIn | None = None


def _plan_document(payload: PlanIn) -> dict:
    """The document of a posted plan: pools left out of a scenario are not sent as null."""
    document = payload.dict()
    document["occupation"] = {
        scenario: {pool: rates for pool, rates in pools.items() if rates is not None}
        for scenario, pools in document["occupation"].items()
    }
    return document


class SaveIn(StrictSchema):
    version: int = Field(ge=0, le=2**31, description="La version lue ; refusée si elle a changé")
    hypotheses: PlanIn


class PlanSummaryOut(Schema):
    id: UUID
    nom: str
    objet: str
    lieu: UUID | None
    version: int
    modifie_le: str


class PlanYearOut(Schema):
    annee: int
    recettes: int
    charges: int
    resultat: int
    cumul: int
    occupation_equilibre: float | None


class PlanScenarioOut(Schema):
    scenario: str
    annee_point_mort: int | None
    annees: list[PlanYearOut]


class PlanOut(PlanSummaryOut):
    hypotheses: dict
    resultats: list[PlanScenarioOut]


class ComputedOut(Schema):
    resultats: list[PlanScenarioOut]


def _summary(plan) -> dict:
    return {
        "id": plan.public_id,
        "nom": plan.name,
        "objet": plan.subject,
        "lieu": plan.place.public_id if plan.place_id else None,
        "version": plan.version,
        "modifie_le": plan.updated_at.isoformat(),
    }


def _results(result: PlanResult | None) -> list[dict]:
    if result is None:
        return []
    return [
        {
            "scenario": scenario.value,
            "annee_point_mort": sr.break_even_year
            and sr.years[sr.break_even_year - 1].calendar_year,
            "annees": [
                {
                    "annee": y.calendar_year,
                    "recettes": y.revenues_cents,
                    "charges": y.charges_cents,
                    "resultat": y.balance_cents,
                    "cumul": y.cumulative_cents,
                    "occupation_equilibre": y.break_even_occupancy,
                }
                for y in sr.years
            ],
        }
        for scenario, sr in result.scenarios.items()
    ]


def _refused(errors: dict[str, str]) -> Status:
    return Status(
        422,
        {
            "detail": "Le plan comporte des erreurs.",
            "erreurs": [{"champ": path, "message": message} for path, message in errors.items()],
        },
    )


@router.get("", response=list[PlanSummaryOut], auth=django_auth, summary="Mes plans d'affaires")
def plan_list(request: HttpRequest):
    return [_summary(plan) for plan in selectors.plans_of(request.user)[:200]]


@router.post(
    "/calcul",
    response={200: ComputedOut, 422: dict},
    auth=django_auth,
    summary="Vérifier et calculer un plan sans l'enregistrer",
)
def plan_compute_only(request: HttpRequest, payload: PlanIn):
    plan_input, errors = document_input(_plan_document(payload))
    if errors:
        return _refused(errors)
    return {"resultats": _results(plan_compute(plan_input))}


@router.get(
    "/{plan_id}",
    response={200: PlanOut, 422: dict},
    auth=django_auth,
    summary="Un plan : hypothèses et résultats (montants en centimes) par scénario",
)
def plan_get(request: HttpRequest, plan_id: UUID, annee: int | None = None):
    plan = plan_for(request.user, plan_id)
    computed = selectors.plan_computed(plan)
    results = _results(computed.result)
    if annee is not None:
        calendar = [y["annee"] for y in results[0]["annees"]] if results else []
        if annee not in calendar:
            return _refused({"annee": "Cette année est en dehors du plan."})
        for item in results:
            item["annees"] = [y for y in item["annees"] if y["annee"] == annee]
    return _summary(plan) | {"hypotheses": plan.inputs, "resultats": results}


@router.put(
    "/{plan_id}",
    response={200: PlanOut, 409: dict, 422: dict},
    auth=django_auth,
    summary="Enregistrer les hypothèses (avec la version lue)",
)
def plan_save(request: HttpRequest, plan_id: UUID, payload: SaveIn):
    plan = plan_for(request.user, plan_id)
    try:
        plan = services.plan_save(
            actor=request.user,
            plan=plan,
            inputs=_plan_document(payload.hypotheses),
            version=payload.version,
        )
    except services.PlanRefused as refused:
        return _refused(refused.errors)
    except services.PlanConflict as conflict:
        return Status(409, {"detail": conflict.message, "version": conflict.current_version})
    computed = selectors.plan_computed(plan)
    return _summary(plan) | {"hypotheses": plan.inputs, "resultats": _results(computed.result)}
