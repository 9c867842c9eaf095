"""The two booking hooks of payments: collecting a booking at the place (invoice and payment
at once) and, after a cancellation, its credit note and refund. Kept apart from services.py,
which they use, the way booking keeps its guest flow in guest_services.py."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.permissions import can_sell_for
from maillage.billing.services import Buyer, LineInput, invoice_create
from maillage.booking.models import Booking
from maillage.booking.models.bookings import Payment as BookingPayment
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import local_day
from maillage.payments.providers import PaymentProvider
from maillage.payments.selectors import booking_invoice_line
from maillage.payments.services import (
    EARLIEST_DAY,
    MANUAL_METHODS,
    _lock_invoice,
    _record,
    cancellation_credit_and_refund,
)

STANDARD_VAT_BP = 2000


def booking_refund_on_cancel(
    *,
    booking: Booking,
    actor,
    provider: PaymentProvider | None = None,
    now: datetime | None = None,
) -> Invoice | None:
    """After booking.services.booking_cancel (which decides who may cancel): credit the
    booking's invoice line and hand back what was paid beyond what is still owed.

    Invoiced and paid: a credit note and a refund (online: through the provider; at the place:
    a refund to hand back, recorded). Invoiced, unpaid: the credit note only. Not invoiced:
    nothing, None. A second call returns the first credit note.
    """
    now = now or timezone.now()
    if booking.status != Booking.Status.CANCELLED:
        raise BillingError("Cette réservation n'est pas annulée.", status=409, code="non_annulee")
    line, credited = booking_invoice_line(booking)
    if line is None:
        return credited
    with transaction.atomic():
        current = _lock_invoice(line.invoice)
        line, credited = booking_invoice_line(booking)
        if line is None:
            return credited
        return cancellation_credit_and_refund(
            invoice=current,
            reason="Réservation annulée",
            lines=[LineInput.from_line(line)],
            actor=actor,
            now=now,
            provider=provider,
        )


def booking_seller(booking: Booking) -> LegalEntity | None:
    """Who invoices a booking: the legal entity of the place's operator organisation."""
    if booking.place.operator_id is None:
        return None
    return LegalEntity.objects.filter(organisation_id=booking.place.operator_id).first()


def booking_settle(
    *,
    actor,
    booking: Booking,
    method: str,
    received_on: date | None = None,
    now: datetime | None = None,
) -> Invoice:
    """The place's team collects an on-site booking: the invoice (one line, the booking's
    price TTC at 20 %, or 0 % for a seller under the VAT franchise) and the payment, in one
    transaction. Refuses a booking already invoiced, cancelled, or paid by carnet or plan.
    """
    now = now or timezone.now()
    today = local_day(now)
    if not can_manage_bookings(actor, booking.place):
        raise BillingError("Réservation introuvable.", status=404, code="introuvable")
    seller = booking_seller(booking)
    if seller is None:
        raise BillingError(
            "Renseignez d'abord l'identité de facturation du lieu.",
            status=409,
            code="vendeur_absent",
        )
    if not can_sell_for(actor, seller):
        raise BillingError(
            "Seule l'équipe du lieu encaisse ses réservations.", status=403, code="interdit"
        )
    if method not in MANUAL_METHODS:
        raise BillingError(
            "Moyen de paiement inconnu (espèces, carte au lieu, chèque ou virement).",
            field="moyen",
        )
    received_on = received_on or today
    if received_on > today or received_on < EARLIEST_DAY:
        raise BillingError("La date de paiement ne peut pas être dans le futur.", field="date")
    with transaction.atomic():
        current = (
            Booking.objects.select_for_update(no_key=True, of=("self",))
            .select_related("resource", "place", "user")
            .get(pk=booking.pk)
        )
        if current.status != Booking.Status.CONFIRMED:
            raise BillingError(
                "Seule une réservation confirmée s'encaisse (celle-ci est "
                f"{current.get_status_display()}).",
                status=409,
                code="non_confirmee",
            )
        if current.payment != BookingPayment.ON_SITE or current.price_cents == 0:
            raise BillingError(
                "Réglée par carnet ou abonnement : rien à encaisser au lieu.",
                status=409,
                code="rien_a_encaisser",
            )
        line, _credited = booking_invoice_line(current)
        if line is not None:
            raise BillingError(
                f"Cette réservation est déjà facturée ({line.invoice.reference}).",
                status=409,
                code="deja_facturee",
            )
        day = local_day(current.starts_at)
        seats = f", {current.seats} places" if current.seats > 1 else ""
        invoice = invoice_create(
            seller=seller,
            buyer=Buyer(user=current.user),
            lines=[
                LineInput.from_ttc(
                    label=(
                        f"{current.resource.name} — {current.place.name} : "
                        f"{current.get_unit_display()} du {day:%d/%m/%Y}{seats}"
                    ),
                    unit_price_ttc_cents=current.price_cents,
                    vat_rate_bp=0 if seller.is_franchise else STANDARD_VAT_BP,
                    service_date=day,
                    booking_id=current.pk,
                )
            ],
            actor=actor,
            now=now,
            service_start=day,
            service_end=day,
        )
        _record(
            actor=actor,
            invoice=invoice,
            method=method,
            amount_cents=invoice.total_ttc_cents,
            received_on=received_on,
        )
    return invoice
