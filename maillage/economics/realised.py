"""« Réalisé »: what an existing place actually sold and how full it was, per calendar year of
its plan, beside the plan.

Revenue: the issued invoice lines of the place's operator (its legal entities), credit notes
subtracted, HT, by year of issue, that belong to THIS place: a line for a booking of one of its
resources or for one of its own passes. A line tied to nothing (a coffee, a hand-made line, a
network pass) is the place's only when its operator runs no other place; otherwise it cannot be
split between the places and is shown apart (« ventes de l'organisation non rattachées »), never
added to the place's sales. A line goes to a product of the plan when its unit says which one
without doubt (HUR → the one product of the rooms, MON → the one monthly product, DAY → the one
day product of the seats); anything else, or any doubt, goes to « autres ventes ».
Occupancy: booking/figures.py place_figures over the calendar year, per kind of resource: the
seats (open spaces), the rooms (meeting and visio rooms) and the closed offices; equipment is
left out.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from maillage.billing.models import Invoice, InvoiceLine
from maillage.booking.figures import Report, place_figures
from maillage.booking.models import Resource
from maillage.economics.engine import PlanInput, PlanResult, Pool, Product, Scenario
from maillage.places.models import Place

OTHER_SALES = "autres-ventes"
OTHER_SALES_LABEL = "Autres ventes"
UNATTRIBUTED_LABEL = "Ventes de l'organisation non rattachées à un lieu (non comptées dans ce lieu)"
ROOM_KINDS = (Resource.Kind.MEETING_ROOM, Resource.Kind.VISIO_ROOM)


@dataclass
class RealisedYear:
    calendar_year: int
    revenue_cents: dict[str, int] = field(default_factory=dict)  # product key → HT
    seat_occupancy: float | None = None
    room_occupancy: float | None = None
    office_occupancy: float | None = None
    # Sales of the operator tied to no place, when it runs several places: shown apart, HT.
    unattributed_cents: int = 0
    until: date | None = None  # the last day counted (today for the current year)

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
    out = {year: RealisedYear(year, until=min(date(year, 12, 31), today)) for year in years}
    if place.operator_id is not None:
        _add_sales(place, out, mapping)
    for year in years:
        report = place_figures(place, date(year, 1, 1), out[year].until, "month")
        out[year].seat_occupancy = report.scope.total.seat_occupancy
        out[year].room_occupancy = _kind_occupancy(report, ROOM_KINDS)
        out[year].office_occupancy = _kind_occupancy(report, (Resource.Kind.OFFICE,))
    return [out[year] for year in years]


def _add_sales(place: Place, out: dict[int, RealisedYear], mapping: dict[str, str]) -> None:
    """The place's invoice lines into `out`; the operator's unattached lines apart."""
    own = Q(booking__resource__place=place) | Q(pass_ref__place=place)
    unattached = Q(booking__isnull=True) & (Q(pass_ref__isnull=True) | Q(pass_ref__place=None))
    only_place = (
        not Place.objects.filter(operator_id=place.operator_id).exclude(pk=place.pk).exists()
    )
    sums = (
        InvoiceLine.objects.filter(
            invoice__seller__organisation_id=place.operator_id,
            invoice__status=Invoice.Status.ISSUED,
            invoice__issue_date__year__in=list(out),
        )
        .filter(own | unattached)
        .annotate(
            year=ExtractYear("invoice__issue_date"),
            attached=ExpressionWrapper(
                Q(booking__isnull=False) | Q(pass_ref__place__isnull=False),
                output_field=BooleanField(),
            ),
        )
        .values("year", "unit", "invoice__kind", "attached")
        .annotate(net=Sum("net_cents"))
    )
    for row in sums:
        sign = -1 if row["invoice__kind"] == Invoice.Kind.CREDIT_NOTE else 1
        entry = out[row["year"]]
        if not row["attached"] and not only_place:
            entry.unattributed_cents += sign * row["net"]
            continue
        key = mapping.get(row["unit"], OTHER_SALES)
        entry.revenue_cents[key] = entry.revenue_cents.get(key, 0) + sign * row["net"]


def _kind_occupancy(report: Report, kinds) -> float | None:
    """Booked over open hours of the place's resources of these kinds (None: none open)."""
    lines = [line for line in report.lines if line.resource and line.resource.kind in kinds]
    opened = sum(line.total.room_open_seconds for line in lines)
    if not opened:
        return None
    return sum(line.total.room_booked_seconds for line in lines) / opened


def workbook_realised(plan: PlanInput, realised: list[RealisedYear]) -> dict:
    """The `realised` argument of workbook.plan_workbook (per plan year, 1-based)."""
    return {
        entry.calendar_year - plan.first_year + 1: {
            "recettes": dict(entry.revenue_cents),
            "occupation": {
                pool: rate
                for pool, rate in (
                    (Pool.SEATS, entry.seat_occupancy),
                    (Pool.OFFICES, entry.office_occupancy),
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
    if any(index[y].unattributed_cents for y in years):
        rows.append(
            {
                "label": UNATTRIBUTED_LABEL,
                "cells": [(None, index[y].unattributed_cents) for y in years],
            }
        )
    occupancy = []
    for pool, attribute, label in (
        (Pool.SEATS, "seat_occupancy", "Occupation des postes"),
        (Pool.OFFICES, "office_occupancy", "Occupation des bureaux fermés"),
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
    headings = [
        str(y)
        if index[y].until is None or (index[y].until.month == 12 and index[y].until.day == 31)
        else f"{y} au {index[y].until:%d/%m/%Y}"
        for y in years
    ]
    return {"years": years, "headings": headings, "revenues": rows, "occupancy": occupancy}
