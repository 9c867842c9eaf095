"""Invoices and credit notes, their lines, the per-seller counter and closed periods.

What the database guarantees on both engines (migration 0002, triggers): an issued document is
never updated or deleted, nor are its lines; nothing is issued into a closed period; a closed
period is never edited. Numbers come from `InvoiceCounter`, locked in the issuing transaction, and
`UNIQUE(seller, number)` refuses any duplicate (docs/decisions/0027-invoices-and-payments.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.billing.models.entities import LegalEntity

# French VAT rates in basis points: 20 %, 10 %, 8.5 % and 2.1 % (overseas), 5.5 %, 2.1 %, 0 %.
VAT_RATES_BP = (2000, 1000, 850, 550, 210, 0)


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("facture")
        CREDIT_NOTE = "credit", _("avoir")

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        ISSUED = "issued", _("émise")

    class Nature(models.TextChoices):
        SERVICES = "services", _("prestations de services")
        GOODS = "goods", _("livraisons de biens")
        MIXED = "mixed", _("opération mixte")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="invoices_sold")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    nature = models.CharField(max_length=10, choices=Nature.choices, default=Nature.SERVICES)
    number = models.PositiveIntegerField(_("numéro d'ordre"), null=True, blank=True)
    reference = models.CharField(_("numéro"), max_length=30, blank=True)
    issue_date = models.DateField(_("date d'émission"), null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    service_start = models.DateField(_("début de la prestation"), null=True, blank=True)
    service_end = models.DateField(_("fin de la prestation"), null=True, blank=True)
    # Who buys: a person (B2C), or a legal entity (an employer, a commune, the network).
    buyer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    buyer_entity = models.ForeignKey(
        LegalEntity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices_bought",
    )
    # Both identities as they were when the document was drafted, frozen at issue: a seller
    # that moves does not rewrite its past invoices (keys: billing.parties.snapshot).
    seller_data = models.JSONField(default=dict)
    buyer_data = models.JSONField(default=dict)
    buyer_order_ref = models.CharField(
        _("référence de commande de l'acheteur"), max_length=50, blank=True
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture corrigée"),
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    # Autofacturation (CGI art. 289 I-2): issued by the buyer in the name and on behalf of the
    # seller, in the seller's series, once the seller agreed in writing (type 389 in Factur-X).
    self_billed = models.BooleanField(_("autofacturation"), default=False)
    total_ht_cents = models.BigIntegerField(default=0)
    total_vat_cents = models.BigIntegerField(default=0)
    total_ttc_cents = models.BigIntegerField(default=0)
    # Inaltérabilité (CGI art. 286 I 3° bis): each issued document's hash covers its content
    # and the previous document's hash in the seller's series (billing.chain).
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["seller", "number", "id"]
        indexes = [models.Index(fields=["seller", "issue_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "number"],
                condition=Q(number__isnull=False),
                name="invoice_number_unique_per_seller",
                violation_error_message=_("Ce numéro de facture existe déjà chez ce vendeur."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="draft", number__isnull=True, hash="")
                    | (
                        Q(status="issued", number__isnull=False, issue_date__isnull=False)
                        & ~Q(hash="")
                        & ~Q(reference="")
                    )
                ),
                name="invoice_number_iff_issued",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", corrects__isnull=True)
                | Q(kind="credit", corrects__isnull=False),
                name="invoice_credit_note_corrects_one",
            ),
            models.CheckConstraint(
                condition=Q(buyer_user__isnull=False) | Q(buyer_entity__isnull=False),
                name="invoice_has_buyer",
            ),
            models.CheckConstraint(
                condition=Q(total_ht_cents__gte=0)
                & Q(total_vat_cents__gte=0)
                & Q(total_ttc_cents=models.F("total_ht_cents") + models.F("total_vat_cents")),
                name="invoice_totals_consistent",
            ),
            models.CheckConstraint(
                condition=Q(service_start__isnull=True)
                | Q(service_end__isnull=True)
                | Q(service_end__gte=models.F("service_start")),
                name="invoice_service_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"brouillon {self.public_id}"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("désignation"), max_length=300)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3)
    unit = models.CharField(
        _("unité (code UN/ECE)"),
        max_length=3,
        default="C62",
        help_text=_("C62 : unité ; DAY : jour ; HUR : heure ; MON : mois."),
    )
    unit_price_ht_cents = models.BigIntegerField(_("prix unitaire HT (centimes)"))
    net_cents = models.BigIntegerField(_("montant HT (centimes)"))
    vat_rate_bp = models.PositiveSmallIntegerField(_("taux de TVA (points de base)"))
    service_date = models.DateField(_("date de la prestation"), null=True, blank=True)
    # What the line is for, when it comes from the platform (settlement and reconciliation).
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )
    pass_ref = models.ForeignKey(
        "booking.Pass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
    )

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoiceline_quantity_pos"),
            models.CheckConstraint(
                condition=Q(unit_price_ht_cents__gte=0) & Q(net_cents__gte=0),
                name="invoiceline_amounts_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate_bp__in=VAT_RATES_BP),
                name="invoiceline_vat_rate_french",
                violation_error_message=_("Ce taux de TVA n'existe pas en France."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class InvoiceCounter(models.Model):
    """The next number of a seller's series. Locked and incremented in the transaction that
    issues, so a rolled-back issue leaves no hole (a sequence would)."""

    seller = models.OneToOneField(
        LegalEntity, on_delete=models.PROTECT, primary_key=True, related_name="invoice_counter"
    )
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")
        constraints = [
            models.CheckConstraint(condition=Q(next_number__gte=1), name="counter_positive")
        ]

    def __str__(self) -> str:
        return f"{self.seller} : {self.next_number}"


class AccountingPeriod(models.Model):
    """A closed period of one seller: created closed, never edited (trigger), chained like the
    invoices, with the period's grand total and the perpetual total since the first invoice."""

    seller = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="closed_periods")
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    documents = models.PositiveIntegerField(_("documents"))
    first_number = models.PositiveIntegerField(null=True)
    last_number = models.PositiveIntegerField(null=True)
    total_ht_cents = models.BigIntegerField(_("total HT de la période"))
    total_vat_cents = models.BigIntegerField(_("TVA de la période"))
    total_ttc_cents = models.BigIntegerField(_("total TTC de la période"))
    perpetual_ttc_cents = models.BigIntegerField(_("total perpétuel TTC"))
    archive_sha256 = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("période close")
        verbose_name_plural = _("périodes closes")
        ordering = ["seller", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "starts_on"],
                name="period_unique_start",
                violation_error_message=_("Cette période est déjà close."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seller} : {self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"
