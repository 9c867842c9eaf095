"""A shared workplace on the network's map."""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.places.models.catalogue import Kind, Label, Service
from maillage.places.models.organisation import Organisation
from maillage.territory.models import Commune


class Place(models.Model):
    class Status(models.TextChoices):
        OPEN = "ouvert", _("Ouvert")
        PROJECT = "projet", _("En projet")
        CLOSED = "ferme", _("Fermé")

    class Wheelchair(models.TextChoices):
        # Values of OpenStreetMap's `wheelchair` key.
        YES = "yes", _("Accessible en fauteuil roulant")
        LIMITED = "limited", _("Partiellement accessible")
        NO = "no", _("Non accessible")
        UNKNOWN = "", _("Non renseigné")

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kinds = models.ManyToManyField(Kind, related_name="places", verbose_name=_("types"))
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opening_date = models.DateField(_("date d'ouverture"), null=True, blank=True)

    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # Derived from the coordinates by point-in-polygon, never typed.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="places", verbose_name=_("commune")
    )

    description = models.TextField(_("présentation"), blank=True)
    operator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="places",
        null=True,
        blank=True,
        verbose_name=_("structure gestionnaire"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    website = models.URLField(_("site web"), blank=True)
    opening_hours = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"), max_length=500, blank=True
    )

    open_space_desks = models.PositiveIntegerField(_("postes en espace partagé"), default=0)
    private_offices = models.PositiveIntegerField(_("bureaux fermés"), default=0)
    private_office_seats = models.PositiveIntegerField(_("postes en bureaux fermés"), default=0)
    meeting_rooms = models.PositiveIntegerField(_("salles de réunion"), default=0)
    visio_rooms = models.PositiveIntegerField(_("salles de visioconférence"), default=0)

    services = models.ManyToManyField(Service, blank=True, related_name="places")
    labels = models.ManyToManyField(Label, blank=True, related_name="places")

    price_notes = models.TextField(_("tarifs (texte libre)"), blank=True)
    price_half_day = models.DecimalField(
        _("prix de la demi-journée (€ TTC)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_day = models.DecimalField(
        _("prix de la journée (€ TTC)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_month = models.DecimalField(
        _("prix du mois (€ TTC)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    wheelchair = models.CharField(
        _("accessibilité PMR"), max_length=8, choices=Wheelchair.choices, blank=True, default=""
    )
    accessibility_notes = models.TextField(_("précisions sur l'accessibilité"), blank=True)

    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    # Provenance of imported places: re-imports update the row with the same (source, source_id).
    source = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=120, blank=True)
    # The source's own update date (`date_maj` of the national schema), not ours.
    source_date = models.DateField(_("date de mise à jour dans la source"), null=True, blank=True)
    # SIRET, RNA or RIDET of the structure behind the place (`pivot` of the national schema).
    pivot = models.CharField(
        _("identifiant de la structure (SIRET, RNA)"), max_length=14, blank=True
    )
    # Placed from its commune or an address, not surveyed: shown as « position approximative ».
    position_approximate = models.BooleanField(_("position approximative"), default=False)
    # What a source said that has no match in our catalogue, kept as free text:
    # {"French title": ["value", …]} (e.g. the national schema's publics or services).
    source_extra = models.JSONField(_("autres informations de la source"), default=dict, blank=True)

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="place_unique_source_id",
                violation_error_message=_("Ce lieu a déjà été importé depuis cette source."),
            ),
            models.CheckConstraint(
                condition=Q(pivot="") | Q(pivot__regex=r"^[a-zA-Z0-9]{9,14}$"),
                name="place_pivot_format",
                violation_error_message=_("SIRET, RNA ou RIDET : 9 à 14 lettres ou chiffres."),
            ),
            models.CheckConstraint(
                condition=Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="place_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=Q(price_half_day__isnull=True) | Q(price_half_day__gte=0),
                name="place_price_half_day_positive",
            ),
            models.CheckConstraint(
                condition=Q(price_day__isnull=True) | Q(price_day__gte=0),
                name="place_price_day_positive",
            ),
            models.CheckConstraint(
                condition=Q(price_month__isnull=True) | Q(price_month__gte=0),
                name="place_price_month_positive",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name

    @property
    def desks(self) -> int:
        """Workstations a teleworker can use: the capacity the observatory counts as offer."""
        return self.open_space_desks + self.private_office_seats


def photo_path(instance: "PlacePhoto", filename: str) -> str:
    return f"lieux/{instance.place.public_id}/{uuid.uuid4().hex}.jpg"


class PlacePhoto(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    alt_text = models.CharField(_("description de la photo"), max_length=250)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text
