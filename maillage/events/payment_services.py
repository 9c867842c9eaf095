"""Priced events through invoices and payments, mirroring payments.booking_services: the place's
team collects a confirmed registration at the event (one invoice and its payment in one
transaction), and a cancellation of a collected registration issues its credit note and records
the refund inside the cancelling transaction (decision 0029).

Lock order, the same as every registration write: the event row, then the registration, then
the invoice (payments locks it before reading its balance).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.permissions import can_sell_for
from maillage.billing.services import (
    Buyer,
    LineInput,
    creditable_cents,
    invoice_create,
)
from maillage.booking.timeslots import local_day
from maillage.events.errors import EventError, not_found
from maillage.events.models import Event, Registration
from maillage.events.permissions import can_manage_event
from maillage.payments.booking_services import STANDARD_VAT_BP
from maillage.payments.services import (
    MANUAL_METHODS,
    _credit_lines,
    _lock_invoice,
    _record,
    cancellation_credit_and_refund,
)

REFUND_REASON = "Inscription annulée"


def _as_event_error(error: BillingError) -> EventError:
    """Billing's refusal (a closed period, a frozen series…) in the events' error type, so that
    the events' pages show it instead of failing."""
    return EventError(error.message, status=error.status, code=error.code, field=error.field)


def event_seller(event: Event) -> LegalEntity | None:
    """Who invoices an event: the legal entity of the place's operator; the network's own
    (`is_network`) for an event of the coordination."""
    if event.place_id is None:
        return LegalEntity.objects.filter(is_network=True).order_by("id").first()
    if event.place.operator_id is None:
        return None
    return (
        LegalEntity.objects.filter(organisation_id=event.place.operator_id).order_by("id").first()
    )


def registration_settle(
    *, user, event: Event, registration_id: int, method: str, now: datetime | None = None
) -> Invoice:
    """The team collects a confirmed registration's price at the event: an invoice from the
    event's seller to the registered person (one line, the TTC price at 20 %, 0 % under the VAT
    franchise) and the payment, in one transaction. A second collection is refused with the
    invoice's number (one invoice per registration). Side effect: `event.settle` audit event."""
    now = now or timezone.now()
    if not can_manage_event(user, event):
        raise not_found()
    if event.is_free:
        raise EventError(
            "Cet événement est gratuit : il n'y a rien à encaisser.",
            status=409,
            code="gratuit",
        )
    if method not in MANUAL_METHODS:
        raise EventError(
            "Moyen de paiement inconnu (espèces, carte au lieu, chèque ou virement).",
            field="moyen",
        )
    seller = event_seller(event)
    if seller is None:
        raise EventError(
            "Renseignez d'abord l'identité de facturation du lieu (Comptabilité) : "
            "sans elle, aucune facture ne peut être émise.",
            status=409,
            code="vendeur_absent",
        )
    if not can_sell_for(user, seller):
        raise EventError(
            "Seuls les gestionnaires de la structure qui facture encaissent les inscriptions.",
            status=403,
            code="interdit",
        )
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("user", "invoice")
                .filter(pk=registration_id, event=locked)
                .first()
            )
            if registration is None:
                raise not_found("Inscription introuvable.")
            if registration.invoice_id is not None:
                raise EventError(
                    "Cette inscription est déjà réglée (facture "
                    f"{registration.invoice.reference}).",
                    status=409,
                    code="deja_reglee",
                )
            if registration.status != Registration.Status.CONFIRMED:
                raise EventError(
                    "Seule une inscription confirmée s'encaisse (celle-ci est : "
                    f"{registration.get_status_display()}).",
                    status=409,
                    code="non_confirmee",
                )
            if registration.user_id is None:
                raise EventError(
                    "Ce compte a été supprimé : pas de facture à son nom.",
                    status=409,
                    code="compte_supprime",
                )
            day = local_day(locked.starts_at)
            invoice = invoice_create(
                seller=seller,
                buyer=Buyer(user=registration.user),
                lines=[
                    LineInput.from_ttc(
                        label=f"Inscription : {locked.title} — {day:%d/%m/%Y}",
                        unit_price_ttc_cents=locked.price_cents,
                        vat_rate_bp=0 if seller.is_franchise else STANDARD_VAT_BP,
                        service_date=day,
                    )
                ],
                actor=user,
                now=now,
                service_start=day,
                service_end=day,
            )
            _record(
                actor=user,
                invoice=invoice,
                method=method,
                amount_cents=invoice.total_ttc_cents,
                received_on=local_day(now),
            )
            registration.invoice = invoice
            registration.save(update_fields=["invoice"])
            audit_record(
                actor=user,
                action="event.settle",
                obj=locked,
                data={
                    "registration_id": registration.pk,
                    "invoice_id": invoice.pk,
                    "cents": invoice.total_ttc_cents,
                },
            )
    except BillingError as error:
        raise _as_event_error(error) from error
    return invoice


def registration_refund_on_cancel(
    *, registration: Registration, actor, now: datetime | None = None
) -> Invoice | None:
    """Inside registration_cancel / event_cancel (which decide who may cancel): credit the whole
    invoice of a collected registration and record the refund of what was paid. Not collected:
    nothing, None. Already credited: the first credit note, nothing more."""
    now = now or timezone.now()
    if registration.status != Registration.Status.CANCELLED:
        raise EventError("Cette inscription n'est pas annulée.", status=409, code="non_annulee")
    if registration.invoice_id is None:
        return None
    try:
        with transaction.atomic():
            current = _lock_invoice(registration.invoice)
            left = creditable_cents(current)
            if left == 0:
                return current.credit_notes.filter(status=Invoice.Status.ISSUED).first()
            # The whole invoice, or what an earlier partial credit note left of it.
            credit_note = cancellation_credit_and_refund(
                invoice=current,
                reason=REFUND_REASON,
                lines=_credit_lines(current, left, f"Annulation sur {current.reference}"),
                actor=actor,
                now=now,
            )
    except BillingError as error:
        raise _as_event_error(error) from error
    return credit_note
