"""Legal entities: who sells (a place's organisation, the network's coordinating body) and who
buys on invoice (an employer, a commune). One model for both, since an invoice needs the same
identity on each side (SIREN of both parties since the e-invoicing reform)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VatRegime(models.TextChoices):
    NORMAL = "normal", _("assujetti à la TVA")
    FRANCHISE = "franchise", _("franchise en base de TVA (art. 293 B du CGI)")


class LegalEntity(models.Model):
    name = models.CharField(_("raison sociale"), max_length=200)
    legal_form = models.CharField(
        _("forme juridique"), max_length=80, blank=True, help_text=_("SAS, SCIC, association…")
    )
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    rcs = models.CharField(
        _("immatriculation"),
        max_length=80,
        blank=True,
        help_text=_("« RCS Caen », ou vide pour une association non inscrite."),
    )
    share_capital = models.CharField(_("capital social"), max_length=40, blank=True)
    address = models.CharField(_("adresse"), max_length=250)
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("commune"), max_length=120)
    country = models.CharField(_("pays (code ISO)"), max_length=2, default="FR")
    email = models.EmailField(_("e-mail de facturation"), blank=True)
    electronic_address = models.CharField(
        _("adresse de facturation électronique"),
        max_length=100,
        blank=True,
        help_text=_(
            "Adresse de l'annuaire de la facturation électronique (schéma 0225), par exemple "
            "le SIREN ; vide : l'e-mail de facturation."
        ),
    )
    vat_regime = models.CharField(
        _("régime de TVA"), max_length=10, choices=VatRegime.choices, default=VatRegime.NORMAL
    )
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=15, blank=True)
    vat_on_debits = models.BooleanField(
        _("option pour le paiement de la TVA d'après les débits"), default=False
    )
    is_public_body = models.BooleanField(
        _("acheteur public (Chorus Pro)"),
        default=False,
        help_text=_(
            "Commune, département, établissement public : factures déposées sur Chorus Pro."
        ),
    )
    service_code = models.CharField(_("code service (Chorus Pro)"), max_length=100, blank=True)
    # Seller settings (ignored for an entity that only buys).
    invoice_prefix = models.CharField(
        _("préfixe des numéros de facture"), max_length=10, default="F-"
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("délai de paiement (jours)"), default=30
    )
    late_penalty_rate = models.CharField(
        _("taux des pénalités de retard"),
        max_length=120,
        default="trois fois le taux d'intérêt légal",
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # Who this entity is on the platform: a place's operator, or the network itself.
    organisation = models.OneToOneField(
        "places.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_entity",
        verbose_name=_("organisation gestionnaire"),
    )
    is_network = models.BooleanField(_("structure de coordination du réseau"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entité juridique")
        verbose_name_plural = _("entités juridiques")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="legalentity_siren_9_digits",
                violation_error_message=_("Le SIREN compte 9 chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(siret="") | (Q(siret__regex=r"^[0-9]{14}$")),
                name="legalentity_siret_14_digits",
                violation_error_message=_("Le SIRET compte 14 chiffres."),
            ),
            models.CheckConstraint(
                condition=~Q(vat_regime="franchise") | Q(vat_on_debits=False),
                name="legalentity_franchise_no_debits",
                violation_error_message=_(
                    "Une structure en franchise de TVA n'opte pas pour la TVA sur les débits."
                ),
            ),
            models.UniqueConstraint(
                fields=["is_network"],
                condition=Q(is_network=True),
                name="legalentity_one_network",
                violation_error_message=_("Le réseau a déjà sa structure de coordination."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_franchise(self) -> bool:
        return self.vat_regime == VatRegime.FRANCHISE
