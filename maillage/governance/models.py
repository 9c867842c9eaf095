"""The governance sheet, one row per version (never edited), and the questionnaires people keep."""

from django.conf import settings
from django.db import models


class SheetVersion(models.Model):
    """The whole comparison sheet (models, dimensions, sources, scoring matrix) as it stood
    after one change. Numbers run 1, 2, 3…; the unique number is what makes two coordinators
    editing the same version conflict instead of overwriting each other."""

    number = models.PositiveIntegerField("numéro", unique=True)
    content = models.JSONField("contenu")
    created_at = models.DateTimeField("date")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    change = models.CharField("modification", max_length=300, blank=True)
    restored_from = models.PositiveIntegerField(
        "restaurée depuis la version", null=True, blank=True
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = "version de la fiche de gouvernance"
        verbose_name_plural = "versions de la fiche de gouvernance"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="governance_version_number_positive",
                violation_error_message="Le numéro de version commence à 1.",
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def save(self, *args, **kwargs) -> None:
        """Append-only: a version is never rewritten; a change or a restore is a new one."""
        if not self._state.adding:
            raise ValueError("Une version de la fiche ne peut pas être modifiée.")
        super().save(*args, **kwargs)


class SavedQuestionnaire(models.Model):
    """A signed-in person's answers for one project, kept with the sheet version they were
    ranked against (the ranking is recomputed from that version, so it never changes)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="governance_questionnaires",
        verbose_name="personne",
    )
    project = models.CharField("projet", max_length=120)
    answers = models.JSONField("réponses")
    version = models.ForeignKey(
        SheetVersion, on_delete=models.PROTECT, related_name="+", verbose_name="version"
    )
    created_at = models.DateTimeField("date")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "questionnaire de gouvernance"
        verbose_name_plural = "questionnaires de gouvernance"

    def __str__(self) -> str:
        return self.project
