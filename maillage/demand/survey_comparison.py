"""One survey's stated demand beside the model's estimate, for the communes it reached.

The observatory's territory page compares all statements (form and surveys) with the model;
here only the answers of one survey count, so a coordinator can read what that survey says.
Same figures as `selectors.demand_table` (confirmed « oui » answers, desks-equivalent = days ÷
5, « peut-être » counted apart), same model figure as the territory page (the model's `postes`
of `observatory.selectors.analysis_run`, published scenario « actuel »: today's practices, this
year's horizon), same secrecy: a commune with fewer than MIN_PEOPLE people is hidden, and since
the survey's total is shown, `selectors.hidden_codes` hides another one while the hidden
communes could be found by subtracting the visible ones from the total.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum

from maillage.core.tables import Sheet
from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.demand.models import SurveyImport, Willingness
from maillage.demand.selectors import (
    DESK_DAYS,
    SECRET_HINT,
    SECRET_LABEL,
    counted_statements,
    hidden_codes,
)
from maillage.observatory import selectors as observatory_selectors
from maillage.observatory.catchment import Catchment
from maillage.observatory.forms import DEFAULT_RADIUS_KM
from maillage.observatory.measured import MIN_PEOPLE
from maillage.observatory.scenarios import PUBLISHED_NAMES, Scenario
from maillage.territory.models import Commune

# The territory page's default scenario: « Pratiques actuelles », horizon = the current year.
SCENARIO = PUBLISHED_NAMES[0]
_SURVEY_GROUP = "enquete"  # every commune of the survey adds up to the one published total


@dataclass(frozen=True)
class ComparisonRow:
    """A commune (or the survey's total): None where secret (`people`/`days` together)."""

    code: str
    name: str
    people: int | None
    maybe: int | None
    days: int | None
    model: float | None  # the model's desks needed; None if the model has no figure

    @property
    def secret(self) -> bool:
        return self.people is None

    @property
    def desks(self) -> float | None:
        return None if self.days is None else self.days / DESK_DAYS

    @property
    def ratio(self) -> float | None:
        """Stated desks-equivalent over the model's desks (None if secret or no model)."""
        if self.desks is None or not self.model:
            return None
        return self.desks / self.model


@dataclass(frozen=True)
class SurveyComparison:
    rows: list[ComparisonRow]  # communes with a « oui » or « peut-être » answer, by name
    total: ComparisonRow
    scenario_label: str
    horizon: int
    unmodelled: int  # communes the model has no figure for (no centroid)
    min_people: int = MIN_PEOPLE


def model_desks(codes: Collection[str], *, today: date) -> tuple[dict[str, float], Scenario]:
    """The model's desks needed per commune code, and the scenario used: the territory page's
    own computation (`analysis_run` of each département concerned, default catchment), so both
    pages give the same figure for a commune."""
    scenario = observatory_selectors.scenario_catalogue(today=today)[SCENARIO]
    wanted = set(codes)
    departements = sorted(
        set(
            Commune.objects.filter(code__in=wanted)
            .values_list("departement__code", flat=True)
            .distinct()
        )
    )
    desks: dict[str, float] = {}
    for departement in departements:
        analysis = observatory_selectors.analysis_run(
            level="departement",
            code=departement,
            scenarios=[scenario],
            catchment=Catchment(radius_km=DEFAULT_RADIUS_KM),
        )
        values = analysis.outcomes[scenario.name].values["postes"]
        for code, value in zip(analysis.codes.tolist(), values.tolist(), strict=True):
            if code in wanted:
                desks[str(code)] = float(value)
    return desks, scenario


def survey_comparison(survey: SurveyImport, *, today: date) -> SurveyComparison:
    """The survey's stated demand per commune and in total beside the model (module doc)."""
    counted = (
        counted_statements()
        .filter(survey=survey)
        .values("commune__code", "commune__name")
        .annotate(
            people=Count("pk", filter=Q(willingness=Willingness.YES)),
            maybe=Count("pk", filter=Q(willingness=Willingness.MAYBE)),
            days=Sum("days_per_week", filter=Q(willingness=Willingness.YES)),
        )
        .order_by("commune__name", "commune__code")
    )
    figures = {row["commune__code"]: row for row in counted}
    groups = dict.fromkeys(figures, _SURVEY_GROUP)
    hidden_yes = hidden_codes({code: row["people"] for code, row in figures.items()}, groups)
    hidden_maybe = hidden_codes({code: row["maybe"] for code, row in figures.items()}, groups)
    model, scenario = model_desks(figures, today=today)
    rows = [
        ComparisonRow(
            code=code,
            name=row["commune__name"],
            people=None if code in hidden_yes else row["people"],
            maybe=None if code in hidden_maybe else row["maybe"],
            days=None if code in hidden_yes else row["days"] or 0,
            model=model.get(code),
        )
        for code, row in figures.items()
    ]
    people = sum(row["people"] for row in figures.values())
    maybe = sum(row["maybe"] for row in figures.values())
    total_secret = 0 < people < MIN_PEOPLE
    total = ComparisonRow(
        code="",
        name="Total de l'enquête",
        people=None if total_secret else people,
        maybe=None if 0 < maybe < MIN_PEOPLE else maybe,
        days=None if total_secret else sum(row["days"] or 0 for row in figures.values()),
        model=sum(model.values()) if model else None,
    )
    return SurveyComparison(
        rows=rows,
        total=total,
        scenario_label=scenario.label or scenario.name,
        horizon=scenario.horizon,
        unmodelled=sum(1 for code in figures if code not in model),
    )


def _number(value: float) -> str:
    """« 12 », « 4,2 », « 0,4 »: one decimal, none when it is 0."""
    rounded = round(value, 1)
    return french_decimal(rounded, 0 if rounded == int(rounded) else 1)


def _desks_text(value: float) -> str:
    """« 12 postes », « 4,2 postes », « 1,5 poste » (French plural from 2)."""
    return f"{_number(value)} poste{'s' if round(value, 1) >= 2 else ''}"


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else french_decimal(ratio * 100, 0) + " %"


def reading(comparison: SurveyComparison) -> str:
    """The short French sentence under the table."""
    total = comparison.total
    if not comparison.rows:
        return "Aucune réponse « oui » ou « peut-être » dans cette enquête : rien à comparer."
    if total.secret:
        return (
            f"Moins de {comparison.min_people} répondants prêts à utiliser un lieu : le total "
            "est en secret statistique."
        )
    if not total.model:
        return (
            f"Les répondants expriment {_desks_text(total.desks)} ; le modèle n'estime aucun "
            "poste pour ces communes."
        )
    return (
        f"Les répondants expriment {_desks_text(total.desks)} là où le modèle en estime "
        f"{_number(total.model)} : {_percent(total.ratio)}."
    )


def _display_row(row: ComparisonRow) -> dict:
    secret = f"{SECRET_LABEL} ({SECRET_HINT})"
    return {
        "code": row.code,
        "name": row.name,
        "secret": row.secret,
        "people": secret if row.people is None else str(row.people),
        "maybe": secret if row.maybe is None else str(row.maybe),
        "desks": secret if row.desks is None else french_decimal(row.desks, 1),
        "model": "non estimé" if row.model is None else french_decimal(row.model, 1),
        "ratio": secret if row.secret else _percent(row.ratio),
        "ratio_value": row.ratio,
    }


def display(comparison: SurveyComparison) -> dict:
    """The survey page's section, numbers written the French way."""
    return {
        "rows": [_display_row(row) for row in comparison.rows],
        "total": _display_row(comparison.total),
        "reading": reading(comparison),
        "scenario_label": comparison.scenario_label,
        "horizon": comparison.horizon,
        "unmodelled": comparison.unmodelled,
        "min_people": comparison.min_people,
    }


HEADER = [
    "Code commune",
    "Commune",
    "Personnes (oui)",
    "Peut-être",
    "Postes-équivalents déclarés (jours / 5)",
    "Postes nécessaires selon le modèle",
    "Déclarés / modèle (%)",
    "Secret statistique",
]


def export_rows(comparison: SurveyComparison) -> list[list]:
    """Communes then the total; empty cells where secret, « oui » in the last column."""
    out = []
    for row in [*comparison.rows, comparison.total]:
        out.append(
            [
                row.code,
                row.name,
                row.people,
                row.maybe,
                row.desks,
                row.model,
                None if row.ratio is None else round(row.ratio * 100, 1),
                "oui" if row.secret else "non",
            ]
        )
    return out


def export_sheets(comparison: SurveyComparison) -> Sequence[Sheet]:
    return [Sheet("Comparaison avec le modèle", HEADER, export_rows(comparison))]
