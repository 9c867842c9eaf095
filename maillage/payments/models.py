"""Money received and handed back against invoices, card checkouts and the provider's webhooks.

A recorded payment is never edited nor deleted (migration 0002, triggers on both engines): a
mistake is corrected by a refund row, the way an invoice is corrected by a credit note. The
database also makes a replayed webhook harmless: one payment per provider reference
(`UNIQUE(provider, provider_ref)`), one log row per provider event (docs/decisions/0028).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    class Kind(models.TextChoices):
        PAYMENT = "payment", _("paiement")
        REFUND = "refund", _("remboursement")

    class Method(models.TextChoices):
        CASH = "cash", _("espèces")
        CARD_ON_SITE = "card_on_site", _("carte bancaire au lieu")
        CHEQUE = "cheque", _("chèque")
        TRANSFER = "transfer", _("virement")
        ONLINE_CARD = "online_card", _("carte bancaire en ligne")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    method = models.CharField(_("moyen de paiement"), max_length=15, choices=Method.choices)
    amount_cents = models.BigIntegerField(_("montant (centimes)"))
    received_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    provider = models.CharField(_("prestataire"), max_length=20, blank=True)
    provider_ref = models.CharField(_("référence chez le prestataire"), max_length=255, blank=True)
    # A form's double click: the same key on the same invoice gives back the first payment.
    idempotency_key = models.CharField(max_length=100, blank=True)
    # A refund: the payment it hands back, and the credit note that justifies it.
    refund_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    credit_note = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_payments",
        verbose_name=_("avoir"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["invoice", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("Le montant d'un paiement est positif."),
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="payment_provider_ref_once",
                violation_error_message=_("Ce paiement est déjà enregistré."),
            ),
            models.UniqueConstraint(
                fields=["invoice", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payment_idempotency_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="payment") & Q(refund_of__isnull=True))
                | (Q(kind="refund") & Q(refund_of__isnull=False) & Q(credit_note__isnull=False)),
                name="payment_refund_has_origin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents} c — {self.invoice}"


class CheckoutSession(models.Model):
    """A card payment page opened at the provider for one invoice."""

    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        PAID = "paid", _("payée")
        EXPIRED = "expired", _("expirée")
        FAILED = "failed", _("échouée")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, related_name="checkout_sessions"
    )
    provider = models.CharField(max_length=20)
    provider_id = models.CharField(max_length=255, unique=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    amount_cents = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    url = models.URLField(max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("paiement en ligne")
        verbose_name_plural = _("paiements en ligne")
        ordering = ["invoice", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="checkout_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.provider_id


class WebhookEvent(models.Model):
    """Every verified notification from a provider, once: the log and the replay guard."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("suite donnée"), max_length=200)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("notification du prestataire")
        verbose_name_plural = _("notifications du prestataire")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
