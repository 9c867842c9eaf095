"""Writes of the settlement app: network passes sold by the coordination, agreements with the
places, monthly statements and the places' invoices to the network.

Every refusal is a `BillingError` (French message, HTTP status, field). Permissions are checked
here as well as in the views, which answer 404 to people who may not see a page.

Statement rule (documented in docs/utilisateur/pass-reseau.md): the units of a month at a place
are the network-pass units of the bookings whose local (Paris) day falls in that month, net of
their refunds whenever these were written. A booking cancelled later nets to 0, and a refund
written in another month still counts in the month of the booking. A statement is computed once
the month is over (bookings of a past month can no longer be cancelled or moved), recomputed
while proposed, and frozen once the place accepts it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.billing.amounts import euros
from maillage.billing.errors import BillingError
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.permissions import can_sell_for
from maillage.billing.services import Buyer, LineInput, invoice_create
from maillage.booking import guest_services
from maillage.booking.models import Booking, Pass, PassLedger, PassProduct, Payment, Unit
from maillage.booking.services import pass_sell
from maillage.booking.timeslots import local_day
from maillage.employers.selectors import month_bookings, month_first, month_span, next_month
from maillage.places.models import Place
from maillage.places.permissions import is_coordinator, managed_organisation_ids
from maillage.settlement.models import (
    NetworkPassSale,
    SettlementAgreement,
    SettlementLine,
    SettlementStatement,
)

MAX_PASSES_PER_SALE = 50
MAX_RATE_CENTS = 100_000  # 1 000 € for one day of one desk: anything above is a typing error
# The manual methods of payments.Payment.Method (that app records the payment when present).
PAID_METHODS = {
    "transfer": "virement",
    "cheque": "chèque",
    "cash": "espèces",
    "card_on_site": "carte bancaire",
}


# --- identities -----------------------------------------------------------------------------


def network_entity() -> LegalEntity:
    """The network's coordinating body: it sells the pass and pays the places."""
    entity = LegalEntity.objects.filter(is_network=True).first()
    if entity is None:
        raise BillingError(
            "La structure de coordination du réseau n'a pas d'identité juridique enregistrée : "
            "renseignez-la (raison sociale, SIREN, adresse) avant de facturer.",
            status=409,
            code="reseau_absent",
        )
    return entity


def place_entity(place: Place) -> LegalEntity:
    """The legal entity of the organisation that runs the place: it invoices the network."""
    entity = (
        LegalEntity.objects.filter(organisation_id=place.operator_id).first()
        if place.operator_id
        else None
    )
    if entity is None:
        raise BillingError(
            f"L'organisation gestionnaire de {place.name} n'a pas d'identité juridique "
            "enregistrée : elle ne peut pas facturer.",
            status=409,
            code="lieu_sans_identite",
        )
    return entity


def account_for_address(email: str, name: str = ""):
    """The account of an e-mail address, made inactive if there is none (the person sets a
    password through « mot de passe oublié »). The same rule as a booking without an account."""
    return guest_services._account_for(email, name)


def is_place_team(user, place: Place) -> bool:
    """A member of the organisation that runs the place (coordinators alone are not: a place's
    agreement is given by the place)."""
    return place.operator_id is not None and place.operator_id in managed_organisation_ids(user)


# --- selling network passes -------------------------------------------------------------------


@dataclass(frozen=True)
class SaleResult:
    sale: NetworkPassSale
    invoice: Invoice
    passes: list[Pass]
    replayed: bool = False


def _replay(key: str, product: PassProduct, quantity: int) -> SaleResult | None:
    sale = NetworkPassSale.objects.select_related("invoice").filter(idempotency_key=key).first()
    if sale is None:
        return None
    if sale.product_id != product.pk or sale.quantity != quantity:
        raise BillingError(
            "Ce formulaire a déjà servi à une autre vente : rechargez la page.",
            status=422,
            code="cle_reutilisee",
        )
    return SaleResult(sale, sale.invoice, list(sale.passes.order_by("id")), replayed=True)


def _record_payment(*, invoice: Invoice, method: str, actor, now: datetime, key: str):
    """The payment, when the payments app offers `payment_record` (built alongside)."""
    try:
        from maillage.payments.services import (  # optional: built alongside, may be absent
            payment_record,
        )
    except ImportError:
        return None
    return payment_record(
        actor=actor,
        invoice=invoice,
        method=method,
        amount_cents=invoice.total_ttc_cents,
        received_on=local_day(now),
        idempotency_key=key,
        now=now,
    )


def _check_sale(*, actor, product, buyer_user, employer, owners, quantity, paid_method) -> None:
    if not is_coordinator(actor):
        raise BillingError(
            "Seule la coordination vend le pass réseau.", status=403, code="interdit"
        )
    if product.place_id is not None:
        raise BillingError(
            "Ce carnet est celui d'un lieu : il se vend depuis la page « Offre » du lieu.",
            field="produit",
        )
    if not product.is_active:
        raise BillingError("Ce carnet n'est plus en vente.", field="produit")
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_PASSES_PER_SALE:
        raise BillingError(f"De 1 à {MAX_PASSES_PER_SALE} pass par vente.", field="quantite")
    if (buyer_user is None) == (employer is None):
        raise BillingError("Indiquez l'acheteur : une personne ou un employeur.", field="acheteur")
    if len(owners) != quantity or any(getattr(o, "pk", None) is None for o in owners):
        raise BillingError(
            "Indiquez le titulaire de chaque pass (autant de titulaires que de pass).",
            field="titulaires",
        )
    if paid_method is not None and paid_method not in PAID_METHODS:
        raise BillingError("Mode de paiement inconnu.", field="paiement")


def network_pass_sale(
    *,
    actor,
    product: PassProduct,
    buyer_user=None,
    employer=None,
    owners: list,
    quantity: int,
    paid_method: str | None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> SaleResult:
    """Sell `quantity` network passes, one per owner, on one invoice from the network.

    In one transaction: each pass by `booking.services.pass_sell` (ledger SALE row, audit), one
    invoice from the network to the buyer (the person, or the employer's legal entity), the
    payment when `paid_method` is given and the payments app records payments, a
    `pass.network_sale` audit event. The same idempotency key sells once (a double click gets
    the first sale back).
    """
    now = now or timezone.now()
    _check_sale(
        actor=actor,
        product=product,
        buyer_user=buyer_user,
        employer=employer,
        owners=owners,
        quantity=quantity,
        paid_method=paid_method,
    )
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise BillingError("Clé de formulaire trop longue.", field="cle")
    if key and (done := _replay(key, product, quantity)):
        return done
    seller = network_entity()
    buyer = Buyer(entity=employer.entity) if employer is not None else Buyer(user=buyer_user)
    rate = 0 if seller.is_franchise else 2000
    try:
        with transaction.atomic():
            passes = [pass_sell(seller=actor, buyer=o, product=product, now=now) for o in owners]
            line = LineInput.from_ttc(
                label=f"Pass réseau « {product.name} » : {product.units} "
                f"{product.get_unit_display()}(s), valable {product.validity_days} jours",
                unit_price_ttc_cents=product.price_cents,
                vat_rate_bp=rate,
                quantity=quantity,
                service_date=local_day(now),
                pass_id=passes[0].pk if quantity == 1 else None,
            )
            invoice = invoice_create(seller=seller, buyer=buyer, lines=[line], actor=actor, now=now)
            sale = NetworkPassSale.objects.create(
                idempotency_key=key or str(invoice.public_id),
                product=product,
                quantity=quantity,
                buyer_user=buyer_user,
                buyer_entity=employer.entity if employer is not None else None,
                invoice=invoice,
                paid_method=paid_method or "",
                created_by=actor,
                created_at=now,
            )
            sale.passes.set(passes)
            if paid_method and invoice.total_ttc_cents:
                _record_payment(
                    invoice=invoice,
                    method=paid_method,
                    actor=actor,
                    now=now,
                    key=f"pass-reseau-{sale.public_id}",
                )
            audit_record(
                actor=actor,
                action="pass.network_sale",
                obj=sale,
                summary=f"{quantity} × {product.name}",
                data={"invoice": invoice.pk, "passes": [p.pk for p in passes]},
            )
    except IntegrityError:
        if key and (done := _replay(key, product, quantity)):
            return done
        raise
    return SaleResult(sale, invoice, passes)


def network_pass_sale_by_email(
    *,
    actor,
    product: PassProduct,
    buyer_email: str = "",
    buyer_name: str = "",
    employer=None,
    owner_emails: list[str] | None = None,
    quantity: int,
    paid_method: str | None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> SaleResult:
    """The page's sale: people named by e-mail (an account is made for an unknown address, in
    the same transaction as the sale). Owners: one address for all the passes, or one per pass;
    none for a person buying for themself."""
    if not is_coordinator(actor):
        raise BillingError(
            "Seule la coordination vend le pass réseau.", status=403, code="interdit"
        )
    emails = [e for e in (owner_emails or []) if e]
    if employer is None and not buyer_email:
        raise BillingError("Indiquez l'e-mail de l'acheteur.", field="email")
    if employer is not None and not emails:
        raise BillingError("Indiquez l'e-mail du ou des titulaires.", field="titulaires")
    if len(emails) not in (0, 1, quantity):
        raise BillingError(
            f"Indiquez une adresse pour tous les pass, ou une par pass ({quantity}).",
            field="titulaires",
        )
    with transaction.atomic():
        buyer = account_for_address(buyer_email, buyer_name) if employer is None else None
        people = [account_for_address(e) for e in emails] or [buyer]
        owners = people * quantity if len(people) == 1 else people
        return network_pass_sale(
            actor=actor,
            product=product,
            buyer_user=buyer,
            employer=employer,
            owners=owners,
            quantity=quantity,
            paid_method=paid_method,
            idempotency_key=idempotency_key,
            now=now,
        )


def network_product_withdraw(*, actor, product: PassProduct) -> PassProduct:
    """Stop selling a network pass; passes already sold stay valid until they expire."""
    if not is_coordinator(actor) or product.place_id is not None:
        raise BillingError("Pass réseau introuvable.", status=404, code="introuvable")
    if not PassProduct.objects.filter(pk=product.pk, is_active=True).update(is_active=False):
        raise BillingError("Ce pass n'est déjà plus en vente.", status=409, code="deja_fait")
    audit_record(actor=actor, action="pass.product_withdraw", obj=product, summary=product.name)
    product.refresh_from_db()
    return product


# --- agreements --------------------------------------------------------------------------------


def _check_rate(value, field: str) -> int:
    if not isinstance(value, int) or not 0 <= value <= MAX_RATE_CENTS:
        raise BillingError(
            f"Le reversement par unité va de 0 à {euros(MAX_RATE_CENTS)}.", field=field
        )
    return value


def agreement_set(
    *,
    actor,
    place: Place,
    rate_day_cents: int,
    rate_half_day_cents: int,
    self_billing: bool,
    valid_from: date,
) -> SettlementAgreement:
    """Set the place's rates (coordination). Turning self-billing on asks the place's written
    agreement again; proposed statements take the new rates at their next computation."""
    if not is_coordinator(actor):
        raise BillingError("Seule la coordination fixe les reversements.", status=403)
    _check_rate(rate_day_cents, "taux_journee")
    _check_rate(rate_half_day_cents, "taux_demi_journee")
    with transaction.atomic():
        agreement = SettlementAgreement.objects.select_for_update().filter(place=place).first()
        if agreement is None:
            agreement = SettlementAgreement(place=place)
        if self_billing and not agreement.self_billing:
            agreement.self_billing_accepted_at = None
            agreement.self_billing_accepted_by = None
        agreement.rate_day_cents = rate_day_cents
        agreement.rate_half_day_cents = rate_half_day_cents
        agreement.self_billing = bool(self_billing)
        agreement.valid_from = valid_from
        agreement.save()
        audit_record(
            actor=actor,
            action="settlement.agreement",
            obj=agreement,
            summary=place.name,
            data={"day": rate_day_cents, "half_day": rate_half_day_cents, "self": self_billing},
        )
    return agreement


def self_billing_accept(
    *, actor, agreement: SettlementAgreement, now: datetime | None = None
) -> SettlementAgreement:
    """The place's team agrees in writing that the coordination issues its invoices."""
    now = now or timezone.now()
    if not is_place_team(actor, agreement.place):
        raise BillingError(
            "C'est l'équipe du lieu qui accepte l'autofacturation.", status=403, code="interdit"
        )
    if not agreement.self_billing:
        raise BillingError("La convention ne prévoit pas d'autofacturation.", status=409)
    changed = SettlementAgreement.objects.filter(
        pk=agreement.pk, self_billing=True, self_billing_accepted_at__isnull=True
    ).update(self_billing_accepted_at=now, self_billing_accepted_by=actor)
    if not changed:
        raise BillingError("L'autofacturation est déjà acceptée.", status=409, code="deja_fait")
    audit_record(actor=actor, action="settlement.self_billing_accept", obj=agreement)
    agreement.refresh_from_db()
    return agreement


# --- statements --------------------------------------------------------------------------------


def _pass_lines(place: Place, month: date) -> list[dict]:
    """Net network-pass units per booking of the month at the place (USE and REFUND rows)."""
    start, end = month_span(month)
    rows = (
        PassLedger.objects.filter(
            pass_ref__place__isnull=True,
            place=place,
            reason__in=[PassLedger.Reason.USE, PassLedger.Reason.REFUND],
            booking__starts_at__gte=start,
            booking__starts_at__lt=end,
        )
        .values("booking_id", "booking__starts_at", "pass_ref__unit")
        .annotate(delta=Sum("delta"))
        .order_by("booking__starts_at", "booking_id")
    )
    return [
        {
            "booking_id": row["booking_id"],
            "day": local_day(row["booking__starts_at"]),
            "unit": row["pass_ref__unit"],
            "units": -row["delta"],
        }
        for row in rows
        if row["delta"]
    ]


def _employer_bookings(place: Place, month: date) -> list[Booking]:
    """Confirmed bookings at the place paid by an employer (none before that payment existed)."""
    if not hasattr(Payment, "EMPLOYER"):
        return []
    return list(
        month_bookings(month)
        .filter(place=place, status=Booking.Status.CONFIRMED)
        .order_by("starts_at", "id")
    )


def month_is_over(month: date, now: datetime) -> bool:
    return next_month(month_first(month)) <= local_day(now)


def statement_compute(
    *, actor, place: Place, month: date, now: datetime | None = None
) -> SettlementStatement:
    """Compute (or recompute while proposed) the place's statement of a finished month.

    Side effects: the statement and its lines replaced; a `settlement.compute` audit event.
    """
    now = now or timezone.now()
    month = month_first(month)
    if not is_coordinator(actor):
        raise BillingError("Seule la coordination calcule les reversements.", status=403)
    if not month_is_over(month, now):
        raise BillingError(
            f"Le mois de {month:%m/%Y} n'est pas terminé : son relevé se calcule à partir du "
            f"{next_month(month):%d/%m/%Y}.",
            field="mois",
        )
    agreement = SettlementAgreement.objects.filter(place=place).first()
    if agreement is None or agreement.valid_from >= next_month(month):
        raise BillingError(
            f"Aucune convention de reversement en vigueur pour {place.name} ce mois-là.",
            status=409,
            code="sans_convention",
        )
    rates = {Unit.DAY: agreement.rate_day_cents, Unit.HALF_DAY: agreement.rate_half_day_cents}
    pass_rows = _pass_lines(place, month)
    employer_rows = _employer_bookings(place, month)
    units = defaultdict(int)
    for row in pass_rows:
        units[row["unit"]] += row["units"]
    pass_amount = sum(rates[unit] * count for unit, count in units.items())
    employer_amount = sum(b.price_cents for b in employer_rows)
    try:
        with transaction.atomic():
            statement = (
                SettlementStatement.objects.select_for_update()
                .filter(place=place, month=month)
                .first()
            )
            if statement is not None and statement.status != SettlementStatement.Status.PROPOSED:
                raise BillingError(
                    "Ce relevé est déjà accepté par le lieu : il ne se recalcule plus.",
                    status=409,
                    code="deja_accepte",
                )
            statement = statement or SettlementStatement(place=place, month=month)
            statement.units_day = units[Unit.DAY]
            statement.units_half_day = units[Unit.HALF_DAY]
            statement.rate_day_cents = agreement.rate_day_cents
            statement.rate_half_day_cents = agreement.rate_half_day_cents
            statement.pass_amount_cents = pass_amount
            statement.employer_amount_cents = employer_amount
            statement.total_cents = pass_amount + employer_amount
            statement.computed_at = now
            statement.computed_by = actor
            statement.save()
            statement.lines.all().delete()
            SettlementLine.objects.bulk_create(
                [
                    SettlementLine(
                        statement=statement,
                        kind=SettlementLine.Kind.PASS,
                        booking_id=row["booking_id"],
                        day=row["day"],
                        unit=row["unit"],
                        units=row["units"],
                        amount_cents=rates[row["unit"]] * row["units"],
                    )
                    for row in pass_rows
                ]
                + [
                    SettlementLine(
                        statement=statement,
                        kind=SettlementLine.Kind.EMPLOYER,
                        booking=booking,
                        day=local_day(booking.starts_at),
                        unit=booking.unit,
                        amount_cents=booking.price_cents,
                    )
                    for booking in employer_rows
                ]
            )
            audit_record(
                actor=actor,
                action="settlement.compute",
                obj=statement,
                summary=str(statement),
                data={"total_cents": statement.total_cents},
            )
    except IntegrityError as error:  # two first computations at once: one wins
        raise BillingError(
            "Ce relevé vient d'être calculé par quelqu'un d'autre : rechargez la page.",
            status=409,
            code="conflit",
        ) from error
    return statement


def statement_accept(
    *, actor, statement: SettlementStatement, now: datetime | None = None
) -> SettlementStatement:
    """The place's team accepts the proposed statement; it is frozen from then on."""
    now = now or timezone.now()
    if not is_place_team(actor, statement.place):
        raise BillingError(
            "C'est l'équipe du lieu qui accepte son relevé.", status=403, code="interdit"
        )
    changed = SettlementStatement.objects.filter(
        pk=statement.pk, status=SettlementStatement.Status.PROPOSED
    ).update(status=SettlementStatement.Status.ACCEPTED, accepted_at=now, accepted_by=actor)
    if not changed:
        raise BillingError("Ce relevé est déjà accepté.", status=409, code="deja_accepte")
    audit_record(actor=actor, action="settlement.accept", obj=statement, summary=str(statement))
    statement.refresh_from_db()
    return statement


def _invoice_lines(statement: SettlementStatement, vat_rate_bp: int) -> list[LineInput]:
    """Quantity 1 per line, the whole amount TTC: the invoice total is the statement's."""
    lines = []
    for unit, count, rate in (
        (Unit.DAY, statement.units_day, statement.rate_day_cents),
        (Unit.HALF_DAY, statement.units_half_day, statement.rate_half_day_cents),
    ):
        if count:
            word = "journée(s)" if unit == Unit.DAY else "demi-journée(s)"
            lines.append(
                LineInput.from_ttc(
                    label=f"Pass réseau : {count} {word} × {euros(rate)}",
                    unit_price_ttc_cents=count * rate,
                    vat_rate_bp=vat_rate_bp,
                )
            )
    if statement.employer_amount_cents:
        lines.append(
            LineInput.from_ttc(
                label="Réservations payées par les employeurs",
                unit_price_ttc_cents=statement.employer_amount_cents,
                vat_rate_bp=vat_rate_bp,
            )
        )
    return lines


def statement_invoice(
    *, actor, statement: SettlementStatement, now: datetime | None = None
) -> Invoice:
    """The place invoices the network for an accepted statement, once.

    Without self-billing the place's team issues it; with self-billing (accepted in writing by
    the place) the coordination issues it in the place's series, saying so on the invoice.
    Side effects: an invoice in the place's series; the statement marked invoiced.
    """
    now = now or timezone.now()
    place = statement.place
    agreement = SettlementAgreement.objects.filter(place=place).first()
    self_billing = bool(agreement and agreement.self_billing)
    seller = place_entity(place)
    if self_billing:
        if not is_coordinator(actor):
            raise BillingError(
                "Autofacturation : c'est la coordination qui émet cette facture.",
                status=403,
                code="interdit",
            )
        if agreement.self_billing_accepted_at is None:
            raise BillingError(
                "Le lieu n'a pas encore accepté l'autofacturation par écrit.",
                status=409,
                code="autofacturation_non_acceptee",
            )
    elif not can_sell_for(actor, seller):
        raise BillingError(
            "C'est l'équipe du lieu qui émet sa facture.", status=403, code="interdit"
        )
    network = network_entity()
    with transaction.atomic():
        current = SettlementStatement.objects.select_for_update().get(pk=statement.pk)
        if current.invoice_id is not None:
            raise BillingError(
                f"Ce relevé est déjà facturé ({current.invoice.reference}).",
                status=409,
                code="deja_facture",
            )
        if current.status != SettlementStatement.Status.ACCEPTED:
            raise BillingError(
                "Le lieu doit d'abord accepter ce relevé.", status=409, code="non_accepte"
            )
        lines = _invoice_lines(current, 0 if seller.is_franchise else 2000)
        if not lines:
            raise BillingError("Ce relevé est à zéro : il n'y a rien à facturer.", status=409)
        reason = (
            f"Autofacturation : facture émise par {network.name} au nom et pour le compte de "
            f"{seller.name}"
            if self_billing
            else ""
        )
        invoice = invoice_create(
            seller=seller,
            buyer=Buyer(entity=network),
            lines=lines,
            actor=actor,
            now=now,
            reason=reason,
            self_billed=self_billing,
            service_start=current.month,
            service_end=_month_last_day(current.month),
        )
        SettlementStatement.objects.filter(pk=current.pk).update(
            status=SettlementStatement.Status.INVOICED, invoice=invoice
        )
        audit_record(
            actor=actor,
            action="settlement.invoice",
            obj=current,
            summary=invoice.reference,
            data={"invoice": invoice.pk, "self_billing": self_billing},
        )
    statement.refresh_from_db()
    return invoice


def _month_last_day(month: date) -> date:
    return date.fromordinal(next_month(month).toordinal() - 1)
