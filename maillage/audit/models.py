"""The audit log: who did what, when, on which object. Append-only (RGPD accountability)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# Action families shown as a filter on the journal page: the slug's part before the dot.
FAMILIES = {
    "place": "Lieux",
    "booking": "Réservations",
    "pass": "Carnets",
    "import": "Imports",
    "scenario": "Scénarios",
    "study": "Études",
    "role": "Rôles",
    "audit": "Journal (purges)",
}


class AuditEvent(models.Model):
    """One action on the platform. No personal data beyond ids: the actor is a foreign key
    (null once the account is deleted, shown « compte supprimé »), never a copied e-mail."""

    at = models.DateTimeField("quand", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="qui",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # True when no person acted (a command, a scheduled task): an empty actor then does not
    # mean a deleted account.
    by_platform = models.BooleanField("par la plateforme", default=False)
    action = models.CharField("action", max_length=60, db_index=True)
    object_type = models.CharField("type d'objet", max_length=60, blank=True)
    object_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    summary = models.CharField("résumé", max_length=300, blank=True)
    data = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "événement du journal"
        verbose_name_plural = "journal"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs) -> None:
        """Append-only: a recorded event is never rewritten."""
        if self.pk is not None and not self._state.adding:
            raise ValueError("Un événement du journal ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        """Append-only: only the retention purge (`audit_purge`) removes events, in bulk."""
        raise ValueError("Un événement du journal ne peut pas être supprimé.")

    @property
    def family(self) -> str:
        return self.action.partition(".")[0]
