"""The network pass sold by the coordination, and what the network owes each place.

- `NetworkPassSale`: one sale of network passes from the coordination's page (to a person or an
  employer), with its invoice and the passes it created; the form's idempotency key makes a
  double click sell once.
- `SettlementAgreement`: what the network pays a place per pass unit used there, and whether the
  place agreed to self-billing (the coordination then issues the place's invoice for it).
- `SettlementStatement` (one per place and month) and its `SettlementLine` rows: the monthly
  statement, proposed by the coordination, accepted by the place, then invoiced to the network.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NetworkPassSale(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True)
    product = models.ForeignKey(
        "booking.PassProduct", on_delete=models.PROTECT, related_name="network_sales"
    )
    quantity = models.PositiveSmallIntegerField(_("nombre de pass"))
    buyer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_pass_purchases",
    )
    buyer_entity = models.ForeignKey(
        "billing.LegalEntity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_pass_purchases",
    )
    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, related_name="network_pass_sale"
    )
    passes = models.ManyToManyField("booking.Pass", related_name="network_sales")
    paid_method = models.CharField(_("mode de paiement"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vente de pass réseau")
        verbose_name_plural = _("ventes de pass réseau")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=50), name="sale_quantity_1_50"
            ),
            models.CheckConstraint(
                condition=Q(buyer_user__isnull=False) | Q(buyer_entity__isnull=False),
                name="sale_has_buyer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"


class SettlementAgreement(models.Model):
    """Rates are TTC amounts per pass unit used at the place (the cash the network pays)."""

    place = models.OneToOneField(
        "places.Place", on_delete=models.PROTECT, related_name="settlement_agreement"
    )
    rate_day_cents = models.PositiveIntegerField(_("reversement par journée (centimes TTC)"))
    rate_half_day_cents = models.PositiveIntegerField(
        _("reversement par demi-journée (centimes TTC)")
    )
    self_billing = models.BooleanField(_("autofacturation par la coordination"), default=False)
    self_billing_accepted_at = models.DateTimeField(
        _("accord écrit du lieu à l'autofacturation"), null=True, blank=True
    )
    self_billing_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valid_from = models.DateField(_("en vigueur à partir du"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("convention de reversement")
        verbose_name_plural = _("conventions de reversement")
        ordering = ["place"]

    def __str__(self) -> str:
        return str(self.place)


class SettlementStatement(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposé")
        ACCEPTED = "accepted", _("accepté")
        INVOICED = "invoiced", _("facturé")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="settlement_statements"
    )
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    units_day = models.IntegerField(_("journées de pass"), default=0)
    units_half_day = models.IntegerField(_("demi-journées de pass"), default=0)
    rate_day_cents = models.PositiveIntegerField(default=0)
    rate_half_day_cents = models.PositiveIntegerField(default=0)
    pass_amount_cents = models.BigIntegerField(default=0)
    employer_amount_cents = models.BigIntegerField(default=0)
    total_cents = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.OneToOneField(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement_statement",
    )

    class Meta:
        verbose_name = _("relevé de reversement")
        verbose_name_plural = _("relevés de reversement")
        ordering = ["-month", "place"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "month"],
                name="statement_one_per_place_month",
                violation_error_message=_("Ce lieu a déjà son relevé pour ce mois."),
            ),
            models.CheckConstraint(
                condition=Q(
                    total_cents=models.F("pass_amount_cents") + models.F("employer_amount_cents")
                ),
                name="statement_total_is_sum",
            ),
            models.CheckConstraint(
                condition=~Q(status="invoiced") | Q(invoice__isnull=False),
                name="statement_invoiced_has_invoice",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(accepted_at__isnull=False),
                name="statement_accepted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.month:%m/%Y}"


class SettlementLine(models.Model):
    class Kind(models.TextChoices):
        PASS = "pass", _("pass réseau")
        EMPLOYER = "employer", _("payée par l'employeur")

    statement = models.ForeignKey(
        SettlementStatement, on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.PROTECT, related_name="settlement_lines"
    )
    day = models.DateField(_("jour"))
    unit = models.CharField(_("unité"), max_length=10, blank=True)
    units = models.IntegerField(_("unités"), default=0)
    amount_cents = models.BigIntegerField(_("montant (centimes TTC)"))

    class Meta:
        verbose_name = _("ligne de relevé")
        verbose_name_plural = _("lignes de relevé")
        ordering = ["statement", "day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "booking", "kind"], name="statementline_once_per_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:%d/%m/%Y}"
