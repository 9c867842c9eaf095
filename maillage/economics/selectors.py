"""Reads on business plans: the computed P&L laid out for the page, the CSV and the API."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import mark_safe

from maillage.economics.document import document_input
from maillage.economics.engine import (
    SCENARIO_LABELS,
    Line,
    PlanInput,
    PlanResult,
    Scenario,
    ScenarioResult,
    plan_compute,
)
from maillage.economics.models import BusinessPlan
from maillage.economics.permissions import visible_plans
from maillage.observatory.svg.charts import bars


def plans_of(user) -> QuerySet[BusinessPlan]:
    """The plans `user` sees, newest change first."""
    return visible_plans(user)


@dataclass(frozen=True)
class Computed:
    plan: PlanInput | None
    result: PlanResult | None
    errors: dict[str, str]


def plan_computed(plan: BusinessPlan) -> Computed:
    """The engine's input and result of a stored plan (errors only if the engine changed)."""
    plan_input, errors = document_input(plan.inputs)
    if plan_input is None:
        return Computed(None, None, errors)
    return Computed(plan_input, plan_compute(plan_input), {})


def _ttc(line: Line) -> list[int]:
    return [ht + vat for ht, vat in zip(line.ht_cents, line.vat_cents, strict=True)]


def scenario_table(result: ScenarioResult) -> dict:
    """One scenario's P&L as rows (label, kind, amounts counted per year) for a template."""
    return {
        "scenario": result.scenario.value,
        "label": SCENARIO_LABELS[result.scenario],
        "revenues": [
            {
                "label": line.label,
                "kind": line.kind,
                "counted": list(line.counted_cents),
                "ttc": _ttc(line),
            }
            for line in result.revenue_lines
        ],
        "charges": [
            {
                "label": line.label,
                "kind": line.kind,
                "counted": list(line.counted_cents),
                "ttc": _ttc(line),
            }
            for line in result.charge_lines
        ],
        "revenues_total": [y.revenues_cents for y in result.years],
        "revenues_ttc": [
            sum(_ttc(line)[index] for line in result.revenue_lines)
            for index in range(len(result.years))
        ],
        "charges_total": [y.charges_cents for y in result.years],
        "balance": [y.balance_cents for y in result.years],
        "cumulative": [y.cumulative_cents for y in result.years],
        "break_even_occupancy": [y.break_even_occupancy for y in result.years],
        "break_even_year": result.break_even_year,
        "break_even_calendar": (
            result.years[result.break_even_year - 1].calendar_year
            if result.break_even_year
            else None
        ),
    }


def comparison(result: PlanResult) -> list[dict]:
    """The three scenarios side by side: revenues, charges, balance, cumulative per year."""
    return [scenario_table(result.scenarios[s]) for s in Scenario]


def balance_chart(plan: PlanInput, result: PlanResult) -> str:
    """Balance per year and scenario as an accessible SVG (with its text alternative)."""
    labels = [str(plan.first_year + y) for y in range(plan.years)]
    series = {
        SCENARIO_LABELS[s]: [y.balance_cents / 100 for y in result.scenarios[s].years]
        for s in Scenario
    }
    return mark_safe(
        bars(
            labels,
            series,
            title="Résultat de l'année par scénario",
            unit="€",
            decimals=0,
            ident="plan-resultat",
            description="Résultat (recettes moins charges) de chaque année, par scénario.",
        )
    )


def csv_rows(plan: PlanInput, result: PlanResult) -> tuple[list[str], list[list]]:
    """Every line of every scenario, amounts in euros: counted, HT and TTC per year."""
    years = [plan.first_year + y for y in range(plan.years)]
    header = ["scénario", "section", "ligne", "nature", "montant", *[str(y) for y in years]]
    rows: list[list] = []
    for scenario in Scenario:
        sr = result.scenarios[scenario]
        name = SCENARIO_LABELS[scenario]
        for section, lines in (("recettes", sr.revenue_lines), ("charges", sr.charge_lines)):
            for line in lines:
                rows.append([name, section, line.label, line.kind, "HT", *_euros(line.ht_cents)])
                rows.append([name, section, line.label, line.kind, "TTC", *_euros(_ttc(line))])
                rows.append(
                    [name, section, line.label, line.kind, "compté", *_euros(line.counted_cents)]
                )
        for label, values in (
            ("total des recettes", [y.revenues_cents for y in sr.years]),
            ("total des charges", [y.charges_cents for y in sr.years]),
            ("résultat", [y.balance_cents for y in sr.years]),
            ("résultat cumulé", [y.cumulative_cents for y in sr.years]),
        ):
            rows.append([name, "synthèse", label, "", "compté", *_euros(values)])
    return header, rows


def _euros(cents) -> list[str]:
    return [f"{c / 100:.2f}" for c in cents]
