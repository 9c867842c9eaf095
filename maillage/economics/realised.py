"""« Réalisé »: what an existing place actually sold and how full it was, per calendar year of
its plan, beside the plan.

Revenue: the issued invoices of the place's seller (its operator's legal entity), credit notes
subtracted, HT, by year of issue. A line goes to a product of the plan when its unit says which
one without doubt (HUR → the one product of the rooms, MON → the one monthly product, DAY → the
one day product of the seats); anything else, or any doubt, goes to « autres ventes ».
Occupancy: booking/figures.py place_figures over the calendar year (seats and rooms).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from maillage.billing.models import Invoice, InvoiceLine
from maillage.booking.figures import place_figures
from maillage.economics.engine import PlanInput, PlanResult, Pool, Product, Scenario
from maillage.places.models import Place

OTHER_SALES = "autres-ventes"
OTHER_SALES_LABEL = "Autres ventes"


@dataclass
class RealisedYear:
    calendar_year: int
    revenue_cents: dict[str, int] = field(default_factory=dict)  # product key → HT
    seat_occupancy: float | None = None
    room_occupancy: float | None = None

    @property
    def total_cents(self) -> int:
        return sum(self.revenue_cents.values())


def _unit_products(plan: PlanInput) -> dict[str, str]:
    """Invoice unit code → product key, only where exactly one product fits."""

    def only(candidates: list[Product]) -> str | None:
        return candidates[0].key if len(candidates) == 1 else None

    products = plan.products
    found = {
        "HUR": only([p for p in products if p.pool == Pool.ROOMS]),
        "MON": only([p for p in products if p.units_per_capacity == 12]),
        "DAY": only(
            [p for p in products if p.pool == Pool.SEATS and 200 <= p.units_per_capacity <= 366]
        ),
    }
    return {unit: key for unit, key in found.items() if key}


def place_realised(
    place: Place, plan: PlanInput, *, today: date | None = None
) -> list[RealisedYear]:
    """One entry per plan year already begun (up to today), revenue and occupancy."""
    today = today or timezone.localdate()
    years = [y for y in range(plan.first_year, plan.first_year + plan.years) if y <= today.year]
    if not years:
        return []
    mapping = _unit_products(plan)
    out = {year: RealisedYear(year) for year in years}
    if place.operator_id is not None:
        sums = (
            InvoiceLine.objects.filter(
                invoice__seller__organisation_id=place.operator_id,
                invoice__status=Invoice.Status.ISSUED,
                invoice__issue_date__year__in=years,
            )
            .annotate(year=ExtractYear("invoice__issue_date"))
            .values("year", "unit", "invoice__kind")
            .annotate(net=Sum("net_cents"))
        )
        for row in sums:
            key = mapping.get(row["unit"], OTHER_SALES)
            sign = -1 if row["invoice__kind"] == Invoice.Kind.CREDIT_NOTE else 1
            revenue = out[row["year"]].revenue_cents
            revenue[key] = revenue.get(key, 0) + sign * row["net"]
    for year in years:
        last = min(date(year, 12, 31), today)
        report = place_figures(place, date(year, 1, 1), last, "month")
        out[year].seat_occupancy = report.scope.total.seat_occupancy
        out[year].room_occupancy = report.scope.total.occupancy
    return [out[year] for year in years]


def workbook_realised(plan: PlanInput, realised: list[RealisedYear]) -> dict:
    """The `realised` argument of workbook.plan_workbook (per plan year, 1-based)."""
    return {
        entry.calendar_year - plan.first_year + 1: {
            "recettes": dict(entry.revenue_cents),
            "occupation": {
                pool: rate
                for pool, rate in (
                    (Pool.SEATS, entry.seat_occupancy),
                    (Pool.ROOMS, entry.room_occupancy),
                )
                if rate is not None
            },
        }
        for entry in realised
    }


def realised_rows(plan: PlanInput, result: PlanResult, realised: list[RealisedYear]) -> dict:
    """The « réalisé » table: per product (then « autres ventes »), planned (central) and
    actual HT per calendar year already begun, then occupancy planned and actual."""
    central = result.scenarios[Scenario.CENTRAL]
    index = {entry.calendar_year: entry for entry in realised}
    years = list(index)
    rows = []
    for position, product in enumerate(plan.products):
        line = central.revenue_lines[position]
        rows.append(
            {
                "label": product.label,
                "cells": [
                    (line.ht_cents[y - plan.first_year], index[y].revenue_cents.get(product.key, 0))
                    for y in years
                ],
            }
        )
    rows.append(
        {
            "label": OTHER_SALES_LABEL,
            "cells": [(None, index[y].revenue_cents.get(OTHER_SALES, 0)) for y in years],
        }
    )
    occupancy = []
    for pool, attribute, label in (
        (Pool.SEATS, "seat_occupancy", "Occupation des postes"),
        (Pool.ROOMS, "room_occupancy", "Occupation des salles"),
    ):
        planned = plan.occupancy[Scenario.CENTRAL].get(pool)
        occupancy.append(
            {
                "label": label,
                "cells": [
                    (
                        planned[y - plan.first_year] if planned else None,
                        getattr(index[y], attribute),
                    )
                    for y in years
                ],
            }
        )
    return {"years": years, "revenues": rows, "occupancy": occupancy}
