"""The regional label: its criteria, places' applications, audits, decisions and awards.

What the database guarantees itself, on both engines: one open application per place and label
(a conditional unique constraint), one answer per criterion in an application, one award per
application, an award that ends after it starts, one reminder per award and delay. The workflow
(who may move an application to which state, the mandatory criteria before granting) is the
services' job, under the application's row lock. The history (`ApplicationStep`) is append-only.

Whether a place is labelled on a given day is computed from the award's dates and suspension
(`Award.objects.active_on(day)`), never stored: expiry needs no job and time-travel tests work.
"""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from maillage.places.models import Place

MIN_VALIDITY_MONTHS, MAX_VALIDITY_MONTHS = 6, 120
PARIS = ZoneInfo("Europe/Paris")  # the awards' dates are Paris calendar days


class LabelScheme(models.Model):
    """A label the coordination runs (usually one: « Label régional des tiers-lieux »)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=150, unique=True)
    short_name = models.CharField("nom court (badge)", max_length=40)
    description = models.TextField("présentation", max_length=5000, blank=True)
    validity_months = models.PositiveSmallIntegerField("durée de validité (mois)", default=36)
    # Renewal reminders are e-mailed to the place's team this many days before expiry, once each.
    reminder_days = models.JSONField("relances avant échéance (jours)", default=list)
    accepting = models.BooleanField("candidatures ouvertes", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "label"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    validity_months__gte=MIN_VALIDITY_MONTHS,
                    validity_months__lte=MAX_VALIDITY_MONTHS,
                ),
                name="labelling_scheme_validity_bounds",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    class Group(models.TextChoices):
        SERVICES = "services", "Services"
        ACCESSIBILITY = "accessibilite", "Accessibilité"
        HOURS = "horaires", "Horaires d'ouverture"
        CONNECTIVITY = "connectivite", "Connectivité"
        ANIMATION = "animation", "Animation"
        DATA = "donnees", "Données partagées avec le réseau"

    class PlatformFigure(models.TextChoices):
        """A figure the platform already knows, shown beside the place's answer as evidence."""

        NONE = "", "Aucune"
        OPENING_HOURS = "horaires", "Horaires publiés"
        SERVICES = "services", "Services publiés"
        ACCESSIBILITY = "accessibilite", "Accessibilité publiée"
        EVENTS = "evenements", "Événements des 12 derniers mois"
        OCCUPANCY = "occupation", "Taux d'occupation des 12 derniers mois"
        DATA_FRESHNESS = "fraicheur", "Date de la dernière mise à jour de la fiche"

    scheme = models.ForeignKey(LabelScheme, on_delete=models.PROTECT, related_name="criteria")
    group = models.CharField("famille", max_length=20, choices=Group.choices)
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("précisions", max_length=2000, blank=True)
    mandatory = models.BooleanField("obligatoire", default=False)
    evidence_asked = models.CharField("justificatif demandé", max_length=500, blank=True)
    platform_figure = models.CharField(
        "donnée de la plateforme", max_length=20, choices=PlatformFigure.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)
    # A criterion answered in an application is retired, never deleted: the answer keeps its text.
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheme", "group", "position", "id"]
        verbose_name = "critère"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "title"],
                condition=Q(retired_at__isnull=True),
                name="labelling_criterion_title_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SUBMITTED = "deposee", "Déposée"
        CHANGES_REQUESTED = "a_completer", "À compléter"
        GRANTED = "accordee", "Label accordé"
        REFUSED = "refusee", "Refusée"
        WITHDRAWN = "retiree", "Retirée"

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)

    class Kind(models.TextChoices):
        FIRST = "premiere", "Première demande"
        RENEWAL = "renouvellement", "Renouvellement"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(LabelScheme, on_delete=models.PROTECT, related_name="applications")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="label_applications")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FIRST)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    visit_on = models.DateField("date de visite", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField("motifs de la décision", max_length=5000, blank=True)
    # Granting with a mandatory criterion not met is an override: its reason is kept here and in
    # the history.
    override_reason = models.TextField("motif de la dérogation", max_length=5000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "candidature au label"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "place"],
                condition=Q(status__in=["brouillon", "deposee", "a_completer"]),
                name="labelling_one_open_application",
            ),
            models.CheckConstraint(
                condition=~Q(status="accordee") | Q(decided_at__isnull=False),
                name="labelling_granted_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} — {self.place}"


class Answer(models.Model):
    class SelfAssessment(models.TextChoices):
        MET = "atteint", "Atteint"
        PARTLY = "partiel", "Partiellement atteint"
        NOT_MET = "non_atteint", "Non atteint"

    class Verdict(models.TextChoices):
        PENDING = "", "À examiner"
        MET = "conforme", "Conforme"
        NOT_MET = "non_conforme", "Non conforme"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    self_assessment = models.CharField(
        "auto-évaluation", max_length=12, choices=SelfAssessment.choices, blank=True
    )
    comment = models.TextField("commentaire du lieu", max_length=5000, blank=True)
    links = models.JSONField("liens", default=list, blank=True)
    # The platform's figure as it was when the place submitted (frozen with the application).
    platform_value = models.JSONField("donnée de la plateforme", null=True, blank=True)
    verdict = models.CharField(
        "avis de l'audit", max_length=14, choices=Verdict.choices, blank=True, default=""
    )
    audit_comment = models.TextField("commentaire de l'audit", max_length=5000, blank=True)

    class Meta:
        ordering = ["criterion__group", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="labelling_one_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion} : {self.get_self_assessment_display()}"


class Evidence(models.Model):
    """A file given as evidence for one answer: stored under a generated name in the private
    `labelling` storage, recognised by its content like the managers' documents."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    path = models.CharField(max_length=100)
    name = models.CharField(max_length=120)  # the cleaned name offered on download
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ApplicationStep(models.Model):
    """One step of the place's label history, append-only (never edited nor deleted)."""

    class Kind(models.TextChoices):
        CREATED = "creee", "Candidature ouverte"
        SUBMITTED = "deposee", "Candidature déposée"
        COMMENT = "commentaire", "Commentaire"
        CHANGES_REQUESTED = "a_completer", "Compléments demandés"
        VISIT = "visite", "Visite programmée"
        GRANTED = "accordee", "Label accordé"
        OVERRIDE = "derogation", "Label accordé par dérogation"
        REFUSED = "refusee", "Candidature refusée"
        WITHDRAWN = "retiree", "Candidature retirée"
        SUSPENDED = "suspendu", "Label suspendu"
        REINSTATED = "retabli", "Label rétabli"
        REVOKED = "retire", "Label retiré"
        REMINDER = "relance", "Relance de renouvellement envoyée"

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="label_steps")
    application = models.ForeignKey(
        Application, null=True, on_delete=models.PROTECT, related_name="steps"
    )
    award = models.ForeignKey("Award", null=True, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(max_length=5000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        """Append-only: a step of the history is never rewritten."""
        if self.pk is not None and not self._state.adding:
            raise ValueError("Une étape de l'historique du label ne peut pas être modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Une étape de l'historique du label ne peut pas être supprimée.")

    TEAM_KINDS = ("creee", "deposee", "retiree")  # the steps a place's team takes

    @property
    def actor_label(self) -> str:
        """Who took the step, as the pages say it: the display name, else « l'équipe du lieu »
        or « la coordination »; never the e-mail address (personal)."""
        if self.actor is None:
            return ""
        name = (self.actor.display_name or "").strip()
        if name:
            return name
        return "l'équipe du lieu" if self.kind in self.TEAM_KINDS else "la coordination"


def _day_end(day: date) -> datetime:
    """The first instant after the Paris calendar day `day` (midnight of the next day)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=PARIS)


class AwardQuerySet(models.QuerySet):
    def active_on(self, day: date) -> "AwardQuerySet":
        """Awards in force on the Paris day `day`, as history: started, not expired, not
        revoked by the end of the day before (revoked on day D: out of force from D), and not
        inside a suspension period (suspended on D: out from D; reinstated on R: back on R).
        A revocation or suspension today leaves the past days as they were."""
        end = _day_end(day)
        suspended = AwardSuspension.objects.filter(
            award=OuterRef("pk"), suspended_at__lt=end
        ).filter(Q(reinstated_at__isnull=True) | Q(reinstated_at__gte=end))
        return self.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gte=end),
            starts_on__lte=day,
            expires_on__gt=day,
        ).exclude(Exists(suspended))


class Award(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(LabelScheme, on_delete=models.PROTECT, related_name="awards")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="label_awards")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    starts_on = models.DateField("début")
    expires_on = models.DateField("échéance")  # first day without the label
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(max_length=5000, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "label attribué"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("starts_on")), name="labelling_award_dates"
            ),
            models.CheckConstraint(
                condition=Q(suspended_at__isnull=True) | ~Q(suspension_reason=""),
                name="labelling_suspension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.short_name} — {self.place} ({self.starts_on} → {self.expires_on})"


class AwardSuspension(models.Model):
    """One period during which an award was (or is) suspended: kept so that whether a place
    was labelled on a past day never changes after the fact. `origin` is the award the
    coordination suspended; a renewal already granted is suspended with it (same origin) and
    reinstated with it."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="suspensions")
    origin = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="+")
    suspended_at = models.DateTimeField()
    reinstated_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=5000)

    class Meta:
        ordering = ["suspended_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(reinstated_at__isnull=True),
                name="labelling_one_open_suspension",
            ),
            models.CheckConstraint(
                condition=Q(reinstated_at__isnull=True) | Q(reinstated_at__gte=F("suspended_at")),
                name="labelling_suspension_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award} suspendu le {self.suspended_at:%d/%m/%Y}"


class ReminderSent(models.Model):
    """One renewal reminder per award and delay, even with two workers at once."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["award", "days_before"], name="labelling_one_reminder_per_delay"
            )
        ]

    def __str__(self) -> str:
        return f"J-{self.days_before}"
