"""Shared vocabularies managed by the network coordinator: kinds of place, services, labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueEntry(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("proposé"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Kind(CatalogueEntry):
    """Coworking, télécentre, fablab…: seed entries map to OSM tags for open data."""

    osm_tag = models.CharField(_("étiquette OpenStreetMap"), max_length=60, blank=True)

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("type de lieu")
        verbose_name_plural = _("types de lieu")


class Service(CatalogueEntry):
    # Name of a pictogram drawn in places/static/places/icons.svg (one <symbol> per icon).
    icon = models.CharField(_("pictogramme"), max_length=40, default="service")

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class Label(CatalogueEntry):
    url = models.URLField(_("page de présentation"), blank=True)

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("label")
        verbose_name_plural = _("labels")
