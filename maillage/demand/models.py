"""Stated demand for a place near home: one row per person's statement (web form, confirmed by
e-mail) or per survey answer (imported by the coordination). Only communes are kept, never an
address: the demand is published per commune / EPCI with small counts suppressed."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.places.models import Place, Service
from maillage.territory.models import Commune


class Need(models.TextChoices):
    DESK = "poste", _("Un poste de travail (espace partagé)")
    OFFICE = "bureau", _("Un bureau fermé")
    ROOM = "salle", _("Une salle de réunion")
    FABLAB = "fablab", _("Un atelier / fablab")


class CommuteMode(models.TextChoices):
    CAR = "voiture", _("Voiture")
    TRANSIT = "transports", _("Transports en commun")
    ACTIVE = "velo-marche", _("Vélo ou marche")
    OTHER = "autre", _("Autre")
    UNKNOWN = "", _("Non renseigné")


class Willingness(models.TextChoices):
    YES = "oui", _("Oui")
    MAYBE = "peut-etre", _("Peut-être")
    NO = "non", _("Non")
    UNKNOWN = "", _("Non renseigné")


class SurveyImport(models.Model):
    """One imported survey export: the mapping used and what was repaired or skipped."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom de l'enquête"), max_length=200)
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("importée le"), auto_now_add=True)
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict)
    rows_read = models.PositiveIntegerField(_("lignes lues"), default=0)
    rows_imported = models.PositiveIntegerField(_("lignes importées"), default=0)
    report = models.JSONField(_("compte rendu (réparations, lignes écartées)"), default=list)

    class Meta:
        verbose_name = _("enquête importée")
        verbose_name_plural = _("enquêtes importées")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class DemandStatement(models.Model):
    class Source(models.TextChoices):
        FORM = "formulaire", _("Formulaire « Je veux un lieu »")
        SURVEY = "enquete", _("Enquête importée")

    class Status(models.TextChoices):
        PENDING = "en-attente", _("À confirmer")
        CONFIRMED = "confirmee", _("Confirmée")
        WITHDRAWN = "retiree", _("Retirée")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("origine"), max_length=12, choices=Source.choices)
    survey = models.ForeignKey(
        SurveyImport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("enquête"),
    )
    # A form statement has an account or a confirmed e-mail (to be told when a place opens); a
    # survey answer has neither.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demand_statements",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="demand_statements",
        verbose_name=_("commune de résidence"),
    )
    work_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune de travail"),
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("jours par semaine dans un lieu"), null=True, blank=True
    )
    needs = models.JSONField(_("besoins"), default=list, blank=True)  # Need values
    services = models.ManyToManyField(Service, blank=True, related_name="+")
    commute_mode = models.CharField(
        _("mode de déplacement actuel"),
        max_length=12,
        choices=CommuteMode.choices,
        blank=True,
        default="",
    )
    commute_km = models.PositiveIntegerField(_("trajet actuel (km, aller)"), null=True, blank=True)
    commute_minutes = models.PositiveIntegerField(
        _("trajet actuel (minutes, aller)"), null=True, blank=True
    )
    willingness = models.CharField(
        _("prêt à utiliser un lieu"),
        max_length=10,
        choices=Willingness.choices,
        blank=True,
        default=Willingness.YES,
    )
    notify_opening = models.BooleanField(_("prévenir à l'ouverture d'un lieu"), default=True)
    created_at = models.DateTimeField(_("déclarée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de lieu")
        verbose_name_plural = _("demandes de lieu")
        indexes = [
            models.Index(fields=["status", "commune"]),
            # One person's statements by address (replacement, locking): without it a scan.
            models.Index(fields=["email"], name="demand_statement_email"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True)
                | Q(days_per_week__gte=1, days_per_week__lte=7),
                name="demand_days_in_week",
            ),
            models.CheckConstraint(
                condition=Q(commute_km__isnull=True) | Q(commute_km__lte=1000),
                name="demand_commute_km_bounded",
            ),
            models.CheckConstraint(
                condition=Q(commute_minutes__isnull=True) | Q(commute_minutes__lte=600),
                name="demand_commute_minutes_bounded",
            ),
            models.CheckConstraint(
                condition=Q(source="enquete", survey__isnull=False)
                | Q(source="formulaire", survey__isnull=True),
                name="demand_survey_iff_survey_source",
            ),
            models.CheckConstraint(
                condition=Q(status="en-attente", confirmed_at__isnull=True)
                | Q(status__in=["confirmee", "retiree"], confirmed_at__isnull=False),
                name="demand_confirmed_has_date",
            ),
            # One active statement per person (demand/services.py replaces the previous one
            # when a new one is confirmed); addresses are stored in lower case.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="confirmee", user__isnull=False),
                name="demand_one_confirmed_per_account",
                violation_error_message=_("Une demande est déjà enregistrée pour ce compte."),
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status="confirmee") & ~Q(email=""),
                name="demand_one_confirmed_per_email",
                violation_error_message=_("Une demande est déjà enregistrée pour cette adresse."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — {self.commune_id}"


class OpeningNotice(models.Model):
    """A place opening near a statement was announced to its author: once per pair."""

    statement = models.ForeignKey(
        DemandStatement, on_delete=models.CASCADE, related_name="opening_notices"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "place"], name="demand_one_notice_per_place"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} → {self.place_id}"
