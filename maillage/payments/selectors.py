"""Reading what an invoice has received: its balance, and whether it is settled."""

from dataclasses import dataclass

from django.db.models import Q, Sum

from maillage.billing.models import Invoice, InvoiceLine
from maillage.booking.models import Booking
from maillage.payments.models import Payment


@dataclass(frozen=True)
class Balance:
    """In cents TTC. `due_cents` is what the buyer still owes (negative: to hand back)."""

    total_cents: int
    credited_cents: int
    paid_cents: int
    refunded_cents: int
    due_cents: int

    @property
    def net_paid_cents(self) -> int:
        return self.paid_cents - self.refunded_cents


def invoice_balance(invoice: Invoice) -> Balance:
    """Two queries at most. A credit note is never paid: its amount due is minus its total
    (the seller owes it), and payments are counted on the invoice it corrects."""
    if invoice.is_credit_note:
        total = invoice.total_ttc_cents
        return Balance(total, 0, 0, 0, -total)
    if not invoice.is_issued:
        return Balance(0, 0, 0, 0, 0)
    credited = (
        Invoice.objects.filter(corrects=invoice, status=Invoice.Status.ISSUED).aggregate(
            total=Sum("total_ttc_cents")
        )["total"]
        or 0
    )
    sums = Payment.objects.filter(invoice=invoice).aggregate(
        paid=Sum("amount_cents", filter=Q(kind=Payment.Kind.PAYMENT)),
        refunded=Sum("amount_cents", filter=Q(kind=Payment.Kind.REFUND)),
    )
    paid, refunded = sums["paid"] or 0, sums["refunded"] or 0
    due = invoice.total_ttc_cents - credited - (paid - refunded)
    return Balance(invoice.total_ttc_cents, credited, paid, refunded, due)


def is_paid(invoice: Invoice) -> bool:
    """Something was owed and all of it has been received (a fully credited invoice was not
    paid: nothing was owed)."""
    balance = invoice_balance(invoice)
    return (
        not invoice.is_credit_note
        and invoice.is_issued
        and balance.total_cents > balance.credited_cents
        and balance.due_cents <= 0
    )


def invoice_payments(invoice: Invoice) -> list[Payment]:
    """Payments and refunds of an invoice, oldest first, for its page."""
    return list(
        Payment.objects.filter(invoice=invoice)
        .select_related("credit_note", "recorded_by")
        .order_by("received_on", "id")
    )


def booking_invoice_line(booking: Booking) -> tuple[InvoiceLine | None, Invoice | None]:
    """The line of an issued invoice for this booking that no credit note has cancelled, and
    the credit note that did cancel one, if any. One query."""
    lines = list(
        InvoiceLine.objects.filter(booking=booking, invoice__status=Invoice.Status.ISSUED)
        .select_related("invoice")
        .order_by("-invoice_id")
    )
    credited = {
        line.invoice.corrects_id: line.invoice for line in lines if line.invoice.is_credit_note
    }
    for line in lines:
        if not line.invoice.is_credit_note and line.invoice_id not in credited:
            return line, None
    return None, next(iter(credited.values()), None)
