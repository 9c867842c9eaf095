"""Writing payments: money received at the place or by transfer, card payments confirmed by the
provider's webhook, refunds (always with a credit note). The booking hooks are in
booking_services.py.

Every write locks the invoice row first (PostgreSQL `FOR NO KEY UPDATE`; SQLite serialises
writers with its IMMEDIATE transactions), then reads the balance: two simultaneous writers of one
invoice see each other's payments. The database refuses what slipped through: one payment per
provider reference, one per idempotency key, no edit or deletion of a recorded payment.
"""

import logging
import uuid
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.billing.amounts import euros, totals
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice
from maillage.billing.permissions import can_sell_for
from maillage.billing.services import LineInput, credit_note_issue
from maillage.booking.timeslots import local_day
from maillage.core.links import absolute_url
from maillage.payments.models import CheckoutSession, Payment, WebhookEvent
from maillage.payments.permissions import can_pay
from maillage.payments.providers import (
    PAYMENT_EVENTS,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    WebhookRefused,
    fake,
    get_provider,
)
from maillage.payments.selectors import invoice_balance

logger = logging.getLogger(__name__)

MANUAL_METHODS = (
    Payment.Method.CASH,
    Payment.Method.CARD_ON_SITE,
    Payment.Method.CHEQUE,
    Payment.Method.TRANSFER,
)
MAX_AMOUNT_CENTS = 100_000_000  # one million euros, as billing bounds its prices
EARLIEST_DAY = date(2000, 1, 1)
MAX_WEBHOOK_BYTES = 256 * 1024


def _not_found() -> BillingError:
    return BillingError("Facture introuvable.", status=404, code="introuvable")


def _lock_invoice(invoice: Invoice) -> Invoice:
    """The invoice row, locked until commit: its payments are read and written one at a time."""
    return (
        Invoice.objects.select_for_update(no_key=True, of=("self",))
        .select_related("seller")
        .get(pk=invoice.pk)
    )


def _check_payable(invoice: Invoice) -> None:
    if invoice.is_credit_note:
        raise BillingError(
            "Un avoir ne se paie pas : c'est le vendeur qui en doit le montant.",
            status=409,
            code="avoir",
        )
    if not invoice.is_issued:
        raise BillingError(
            "Une facture en brouillon ne s'encaisse pas : émettez-la d'abord.",
            status=409,
            code="brouillon",
        )


def _check_amount(amount_cents, *, field: str = "montant") -> int:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise BillingError("Montant illisible.", field=field)
    if amount_cents <= 0:
        raise BillingError("Le montant doit être positif.", field=field)
    if amount_cents > MAX_AMOUNT_CENTS:
        raise BillingError("Montant absurde (plus d'un million d'euros).", field=field)
    return amount_cents


def _record(
    *,
    actor,
    invoice: Invoice,
    method: str,
    amount_cents: int,
    received_on: date,
    idempotency_key: str = "",
) -> Payment:
    """A payment received by hand, invoice locked; the same key gives back the first one."""
    try:
        with transaction.atomic():
            current = _lock_invoice(invoice)
            _check_payable(current)
            if idempotency_key and (
                done := Payment.objects.filter(
                    invoice=current, idempotency_key=idempotency_key
                ).first()
            ):
                return done
            due = invoice_balance(current).due_cents
            if due <= 0:
                raise BillingError(
                    f"La facture {current.reference} est déjà réglée.",
                    status=409,
                    code="deja_reglee",
                )
            if amount_cents > due:
                raise BillingError(
                    f"Le montant dépasse ce qui reste dû ({euros(due)}).", field="montant"
                )
            payment = Payment.objects.create(
                invoice=current,
                kind=Payment.Kind.PAYMENT,
                method=method,
                amount_cents=amount_cents,
                received_on=received_on,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                idempotency_key=idempotency_key,
            )
            audit_record(
                actor=actor,
                action="payment.record",
                obj=payment,
                summary=current.reference,
                data={"invoice": current.pk, "cents": amount_cents, "method": method},
            )
    except IntegrityError:
        # The same key in flight on another connection: its payment is the answer.
        if idempotency_key and (
            done := Payment.objects.filter(invoice=invoice, idempotency_key=idempotency_key).first()
        ):
            return done
        raise
    return payment


def payment_record(
    *,
    actor,
    invoice: Invoice,
    method: str,
    amount_cents: int,
    received_on: date,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Payment:
    """The seller's team records money received (cash, card at the place, cheque, transfer).

    Refuses a draft, a credit note, an amount ≤ 0 or above what is due, a date in the future.
    A second call with the same `idempotency_key` (a double click) returns the first payment.
    Side effect: a `payment.record` audit event.
    """
    if not can_sell_for(actor, invoice.seller):
        raise _not_found()
    if method not in MANUAL_METHODS:
        raise BillingError(
            "Moyen de paiement inconnu (espèces, carte au lieu, chèque ou virement).",
            field="moyen",
        )
    _check_amount(amount_cents)
    today = local_day(now or timezone.now())
    if not isinstance(received_on, date) or received_on > today:
        raise BillingError("La date de paiement ne peut pas être dans le futur.", field="date")
    if received_on < EARLIEST_DAY:
        raise BillingError("Date de paiement trop ancienne.", field="date")
    if len(idempotency_key) > 100:
        raise BillingError("Clé d'idempotence trop longue.", field="cle")
    return _record(
        actor=actor,
        invoice=invoice,
        method=method,
        amount_cents=amount_cents,
        received_on=received_on,
        idempotency_key=idempotency_key,
    )


def checkout_start(
    *,
    user,
    invoice: Invoice,
    provider: PaymentProvider | None = None,
    now: datetime | None = None,
) -> CheckoutSession:
    """Open (or reopen) the card payment page of an invoice for its buyer.

    A second click while a session is open returns it without calling the provider. Otherwise
    the provider is called with a key derived from the invoice and the attempt number, outside
    any transaction: two simultaneous clicks send the same key, the provider answers both with
    the same session, and `provider_id` is unique here.
    """
    now = now or timezone.now()
    provider = provider or get_provider()
    if not can_pay(user, invoice):
        raise _not_found()
    if provider is None:
        raise BillingError(
            "Le paiement en ligne n'est pas proposé : réglez par virement ou au lieu.",
            status=409,
            code="paiement_en_ligne_absent",
        )
    _check_payable(invoice)
    due = invoice_balance(invoice).due_cents
    if due <= 0:
        raise BillingError(
            f"La facture {invoice.reference} est déjà réglée.", status=409, code="deja_reglee"
        )
    sessions = CheckoutSession.objects.filter(invoice=invoice)
    opened = sessions.filter(status=CheckoutSession.Status.OPEN)
    # Past its expiry, or for another amount (a part was paid since): not offered again.
    opened.filter(
        Q(expires_at__lte=now) | ~Q(amount_cents=due) | ~Q(provider=provider.name)
    ).update(status=CheckoutSession.Status.EXPIRED)
    if current := opened.order_by("-id").first():
        return current
    # Closed sessions only: clicks racing each other count the same attempt, hence one key.
    attempt = sessions.exclude(status=CheckoutSession.Status.OPEN).count() + 1
    try:
        created = provider.create_checkout(
            invoice=invoice,
            amount_cents=due,
            success_url=absolute_url("payments:pay_return", public_id=invoice.public_id),
            cancel_url=absolute_url("payments:pay", public_id=invoice.public_id),
            idempotency_key=f"maillage-checkout-{invoice.public_id}-{attempt}",
        )
    except ProviderError as error:
        logger.warning("checkout refused by %s: %s", provider.name, error)
        raise BillingError(
            "Le service de paiement ne répond pas : réessayez dans un moment.",
            status=502,
            code="prestataire",
        ) from error
    try:
        with transaction.atomic():
            session, _ = CheckoutSession.objects.get_or_create(
                provider_id=created.provider_id,
                defaults={
                    "invoice": invoice,
                    "provider": provider.name,
                    "attempt": attempt,
                    "amount_cents": due,
                    "url": created.url,
                    "expires_at": created.expires_at,
                    "created_by": user,
                },
            )
    except IntegrityError:
        session = CheckoutSession.objects.get(provider_id=created.provider_id)
    return session


def _invoice_named(reference: str) -> Invoice | None:
    try:
        public_id = uuid.UUID(str(reference))
    except ValueError:
        return None
    return Invoice.objects.filter(public_id=public_id).first()


def _apply_event(provider: str, event: ProviderEvent, today: date) -> tuple[str, Payment | None]:
    """What a verified event does; returns the outcome to log and the payment if one."""
    if event.type not in PAYMENT_EVENTS:
        if event.session_id and event.type == "checkout.session.expired":
            CheckoutSession.objects.filter(
                provider=provider, provider_id=event.session_id, status="open"
            ).update(status=CheckoutSession.Status.EXPIRED)
            return "session expirée", None
        if event.session_id:
            CheckoutSession.objects.filter(
                provider=provider, provider_id=event.session_id, status="open"
            ).update(status=CheckoutSession.Status.FAILED)
            return "paiement échoué", None
        return "ignorée", None
    if not event.paid:
        return "paiement non abouti", None
    if not event.payment_ref or event.amount_cents <= 0 or len(event.payment_ref) > 255:
        return "notification incomplète", None
    if event.currency and event.currency.lower() != "eur":
        return f"devise {event.currency[:3]} non gérée", None
    invoice = _invoice_named(event.invoice_ref)
    if invoice is None or not invoice.is_issued or invoice.is_credit_note:
        return "facture inconnue", None
    current = _lock_invoice(invoice)
    if event.session_id:
        CheckoutSession.objects.filter(provider=provider, provider_id=event.session_id).update(
            status=CheckoutSession.Status.PAID
        )
    if done := Payment.objects.filter(provider=provider, provider_ref=event.payment_ref).first():
        return "paiement déjà enregistré", done
    due = invoice_balance(current).due_cents
    payment = Payment.objects.create(
        invoice=current,
        kind=Payment.Kind.PAYMENT,
        method=Payment.Method.ONLINE_CARD,
        amount_cents=event.amount_cents,
        received_on=today,
        provider=provider,
        provider_ref=event.payment_ref,
    )
    audit_record(
        actor=None,
        action="payment.online",
        obj=payment,
        summary=current.reference,
        data={"invoice": current.pk, "cents": event.amount_cents},
    )
    if event.amount_cents > due:
        # The money was taken: it is recorded as received, the excess is to hand back.
        return f"paiement enregistré, trop-perçu de {euros(event.amount_cents - due)}", payment
    return "paiement enregistré", payment


def webhook_receive(
    *,
    provider: str,
    body: bytes,
    headers,
    adapter: PaymentProvider | None = None,
    now: datetime | None = None,
) -> WebhookEvent:
    """A notification from the provider: verified with the provider's own code, logged once
    per event id, and a card payment recorded once per provider payment reference.

    A bad signature is refused (400) and leaves nothing but a log line. An unknown invoice is
    logged (« facture inconnue ») and answered 200 so the provider stops retrying.
    """
    adapter = adapter or get_provider(provider)
    if adapter is None or adapter.name != provider:
        raise BillingError("Prestataire de paiement inconnu.", status=404, code="prestataire")
    if len(body) > MAX_WEBHOOK_BYTES:
        raise BillingError("Notification trop volumineuse.", status=413, code="trop_gros")
    try:
        event = adapter.verify_webhook(body, headers)
    except WebhookRefused as error:
        logger.warning("webhook refused (%s): %s", provider, error)
        raise BillingError(
            "Signature invalide : notification refusée.", status=400, code="signature"
        ) from error
    if not event.event_id or len(event.event_id) > 255:
        raise BillingError("Notification sans identifiant.", status=400, code="evenement")
    today = local_day(now or timezone.now())
    for _attempt in range(2):
        try:
            with transaction.atomic():
                if seen := WebhookEvent.objects.filter(
                    provider=provider, event_id=event.event_id
                ).first():
                    return seen
                outcome, payment = _apply_event(provider, event, today)
                return WebhookEvent.objects.create(
                    provider=provider,
                    event_id=event.event_id,
                    type=event.type[:100],
                    outcome=outcome[:200],
                    payment=payment,
                )
        except IntegrityError:
            # Another delivery of this event, or of another event for the same payment,
            # committed first: the next round finds it.
            continue
    return WebhookEvent.objects.get(provider=provider, event_id=event.event_id)


def _credit_lines(invoice: Invoice, amount_cents: int, label: str) -> list[LineInput] | None:
    """The credit note's lines for a refund: the whole invoice (None) when all of it is
    refunded, else the amount split over the invoice's VAT rates in proportion."""
    lines = list(invoice.lines.all())
    if amount_cents == invoice.total_ttc_cents and not invoice.credit_notes.exists():
        return None
    breakdown = totals((line.net_cents, line.vat_rate_bp) for line in lines).breakdown
    whole = sum(b.base_cents + b.vat_cents for b in breakdown)
    out, left = [], amount_cents
    for position, share in enumerate(breakdown):
        last = position == len(breakdown) - 1
        part = left if last else amount_cents * (share.base_cents + share.vat_cents) // whole
        left -= part
        if part > 0:
            out.append(
                LineInput.from_ttc(
                    label=label, unit_price_ttc_cents=part, vat_rate_bp=share.rate_bp
                )
            )
    return out


def _refund(
    *,
    actor,
    invoice: Invoice,
    credit_note: Invoice,
    amount_cents: int,
    today: date,
    provider: PaymentProvider | None = None,
) -> Payment:
    """Hand back money of one payment of the (locked) invoice: through the provider for a card
    payment online, as a refund to hand over for money received at the place."""
    origins = (
        Payment.objects.filter(invoice=invoice, kind=Payment.Kind.PAYMENT)
        .annotate(refunded=Coalesce(Sum("refunds__amount_cents"), 0))
        .order_by("-received_on", "-id")
    )
    origin = next((p for p in origins if p.amount_cents - p.refunded >= amount_cents), None)
    if origin is None:
        raise BillingError(
            "Aucun paiement de cette facture ne couvre ce montant : "
            "remboursez paiement par paiement.",
            status=409,
            code="remboursement_fractionne",
        )
    provider_name, provider_ref = origin.provider, ""
    if origin.method == Payment.Method.ONLINE_CARD:
        adapter = provider or get_provider(origin.provider)
        if adapter is None:
            raise BillingError(
                "Le paiement en ligne n'est plus configuré : remboursement impossible ici.",
                status=409,
                code="prestataire",
            )
        try:
            provider_ref = adapter.refund(
                provider_ref=origin.provider_ref,
                amount_cents=amount_cents,
                idempotency_key=f"maillage-refund-{origin.public_id}-{origin.refunds.count() + 1}",
            )
        except ProviderError as error:
            logger.warning("refund refused by %s: %s", adapter.name, error)
            raise BillingError(
                "Le service de paiement a refusé le remboursement : réessayez dans un moment.",
                status=502,
                code="prestataire",
            ) from error
    refund = Payment.objects.create(
        invoice=invoice,
        kind=Payment.Kind.REFUND,
        method=origin.method,
        amount_cents=amount_cents,
        received_on=today,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        provider=provider_name if provider_ref else "",
        provider_ref=provider_ref,
        refund_of=origin,
        credit_note=credit_note,
    )
    audit_record(
        actor=actor,
        action="payment.refund",
        obj=refund,
        summary=credit_note.reference,
        data={"invoice": invoice.pk, "cents": amount_cents, "method": origin.method},
    )
    return refund


def cancellation_credit_and_refund(
    *,
    invoice: Invoice,
    reason: str,
    lines: list[LineInput],
    actor,
    now: datetime,
    provider: PaymentProvider | None = None,
) -> Invoice:
    """What a cancellation owes on an invoice already locked by the caller: the credit note of
    `lines`, then the refund of whatever the invoice is now overpaid (never more than the credit
    note). The one path for bookings and event registrations alike."""
    credit_note = credit_note_issue(
        original=invoice, reason=reason, lines=lines, actor=actor, now=now
    )
    overpaid = -invoice_balance(invoice).due_cents
    if overpaid > 0:
        _refund(
            actor=actor,
            invoice=invoice,
            credit_note=credit_note,
            amount_cents=min(overpaid, credit_note.total_ttc_cents),
            today=local_day(now),
            provider=provider,
        )
    return credit_note


def refund_issue(
    *,
    actor,
    invoice: Invoice,
    amount_cents: int | None,
    reason: str,
    provider: PaymentProvider | None = None,
    now: datetime | None = None,
) -> tuple[Invoice, Payment]:
    """Refund a paid invoice, all that was paid (`amount_cents=None`) or part of it.

    Always a credit note (billing.services.credit_note_issue) and a refund row; a card payment
    online is refunded through the provider inside the transaction, so a refusal there leaves
    nothing recorded. Never more than what was paid and not yet refunded.
    """
    now = now or timezone.now()
    if not can_sell_for(actor, invoice.seller):
        raise _not_found()
    if invoice.is_credit_note or not invoice.is_issued:
        raise BillingError("On rembourse une facture émise.", field="facture")
    if not reason.strip():
        raise BillingError("Indiquez le motif du remboursement.", field="motif")
    if amount_cents is not None:
        _check_amount(amount_cents)
    with transaction.atomic():
        current = _lock_invoice(invoice)
        paid = invoice_balance(current).net_paid_cents
        if paid <= 0:
            raise BillingError(
                "Rien n'a été payé sur cette facture : il n'y a rien à rembourser.",
                status=409,
                code="rien_a_rembourser",
            )
        amount = paid if amount_cents is None else amount_cents
        if amount > paid:
            raise BillingError(
                f"On ne rembourse pas plus que ce qui a été payé ({euros(paid)}).",
                field="montant",
            )
        credit_note = credit_note_issue(
            original=current,
            reason=reason.strip(),
            lines=_credit_lines(current, amount, f"Remboursement sur {current.reference}"),
            actor=actor,
            now=now,
        )
        refund = _refund(
            actor=actor,
            invoice=current,
            credit_note=credit_note,
            amount_cents=credit_note.total_ttc_cents,
            today=local_day(now),
            provider=provider,
        )
    return credit_note, refund


def fake_checkout_pay(*, session: CheckoutSession) -> WebhookEvent:
    """The fake provider's payment page: pays the session by sending its signed webhook, as
    the real provider would (only reachable when MAILLAGE_PAYMENT_PROVIDER is « fake »)."""
    body = fake.event_body(
        event_id=f"fake_evt_{session.provider_id}",
        type="checkout.session.completed",
        invoice=str(session.invoice.public_id),
        payment_ref=f"fake_pi_{session.provider_id}",
        session_id=session.provider_id,
        amount_cents=session.amount_cents,
        currency="eur",
        paid=True,
    )
    return webhook_receive(
        provider="fake", body=body, headers={fake.SIGNATURE_HEADER: fake.sign(body)}
    )
