"""The month table of an employer account: per employee, budget used (days, amount), days in
shared places and the commutes avoided (km, kg CO2e), measured the way the observatory measures
them (observatory.measured); the places and dates only for those who consent. The employee's
page shows their own row of this same table."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from maillage.booking.timeslots import local_day
from maillage.employers.models import Employee, Employer
from maillage.employers.selectors import (
    budget_label,
    days_label,
    days_used,
    month_bookings,
    person_name,
)
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.measured import DESK_KINDS, km_avoided_per_trip


@dataclass(frozen=True)
class Visit:
    """One booking, shown only when the employee shares the details."""

    place: str
    day: date


@dataclass(frozen=True)
class EmployeeMonth:
    """One employee's month as the employer sees it: figures only, unless they consent."""

    employee: Employee
    name: str
    budget: str
    days: Decimal
    cents: int
    shared_days: int
    km: float
    co2_kg: float
    visits: tuple[Visit, ...] | None

    @property
    def days_text(self) -> str:
        return days_label(self.days)


def _km_per_booking(rows: list[tuple]) -> np.ndarray:
    """Km avoided by each booking's commute, as observatory.measured counts a trip (round trip,
    road detour, nothing when the place is farther than the usual workplace, 0 when a commune
    is missing); rows end with place lat/lon, home lat/lon, work lat/lon."""
    if not rows:
        return np.zeros(0)
    coords = np.array(
        [[np.nan if v is None else v for v in row[-6:]] for row in rows], dtype=np.float64
    ).T
    return km_avoided_per_trip(coords)


def month_table(
    employer: Employer, month: date, *, employee: Employee | None = None
) -> list[EmployeeMonth]:
    """The employer's month, one row per employee (by name); `employee` restricts it to one
    person, for their own page. Two queries whatever the number of employees.

    Km and CO2e: desk bookings on working days, one trip per person and day (the longest saving
    of that day), from the home and work communes the booking copied; CO2e with the
    observatory's default car share and emission factor."""
    people = Employee.objects.select_related("user").filter(employer=employer)
    if employee is not None:
        people = people.filter(pk=employee.pk)
    people = list(people)
    rows = list(
        month_bookings(month)
        .filter(employee__in=[p.pk for p in people])
        .order_by("starts_at", "id")
        .values_list(
            "employee_id",
            "starts_at",
            "unit",
            "price_cents",
            "place__name",
            "resource__kind",
            "place__latitude",
            "place__longitude",
            "home_commune__centroid_lat",
            "home_commune__centroid_lon",
            "work_commune__centroid_lat",
            "work_commune__centroid_lon",
        )
    )
    km = _km_per_booking(rows)
    params = ImpactParameters()
    per_person: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        per_person[row[0]].append(index)
    table = []
    for person in people:
        mine = [rows[i] for i in per_person[person.pk]]
        best: dict[date, float] = {}
        for i in per_person[person.pk]:
            day = local_day(rows[i][1])
            if rows[i][5] in DESK_KINDS and day.weekday() < 5:
                best[day] = max(best.get(day, 0.0), float(km[i]))
        total_km = sum(best.values())
        table.append(
            EmployeeMonth(
                employee=person,
                name=person_name(person.user),
                budget=budget_label(person.budget_unit, person.monthly_budget),
                days=days_used((r[1], r[2]) for r in mine),
                cents=sum(r[3] for r in mine),
                shared_days=len({local_day(r[1]) for r in mine}),
                km=round(total_km, 1),
                co2_kg=round(total_km * params.car_share * params.emission_factor, 1),
                visits=tuple(Visit(r[4], local_day(r[1])) for r in mine)
                if person.shares_details
                else None,
            )
        )
    table.sort(key=lambda row: (row.name.lower(), row.employee.pk))
    return table


TABLE_HEADER = (
    "Salarié",
    "Budget",
    "Jours utilisés",
    "Montant (€ TTC)",
    "Jours en tiers-lieu",
    "Km évités",
    "CO2e évité (kg)",
    "Lieux et dates (si la personne les partage)",
)


def table_rows(table: list[EmployeeMonth]) -> list[list]:
    """The month table as export rows (numbers as numbers)."""
    return [
        [
            row.name,
            row.budget,
            float(row.days),
            row.cents / 100,
            row.shared_days,
            row.km,
            row.co2_kg,
            "; ".join(f"{v.place} ({v.day.isoformat()})" for v in row.visits)
            if row.visits is not None
            else "",
        ]
        for row in table
    ]
