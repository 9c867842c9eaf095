"""History and moderation of places, both as snapshots of the editable fields.

A snapshot is the dict built by `places.snapshots.place_snapshot`; a version stores it after a
change, so "before" is the previous version and a revert re-applies an old snapshot.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.places.models.place import Place


class PlaceVersion(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    snapshot = models.JSONField(_("état du lieu"))
    changed_fields = models.JSONField(_("champs modifiés"), default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Set when a coordinator accepted someone else's proposal.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comment = models.CharField(_("commentaire"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("version d'un lieu")
        verbose_name_plural = _("versions des lieux")
        ordering = ["place", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["place", "number"], name="place_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.place} v{self.number}"


class PlaceProposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "attente", _("En attente")
        ACCEPTED = "acceptee", _("Acceptée")
        REJECTED = "refusee", _("Refusée")

    # Empty for the proposal of a new place.
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, null=True, blank=True, related_name="proposals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="place_proposals"
    )
    snapshot = models.JSONField(_("proposition"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposition de modification")
        verbose_name_plural = _("propositions de modification")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refusee") | ~models.Q(reason=""),
                name="proposal_rejection_has_reason",
                violation_error_message=_("Un refus doit être motivé."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} : {self.snapshot.get('name', '')}"
