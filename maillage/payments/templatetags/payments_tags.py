"""`{% settle_form booking %}` on a booking page: « Encaisser » for the place's team, or the
invoice that already covers the booking."""

from django import template

from maillage.booking.models import Booking
from maillage.booking.models.bookings import Payment as BookingPayment
from maillage.booking.permissions import can_manage_bookings
from maillage.payments.forms import SettleForm
from maillage.payments.selectors import booking_invoice_line

register = template.Library()


@register.inclusion_tag("payments/partials/settle_form.html", takes_context=True)
def settle_form(context, booking: Booking) -> dict:
    user = context["request"].user
    shown = (
        can_manage_bookings(user, booking.place)
        and booking.status == Booking.Status.CONFIRMED
        and booking.payment == BookingPayment.ON_SITE
        and booking.price_cents > 0
    )
    line = booking_invoice_line(booking)[0] if shown else None
    return {
        "booking": booking,
        "shown": shown,
        "invoice": line.invoice if line else None,
        "form": SettleForm(auto_id=f"encaisser-{booking.public_id}-%s"),
    }
