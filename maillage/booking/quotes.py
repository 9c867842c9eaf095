"""What a booking will cost, for each way the person can pay, shown before they confirm.

The figures come from the functions the booking service charges with (`price_cents`,
`pass_units_needed`, the employer's month spent), so the page cannot announce one price and the
booking record another (issue 13 point 6)."""

from decimal import Decimal

from maillage.booking.errors import BookingError
from maillage.booking.models import Payment, Resource
from maillage.booking.services import (
    BookingRequest,
    booking_span,
    pass_units_needed,
    price_cents,
)
from maillage.booking.templatetags.booking_tags import euros
from maillage.booking.timeslots import SLOT_UNIT, local_day
from maillage.employers.models import BudgetUnit
from maillage.employers.selectors import (
    days_label,
    employee_for_booking,
    employee_spent,
    month_first,
)


def _units(count: int) -> str:
    return f"{count} unité{'s' if count > 1 else ''}"


def _employer_text(user, price: int, starts_at) -> str:
    employee = employee_for_booking(user)
    if employee is None:
        return f"payé par mon employeur : {euros(price)}"
    spent = employee_spent(employee, month_first(local_day(starts_at)))
    if employee.budget_unit == BudgetUnit.DAYS:
        left = max(Decimal(employee.monthly_budget) - spent.days, Decimal(0))
        rest = days_label(left)
    else:
        rest = euros(max(employee.monthly_budget - spent.cents, 0))
    return f"payé par mon employeur : {euros(price)} (reste ce mois-ci : {rest})"


def payment_labels(
    user, resource: Resource, request: BookingRequest, payments: list[str], passes
) -> dict[str, str]:
    """Label per payment choice with its cost for this request; {} when the request itself is
    not bookable (its own error is shown when confirming)."""
    try:
        starts_at, ends_at = booking_span(resource, request)
    except BookingError:
        return {}
    unit = SLOT_UNIT[request.slot]
    price = price_cents(resource, unit, starts_at, ends_at, request.seats)
    labels = {}
    for payment in payments:
        if payment == Payment.ON_SITE:
            labels[payment] = f"à régler au lieu : {euros(price)}"
        elif payment == Payment.PLAN:
            labels[payment] = "mon abonnement : compris"
        elif payment == Payment.PASS and unit != "hour":
            needed = sorted({pass_units_needed(held.unit, unit, request.seats) for held in passes})
            labels[payment] = "un de mes carnets : " + " ou ".join(_units(n) for n in needed)
        elif payment == Payment.EMPLOYER:
            labels[payment] = _employer_text(user, price, starts_at)
    return labels
