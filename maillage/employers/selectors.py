"""Reading employer accounts: the admin's chokepoint (404 for others), what an employee has used
of their monthly budget, and the month table the employer sees — the same rows the employee
sees about themselves (« Ce que voit mon employeur »).

Days are Europe/Paris calendar days. A booking counts for the budget while it is active
(confirmed or offered), so a cancellation gives the budget back. Days used: a day booking is one
day, a half-day or a booking by the hour half a day, and one local day never counts for more than
one (two half-days make a day).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.billing.amounts import euros
from maillage.booking.bounds import id_from_text
from maillage.booking.models import Booking, Payment, Resource, Unit
from maillage.booking.timeslots import local_day
from maillage.employers.models import BudgetUnit, Employee, Employer, EmployerInvoice, Invitation
from maillage.places.opening_hours import PARIS

DESKS = {Resource.Kind.OPEN_SPACE, Resource.Kind.OFFICE}
ROOMS = {Resource.Kind.MEETING_ROOM, Resource.Kind.VISIO_ROOM}
ONE = Decimal(1)
HALF = Decimal("0.5")


def employer_for_admin(user, public_id) -> Employer:
    """The employer account if the user administers it; the same 404 as for an unknown id."""
    employer = None
    if user.is_authenticated and user.is_active:
        employer = (
            Employer.objects.select_related("entity")
            .filter(public_id=public_id, admins=user)
            .first()
        )
    if employer is None:
        raise Http404("Compte employeur introuvable.")
    return employer


def employer_accounts(user) -> list[Employer]:
    if not user.is_authenticated:
        return []
    return list(Employer.objects.select_related("entity").filter(admins=user).order_by("id"))


def employee_of_employer(employer: Employer, public_id) -> Employee:
    employee = (
        Employee.objects.select_related("user", "allowed_departement", "allowed_epci")
        .filter(employer=employer, public_id=public_id)
        .first()
    )
    if employee is None:
        raise Http404("Salarié introuvable.")
    return employee


def employments(user) -> list[Employee]:
    """The person's employer accounts, active first (the page « Mon employeur »)."""
    if not user.is_authenticated:
        return []
    return list(
        Employee.objects.select_related("employer__entity", "user")
        .filter(user=user)
        .order_by("status", "-joined_at", "-id")
    )


def month_first(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_span(month: date) -> tuple[datetime, datetime]:
    """The instants bounding the local month (midnight exists every day in Paris)."""
    first = month_first(month)
    return (
        datetime.combine(first, time.min, tzinfo=PARIS),
        datetime.combine(next_month(first), time.min, tzinfo=PARIS),
    )


def month_bookings(month: date) -> QuerySet[Booking]:
    """Active bookings paid by an employer that start in the local month."""
    start, end = month_span(month)
    return Booking.objects.filter(
        payment=Payment.EMPLOYER,
        status__in=Booking.ACTIVE,
        starts_at__gte=start,
        starts_at__lt=end,
    )


def days_used(rows: Iterable[tuple[datetime, str]]) -> Decimal:
    """Days of budget used by (starts_at, unit) pairs: see the module docstring."""
    per_day: dict[date, Decimal] = defaultdict(Decimal)
    for starts_at, unit in rows:
        per_day[local_day(starts_at)] += ONE if unit == Unit.DAY else HALF
    return sum((min(ONE, value) for value in per_day.values()), Decimal(0))


@dataclass(frozen=True)
class Spent:
    days: Decimal
    cents: int

    def in_unit(self, unit: str) -> Decimal | int:
        return self.days if unit == BudgetUnit.DAYS else self.cents


def employee_spent(employee: Employee, month: date) -> Spent:
    rows = list(
        month_bookings(month)
        .filter(employee=employee)
        .values_list("starts_at", "unit", "price_cents")
    )
    return Spent(
        days=days_used((start, unit) for start, unit, _ in rows),
        cents=sum(price for _, _, price in rows),
    )


def days_label(days: Decimal) -> str:
    """2 → « 2 jours », 0.5 → « 0,5 jour », 1 → « 1 jour »."""
    text = f"{days.normalize():f}".replace(".", ",")
    return f"{text} jour" + ("s" if days >= 2 else "")


def budget_label(unit: str, amount: int) -> str:
    if unit == BudgetUnit.DAYS:
        return f"{days_label(Decimal(amount))} par mois"
    return f"{euros(amount)} par mois"


def person_name(user) -> str:
    return user.get_full_name() or user.display_name or user.email


def employer_invoices(employer: Employer) -> list[EmployerInvoice]:
    return list(
        EmployerInvoice.objects.select_related("invoice")
        .filter(employer=employer)
        .order_by("-month")
    )


def pending_invitations(employer: Employer, now: datetime) -> QuerySet:
    return employer.invitations.filter(
        Q(accepted_at__isnull=True), Q(revoked_at__isnull=True), Q(expires_at__gt=now)
    ).order_by("email")


def pending_invitation(employer: Employer, invitation_id) -> Invitation:
    """An invitation of this employer not yet accepted nor withdrawn; 404 otherwise (an unknown
    or another account's id, rather than « Invitation retirée » for nothing)."""
    pk = id_from_text(str(invitation_id))
    invitation = (
        pk
        and employer.invitations.filter(
            pk=pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).first()
    )
    if invitation is None:
        raise Http404("Invitation introuvable ou déjà retirée.")
    return invitation


# --- paying a booking ------------------------------------------------------------------------


def outside_rules(employee: Employee, resource: Resource) -> str:
    """Why this resource is outside the employee's rules ('' when it is inside)."""
    place = resource.place
    if resource.kind in ROOMS and not employee.rooms_included:
        return "Votre employeur ne prend pas en charge les salles de réunion."
    if resource.kind not in DESKS | ROOMS:
        return "Votre employeur prend en charge les postes, bureaux et salles, pas l'équipement."
    if (
        employee.allowed_places.exists()
        and not employee.allowed_places.filter(pk=place.pk).exists()
    ):
        return "Ce lieu ne fait pas partie des lieux pris en charge par votre employeur."
    if employee.allowed_departement_id:
        departement_id = place.commune.departement_id
        if departement_id != employee.allowed_departement_id:
            return "Ce lieu est hors du département pris en charge par votre employeur."
    if employee.allowed_epci_id and place.commune.epci_id != employee.allowed_epci_id:
        return "Ce lieu est hors de l'intercommunalité prise en charge par votre employeur."
    return ""


def employee_for_booking(user) -> Employee | None:
    """The active employment that pays: the most recent one if a person has several."""
    if not user.is_authenticated:
        return None
    return (
        Employee.objects.filter(user=user, status=Employee.Status.ACTIVE)
        .order_by("-joined_at", "-id")
        .first()
    )


def employer_may_pay(user, resource: Resource) -> bool:
    """Offer « payé par mon employeur » on the booking page (the rules, not the budget)."""
    employee = employee_for_booking(user)
    return employee is not None and not outside_rules(employee, resource)
