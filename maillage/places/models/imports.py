"""Imports of place directories: saved column mappings per source, and uploads between steps.

A web import goes upload → mapping → dry run → confirm across several requests, so the file and
the chosen mapping are kept in the database (both databases, no shared disk needed) until the
import is done; `places_import_purge` removes old uploads (they may hold personal contact data).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMapping(models.Model):
    """How the columns of one source's files map to our fields; reused by the web and the CLI."""

    source = models.CharField(_("source"), max_length=60, unique=True)
    # Column key (header name, or "#3" for the fourth column of a file without header) → field.
    columns = models.JSONField(_("correspondance des colonnes"), default=dict)
    has_header = models.BooleanField(_("ligne d'en-tête"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)

    class Meta:
        verbose_name = _("correspondance de colonnes")
        verbose_name_plural = _("correspondances de colonnes")
        ordering = ["source"]

    def __str__(self) -> str:
        return self.source


class PlaceImport(models.Model):
    """One uploaded file on its way through the web import."""

    class Status(models.TextChoices):
        UPLOADED = "depose", _("Déposé")
        DONE = "importe", _("Importé")
        ABORTED = "abandonne", _("Abandonné")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="place_imports"
    )
    filename = models.CharField(_("fichier"), max_length=200)
    content = models.BinaryField(_("contenu"))
    source = models.CharField(_("source"), max_length=60)
    columns = models.JSONField(_("correspondance des colonnes"), default=dict)
    has_header = models.BooleanField(_("ligne d'en-tête"), default=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("import de lieux")
        verbose_name_plural = _("imports de lieux")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
