"""What pays for a booking besides the place's price: member plans and prepaid passes."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.places.models import Place


class Unit(models.TextChoices):
    HOUR = "hour", _("heure")
    HALF_DAY = "half_day", _("demi-journée")
    DAY = "day", _("journée")


class Plan(models.Model):
    """A monthly member plan of one place: unlimited, or a number of days a month."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("nom"), max_length=120)
    days_per_month = models.PositiveSmallIntegerField(
        _("jours par mois"), null=True, blank=True, help_text=_("Vide : accès illimité.")
    )
    price_month_cents = models.PositiveIntegerField(_("prix mensuel (centimes TTC)"), default=0)
    is_active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("formule d'abonnement")
        verbose_name_plural = _("formules d'abonnement")
        ordering = ["place", "name"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="subscription_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} — {self.user}"


class PassProduct(models.Model):
    """A carnet on sale: of one place, or of the network (place empty, sold by the coordinator)."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, null=True, blank=True, related_name="pass_products"
    )
    name = models.CharField(_("nom"), max_length=120)
    unit = models.CharField(
        _("unité"),
        max_length=10,
        choices=[(Unit.HALF_DAY, _("demi-journée")), (Unit.DAY, _("journée"))],
    )
    units = models.PositiveSmallIntegerField(_("nombre d'unités"))
    price_cents = models.PositiveIntegerField(_("prix (centimes TTC)"), default=0)
    validity_days = models.PositiveSmallIntegerField(_("validité (jours)"), default=365)
    is_active = models.BooleanField(_("en vente"), default=True)

    class Meta:
        verbose_name = _("carnet (produit)")
        verbose_name_plural = _("carnets (produits)")
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="passproduct_units_positive")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_network(self) -> bool:
        return self.place_id is None


class Pass(models.Model):
    """A carnet someone holds; `units_left` only moves with a ledger row, in one transaction."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passes"
    )
    product = models.ForeignKey(PassProduct, on_delete=models.PROTECT, related_name="passes")
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passes",
        help_text=_("Vide : pass réseau, valable dans tous les lieux participants."),
    )
    unit = models.CharField(max_length=10, choices=Unit.choices)
    units_total = models.PositiveSmallIntegerField()
    units_left = models.IntegerField()
    expires_on = models.DateField(_("valable jusqu'au"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("carnet")
        verbose_name_plural = _("carnets")
        constraints = [
            models.CheckConstraint(
                condition=Q(units_left__gte=0) & Q(units_left__lte=models.F("units_total")),
                name="pass_units_left_in_range",
                violation_error_message=_("Le carnet est épuisé."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} — {self.owner}"

    @property
    def is_network(self) -> bool:
        return self.place_id is None


class PassLedger(models.Model):
    """Append-only: every unit credited or used, and where it was used (network settlement)."""

    class Reason(models.TextChoices):
        SALE = "sale", _("achat")
        USE = "use", _("utilisation")
        REFUND = "refund", _("remboursement (annulation)")

    pass_ref = models.ForeignKey(Pass, on_delete=models.PROTECT, related_name="ledger")
    delta = models.IntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    booking = models.ForeignKey(
        "booking.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pass_moves",
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="pass_moves"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mouvement de carnet")
        verbose_name_plural = _("mouvements de carnets")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="passledger_delta_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.delta:+d} — {self.pass_ref}"
