"""Employer accounts: a company or a public body pays its employees' days in the network's
places, within monthly rules it sets per employee, and receives one invoice a month from the
network (employers.services.employer_month_invoice).

Privacy by design: the employer sees figures per employee (days, amounts, km avoided), never the
places or the dates, unless the employee consents (`Employee.shares_details`).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Bounds of a monthly budget: what a month can hold, and an amount nobody types on purpose.
MAX_BUDGET_DAYS = 31
MAX_BUDGET_CENTS = 1_000_000


class BudgetUnit(models.TextChoices):
    DAYS = "days", _("jours")
    EUROS = "euros", _("euros")


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Employer(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entity = models.OneToOneField(
        "billing.LegalEntity",
        on_delete=models.PROTECT,
        related_name="employer",
        verbose_name=_("identité juridique"),
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="employer_accounts",
        verbose_name=_("administrateurs"),
    )
    email_domain = models.CharField(
        _("domaine des adresses e-mail des salariés"),
        max_length=120,
        blank=True,
        help_text=_(
            "Par exemple « exemple.fr » : ses adresses rejoignent le compte d'elles-mêmes."
        ),
    )
    # The rules a person joining by the e-mail domain starts with.
    default_budget_unit = models.CharField(
        _("unité du budget par défaut"),
        max_length=5,
        choices=BudgetUnit.choices,
        default=BudgetUnit.DAYS,
    )
    default_monthly_budget = models.PositiveIntegerField(
        _("budget mensuel par défaut (jours ou centimes)"), default=4
    )
    default_rooms_included = models.BooleanField(_("salles de réunion comprises"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compte employeur")
        verbose_name_plural = _("comptes employeur")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email_domain="") | Q(email_domain__regex=r"^[a-z0-9.-]+\.[a-z]{2,}$"),
                name="employer_domain_lower_case",
                violation_error_message=_("Le domaine s'écrit en minuscules, sans @."),
            ),
            models.CheckConstraint(
                condition=(Q(default_budget_unit="days") & Q(default_monthly_budget__lte=31))
                | (Q(default_budget_unit="euros") & Q(default_monthly_budget__lte=1_000_000)),
                name="employer_default_budget_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.entity.name if self.entity_id else str(self.public_id)


class Invitation(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_live_per_email",
                violation_error_message=_("Une invitation est déjà en cours pour cette adresse."),
            )
        ]

    def __str__(self) -> str:
        return self.email


class Employee(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("actif")
        LEFT = "left", _("parti")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employments"
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ACTIVE)
    budget_unit = models.CharField(
        _("unité du budget"), max_length=5, choices=BudgetUnit.choices, default=BudgetUnit.DAYS
    )
    monthly_budget = models.PositiveIntegerField(_("budget mensuel (jours ou centimes)"), default=4)
    allowed_places = models.ManyToManyField(
        "places.Place",
        blank=True,
        related_name="+",
        verbose_name=_("lieux autorisés (aucun : tous les lieux du réseau)"),
    )
    allowed_departement = models.ForeignKey(
        "territory.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département autorisé"),
    )
    allowed_epci = models.ForeignKey(
        "territory.EPCI",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intercommunalité autorisée"),
    )
    rooms_included = models.BooleanField(_("salles de réunion comprises"), default=False)
    shares_details = models.BooleanField(
        _("je montre à mon employeur les lieux et les dates"), default=False
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("salarié")
        verbose_name_plural = _("salariés")
        ordering = ["employer", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "user"],
                name="employee_unique_per_employer",
                violation_error_message=_("Cette personne est déjà salariée de ce compte."),
            ),
            models.CheckConstraint(
                condition=Q(allowed_departement__isnull=True) | Q(allowed_epci__isnull=True),
                name="employee_one_area",
                violation_error_message=_("Un département ou une intercommunalité, pas les deux."),
            ),
            models.CheckConstraint(
                condition=(Q(budget_unit="days") & Q(monthly_budget__lte=31))
                | (Q(budget_unit="euros") & Q(monthly_budget__lte=1_000_000)),
                name="employee_budget_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.employer}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class EmployerInvoice(models.Model):
    """The network's invoice to an employer for one month of its employees' bookings."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="month_invoices")
    month = models.DateField(_("mois (premier jour)"))
    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, related_name="employer_month"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("facture mensuelle employeur")
        verbose_name_plural = _("factures mensuelles employeur")
        ordering = ["employer", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "month"],
                name="employer_invoice_one_per_month",
                violation_error_message=_("Ce mois est déjà facturé."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} — {self.month:%m/%Y}"
