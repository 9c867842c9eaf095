"""Writing invoices: drafts, issue (number, totals, hash), credit notes, closing a period.

Every write to invoices goes through here (admin and forms included). The database backs the
rules that concurrency could break (migration 0002 triggers, `UNIQUE(seller, number)`).
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.billing import archive, chain
from maillage.billing.amounts import line_net, net_from_ttc, totals
from maillage.billing.errors import BillingError
from maillage.billing.models import (
    VAT_RATES_BP,
    AccountingPeriod,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    LegalEntity,
)
from maillage.billing.parties import entity_snapshot, person_snapshot
from maillage.booking.timeslots import local_day

MAX_LINES = 2000
MAX_UNIT_PRICE_CENTS = 100_000_000  # one million euros: anything above is a typing error
MAX_QUANTITY = Decimal(100_000)
FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"


@dataclass
class LineInput:
    label: str
    quantity: Decimal
    unit_price_ht_cents: int
    vat_rate_bp: int
    unit: str = "C62"
    service_date: date | None = None
    booking_id: int | None = None
    pass_id: int | None = None

    @classmethod
    def from_line(cls, line: InvoiceLine) -> "LineInput":
        """The same line again: what a credit note for that line carries."""
        return cls(
            label=line.label,
            quantity=line.quantity,
            unit_price_ht_cents=line.unit_price_ht_cents,
            vat_rate_bp=line.vat_rate_bp,
            unit=line.unit,
            service_date=line.service_date,
            booking_id=line.booking_id,
            pass_id=line.pass_ref_id,
        )

    @classmethod
    def from_ttc(cls, *, label: str, unit_price_ttc_cents: int, vat_rate_bp: int, quantity=1, **kw):
        """A platform price (TTC, what the buyer saw) as an invoice line (HT)."""
        return cls(
            label=label,
            quantity=Decimal(quantity),
            unit_price_ht_cents=net_from_ttc(unit_price_ttc_cents, vat_rate_bp),
            vat_rate_bp=vat_rate_bp,
            **kw,
        )


@dataclass
class Buyer:
    user: object | None = None
    entity: LegalEntity | None = None
    address: str = ""
    postcode: str = ""
    city: str = ""
    order_ref: str = ""
    data: dict = field(default_factory=dict)

    def snapshot(self) -> dict:
        if self.entity is not None:
            return entity_snapshot(self.entity)
        return person_snapshot(
            self.user, address=self.address, postcode=self.postcode, city=self.city
        )


def _check_lines(seller: LegalEntity, lines: list[LineInput]) -> None:
    if not lines:
        raise BillingError("Une facture compte au moins une ligne.", field="lignes")
    if len(lines) > MAX_LINES:
        raise BillingError(f"Une facture compte au plus {MAX_LINES} lignes.", field="lignes")
    for number, line in enumerate(lines, start=1):
        where = f"ligne {number}"
        if not (line.label or "").strip():
            raise BillingError(f"{where} : la désignation est obligatoire.", field="designation")
        if len(line.label) > 300:
            raise BillingError(
                f"{where} : désignation trop longue (300 caractères).", field="designation"
            )
        try:
            quantity = Decimal(line.quantity)
        except (InvalidOperation, TypeError, ValueError):
            raise BillingError(f"{where} : quantité illisible.", field="quantite") from None
        if not quantity.is_finite() or not (0 < quantity <= MAX_QUANTITY):
            raise BillingError(
                f"{where} : la quantité doit être positive (100 000 au plus).", field="quantite"
            )
        if quantity != quantity.quantize(Decimal("0.001")):
            raise BillingError(
                f"{where} : trois décimales au plus pour la quantité.", field="quantite"
            )
        if not isinstance(line.unit_price_ht_cents, int) or line.unit_price_ht_cents < 0:
            raise BillingError(f"{where} : le prix ne peut pas être négatif.", field="prix")
        if line.unit_price_ht_cents > MAX_UNIT_PRICE_CENTS:
            raise BillingError(
                f"{where} : prix unitaire absurde (plus d'un million d'euros).", field="prix"
            )
        if line.vat_rate_bp not in VAT_RATES_BP:
            raise BillingError(
                f"{where} : ce taux de TVA n'existe pas (20 %, 10 %, 8,5 %, 5,5 %, 2,1 % ou 0 %).",
                field="tva",
            )
        if seller.is_franchise and line.vat_rate_bp:
            raise BillingError(
                f"{where} : {seller.name} est en franchise de TVA, le taux est 0 %.", field="tva"
            )


def _check_buyer(buyer: Buyer) -> None:
    if buyer.entity is None and buyer.user is None:
        raise BillingError("Indiquez l'acheteur.", field="acheteur")
    entity = buyer.entity
    if entity is not None and entity.is_public_body and not (entity.siret and entity.service_code):
        raise BillingError(
            "Un acheteur public est facturé sur Chorus Pro : "
            "il faut son SIRET et son code service.",
            field="acheteur",
        )


def invoice_draft(
    *,
    seller: LegalEntity,
    buyer: Buyer,
    lines: list[LineInput],
    service_start: date | None = None,
    service_end: date | None = None,
    kind: str = Invoice.Kind.INVOICE,
    corrects: Invoice | None = None,
    reason: str = "",
    self_billed: bool = False,
    created_by=None,
) -> Invoice:
    """A draft: no number yet, editable, deletable. Identities are frozen from now on."""
    _check_lines(seller, lines)
    _check_buyer(buyer)
    if service_start and service_end and service_end < service_start:
        raise BillingError("La fin de la prestation précède son début.", field="periode")
    with transaction.atomic():
        invoice = Invoice.objects.create(
            seller=seller,
            kind=kind,
            corrects=corrects,
            reason=reason[:300],
            self_billed=self_billed,
            buyer_user=buyer.user,
            buyer_entity=buyer.entity,
            seller_data=entity_snapshot(seller),
            buyer_data=buyer.snapshot(),
            buyer_order_ref=buyer.order_ref[:50],
            service_start=service_start,
            service_end=service_end,
            created_by=created_by,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                label=line.label.strip(),
                quantity=Decimal(line.quantity),
                unit=line.unit,
                unit_price_ht_cents=line.unit_price_ht_cents,
                net_cents=line_net(Decimal(line.quantity), line.unit_price_ht_cents),
                vat_rate_bp=line.vat_rate_bp,
                service_date=line.service_date,
                booking_id=line.booking_id,
                pass_ref_id=line.pass_id,
            )
            for position, line in enumerate(lines, start=1)
        )
    return invoice


def series_lock(seller: LegalEntity) -> InvoiceCounter:
    """The seller's counter row, locked until commit (SQLite: the IMMEDIATE transaction)."""
    InvoiceCounter.objects.bulk_create([InvoiceCounter(seller=seller)], ignore_conflicts=True)
    return InvoiceCounter.objects.select_for_update().get(seller=seller)


def _closed_until(seller: LegalEntity) -> date | None:
    return AccountingPeriod.objects.filter(seller=seller).aggregate(end=Max("ends_on"))["end"]


def _frozen_error(error: IntegrityError) -> BillingError | None:
    text = str(error)
    if "période close" in text:
        return BillingError(
            "Cette période est close : rien ne peut y être émis.", status=409, code="periode_close"
        )
    if "maillage: " in text:
        return BillingError(
            "Une facture émise ne se modifie pas : établissez un avoir.",
            status=409,
            code="facture_emise",
        )
    return None


def invoice_issue(*, invoice: Invoice, actor=None, now: datetime | None = None) -> Invoice:
    """Give the draft its number, totals and hash, in one transaction with the counter locked.

    Side effects: the counter moves by one; an `invoice.issue` audit event.
    """
    now = now or timezone.now()
    today = local_day(now)
    try:
        with transaction.atomic():
            counter = series_lock(invoice.seller)
            current = Invoice.objects.select_related("seller").get(pk=invoice.pk)
            if current.status != Invoice.Status.DRAFT:
                raise BillingError("Cette facture est déjà émise.", status=409, code="deja_emise")
            closed = _closed_until(current.seller)
            if closed and today <= closed:
                raise BillingError(
                    f"La période jusqu'au {closed:%d/%m/%Y} est close : rien ne peut y être émis.",
                    status=409,
                    code="periode_close",
                )
            lines = list(current.lines.all())
            sums = totals((line.net_cents, line.vat_rate_bp) for line in lines)
            previous = (
                Invoice.objects.filter(seller=current.seller, number=counter.next_number - 1)
                .values_list("hash", flat=True)
                .first()
            )
            current.number = counter.next_number
            current.reference = f"{current.seller.invoice_prefix}{counter.next_number:06d}"
            current.issue_date = today
            current.issued_at = now
            terms = current.buyer_data.get("payment_terms_days") or 0
            if current.buyer_data.get("is_business"):
                terms = current.seller.payment_terms_days
            current.due_date = today + timedelta(days=int(terms))
            current.total_ht_cents = sums.ht_cents
            current.total_vat_cents = sums.vat_cents
            current.total_ttc_cents = sums.ttc_cents
            current.previous_hash = previous or ""
            current.hash = chain.invoice_hash(current, lines)
            current.status = Invoice.Status.ISSUED
            current.save()
            counter.next_number += 1
            counter.save(update_fields=["next_number"])
            audit_record(
                actor=actor,
                action="invoice.issue",
                obj=current,
                summary=current.reference,
                data={"seller": current.seller_id, "ttc_cents": current.total_ttc_cents},
            )
    except IntegrityError as error:
        if mapped := _frozen_error(error):
            raise mapped from error
        raise
    return current


def invoice_create(
    *, seller: LegalEntity, buyer: Buyer, lines: list[LineInput], actor=None, now=None, **kw
) -> Invoice:
    """Draft and issue at once, in one transaction: what the platform's own sales do."""
    with transaction.atomic():
        draft = invoice_draft(seller=seller, buyer=buyer, lines=lines, created_by=actor, **kw)
        return invoice_issue(invoice=draft, actor=actor, now=now)


def invoice_draft_delete(*, invoice: Invoice, actor=None) -> None:
    try:
        with transaction.atomic():
            deleted, _ = Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.DRAFT).delete()
    except IntegrityError as error:
        if mapped := _frozen_error(error):
            raise mapped from error
        raise
    if not deleted:
        raise BillingError(
            "Une facture émise ne se supprime pas : établissez un avoir.",
            status=409,
            code="facture_emise",
        )


def creditable_cents(original: Invoice) -> int:
    credited = sum(
        note.total_ttc_cents for note in original.credit_notes.filter(status=Invoice.Status.ISSUED)
    )
    return original.total_ttc_cents - credited


def credit_note_issue(
    *,
    original: Invoice,
    reason: str,
    lines: list[LineInput] | None = None,
    actor=None,
    now: datetime | None = None,
) -> Invoice:
    """The only correction of an issued invoice: an avoir referring to it, for all of it (no
    lines given) or part. Never more than what is left to credit."""
    if original.kind != Invoice.Kind.INVOICE or not original.is_issued:
        raise BillingError("Un avoir corrige une facture émise.", field="facture")
    if not reason.strip():
        raise BillingError("Indiquez le motif de l'avoir.", field="motif")
    if lines is None:
        lines = [LineInput.from_line(line) for line in original.lines.all()]
    with transaction.atomic():
        series_lock(original.seller)
        wanted = totals(
            (line_net(Decimal(x.quantity), x.unit_price_ht_cents), x.vat_rate_bp) for x in lines
        )
        left = creditable_cents(original)
        if wanted.ttc_cents > left:
            raise BillingError(
                f"L'avoir dépasse ce qui reste à créditer sur {original.reference}.",
                status=409,
                code="avoir_excessif",
            )
        draft = invoice_draft(
            seller=original.seller,
            buyer=Buyer(user=original.buyer_user, entity=original.buyer_entity),
            lines=lines,
            kind=Invoice.Kind.CREDIT_NOTE,
            corrects=original,
            reason=reason.strip(),
            self_billed=original.self_billed,
            service_start=original.service_start,
            service_end=original.service_end,
            created_by=actor,
        )
        # An avoir keeps the identities printed on the invoice it corrects.
        Invoice.objects.filter(pk=draft.pk).update(
            seller_data=original.seller_data, buyer_data=original.buyer_data
        )
        draft.refresh_from_db()
        return invoice_issue(invoice=draft, actor=actor, now=now)


def signed_ttc(invoice: Invoice) -> int:
    return -invoice.total_ttc_cents if invoice.is_credit_note else invoice.total_ttc_cents


def period_close(
    *, seller: LegalEntity, starts_on: date, ends_on: date, actor=None, now: datetime | None = None
) -> AccountingPeriod:
    """Close [starts_on, ends_on]: nothing can be issued into it afterwards. Periods follow one
    another without gap; the archive is written and its checksum chained.

    Side effects: a ZIP in the `archives` storage; a `period.close` audit event.
    """
    now = now or timezone.now()
    if ends_on < starts_on:
        raise BillingError("La fin de la période précède son début.", field="fin")
    if ends_on >= local_day(now):
        raise BillingError(
            "On ne clôt qu'une période terminée (fin avant aujourd'hui).", field="fin"
        )
    if (ends_on - starts_on).days > 366:
        raise BillingError("Une période compte au plus un an.", field="fin")
    with transaction.atomic():
        series_lock(seller)
        last = AccountingPeriod.objects.filter(seller=seller).order_by("-ends_on").first()
        if AccountingPeriod.objects.filter(seller=seller, starts_on=starts_on).exists():
            raise BillingError("Cette période est déjà close.", status=409, code="deja_close")
        if last and starts_on <= last.ends_on:
            raise BillingError(
                "Cette période chevauche une période déjà close "
                f"(jusqu'au {last.ends_on:%d/%m/%Y}).",
                status=409,
                code="deja_close",
            )
        if last and starts_on != last.ends_on + timedelta(days=1):
            raise BillingError(
                f"La période doit commencer le {last.ends_on + timedelta(days=1):%d/%m/%Y}, "
                "au lendemain de la dernière période close.",
                field="debut",
            )
        if (
            not last
            and Invoice.objects.filter(
                seller=seller, status=Invoice.Status.ISSUED, issue_date__lt=starts_on
            ).exists()
        ):
            raise BillingError(
                "Des factures ont été émises avant cette date : "
                "la première période doit les inclure.",
                field="debut",
            )
        documents = list(
            Invoice.objects.filter(
                seller=seller,
                status=Invoice.Status.ISSUED,
                issue_date__gte=starts_on,
                issue_date__lte=ends_on,
            )
            .order_by("number")
            .prefetch_related("lines")
        )
        content = archive.build(seller, starts_on, ends_on, documents)
        total_ht = sum(
            -d.total_ht_cents if d.is_credit_note else d.total_ht_cents for d in documents
        )
        total_vat = sum(
            -d.total_vat_cents if d.is_credit_note else d.total_vat_cents for d in documents
        )
        total_ttc = sum(signed_ttc(d) for d in documents)
        period = AccountingPeriod(
            seller=seller,
            starts_on=starts_on,
            ends_on=ends_on,
            closed_at=now,
            closed_by=actor if getattr(actor, "is_authenticated", False) else None,
            documents=len(documents),
            first_number=documents[0].number if documents else None,
            last_number=documents[-1].number if documents else None,
            total_ht_cents=total_ht,
            total_vat_cents=total_vat,
            total_ttc_cents=total_ttc,
            perpetual_ttc_cents=(last.perpetual_ttc_cents if last else 0) + total_ttc,
            archive_sha256=hashlib.sha256(content).hexdigest(),
            previous_hash=last.hash if last else "",
        )
        period.hash = chain.period_hash(period)
        try:
            period.save()
        except IntegrityError as error:
            raise BillingError(
                "Cette période est déjà close.", status=409, code="deja_close"
            ) from error
        storage = storages["archives"]
        path = archive.path_for(seller, starts_on, ends_on)
        if storage.exists(path):
            storage.delete(path)
        storage.save(path, ContentFile(content))
        audit_record(
            actor=actor,
            action="period.close",
            obj=period,
            summary=str(period),
            data={"documents": len(documents), "ttc_cents": total_ttc},
        )
    return period
