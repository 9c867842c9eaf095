"""Business plans: the hypotheses of a place's or a project's P&L, stored as one document."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class BusinessPlan(models.Model):
    """A plan of an existing place (its team and the coordination see it) or of a project
    (no place yet: a name, a commune, its creator and the members the creator invited).

    `inputs` is the document of `economics.document` (decision 0032); `version` grows by one at
    each save, so a save made from a stale page is refused instead of overwriting.
    """

    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True)
    name = models.CharField("nom du plan", max_length=200)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="business_plans",
        verbose_name="lieu",
    )
    project_name = models.CharField("nom du projet", max_length=200, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune du projet",
    )
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="business_plans_created",
        verbose_name="créé par",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="business_plans",
        verbose_name="membres du projet",
    )
    inputs = models.JSONField("hypothèses")
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "plan d'affaires"
        verbose_name_plural = "plans d'affaires"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(place__isnull=False) & Q(project_name=""))
                | (Q(place__isnull=True) & ~Q(project_name="") & Q(commune__isnull=False)),
                name="business_plan_place_or_project",
                violation_error_message="Un plan porte sur un lieu ou sur un projet situé.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def subject(self) -> str:
        """What the plan is about, as shown: the place's name or the project's."""
        return self.place.name if self.place_id else self.project_name
