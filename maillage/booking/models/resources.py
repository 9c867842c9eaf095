"""What can be booked in a place, and when it cannot."""

import secrets
from datetime import time

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.places.models import Place


def new_token() -> str:
    return secrets.token_urlsafe(24)


class PlaceBookingSettings(models.Model):
    """The booking rules a place sets once for all its resources."""

    place = models.OneToOneField(Place, on_delete=models.CASCADE, related_name="booking_settings")
    half_day_split = models.TimeField(
        _("fin de la matinée / début de l'après-midi"),
        default=time(13, 0),
        help_text=_(
            "La matinée va de l'ouverture à cette heure, "
            "l'après-midi de cette heure à la fermeture."
        ),
    )
    accepts_network_pass = models.BooleanField(
        _("accepte le pass réseau"),
        default=False,
        help_text=_("Les détenteurs du pass réseau peuvent réserver ici avec leurs unités."),
    )
    check_in_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("réglages de réservation")
        verbose_name_plural = _("réglages de réservation")

    def __str__(self) -> str:
        return f"Réservation — {self.place}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        OPEN_SPACE = "open_space", _("Espace partagé (postes)")
        OFFICE = "office", _("Bureau fermé")
        MEETING_ROOM = "meeting_room", _("Salle de réunion")
        VISIO_ROOM = "visio_room", _("Salle de visioconférence")
        EQUIPMENT = "equipment", _("Équipement")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        help_text=_("Postes d'un espace partagé ; 1 pour un bureau, une salle ou un équipement."),
    )
    by_hour = models.BooleanField(_("réservable à l'heure"), default=False)
    by_half_day = models.BooleanField(_("réservable à la demi-journée"), default=True)
    by_day = models.BooleanField(_("réservable à la journée"), default=True)
    price_hour_cents = models.PositiveIntegerField(_("prix de l'heure (centimes TTC)"), default=0)
    price_half_day_cents = models.PositiveIntegerField(
        _("prix de la demi-journée (centimes TTC)"), default=0
    )
    price_day_cents = models.PositiveIntegerField(_("prix de la journée (centimes TTC)"), default=0)
    min_minutes = models.PositiveIntegerField(_("durée minimale (minutes)"), default=60)
    max_minutes = models.PositiveIntegerField(_("durée maximale (minutes)"), default=12 * 60)
    horizon_days = models.PositiveSmallIntegerField(
        _("réservable jusqu'à (jours à l'avance)"), default=60
    )
    cancel_hours = models.PositiveSmallIntegerField(
        _("annulation possible jusqu'à (heures avant le début)"), default=24
    )
    is_active = models.BooleanField(_("ouvert à la réservation"), default=True)

    class Meta:
        verbose_name = _("ressource réservable")
        verbose_name_plural = _("ressources réservables")
        ordering = ["place", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(
                condition=Q(kind="open_space") | Q(capacity=1),
                name="resource_exclusive_single",
                violation_error_message=_(
                    "Un bureau, une salle ou un équipement a une seule place."
                ),
            ),
            models.CheckConstraint(
                condition=Q(by_hour=True) | Q(by_half_day=True) | Q(by_day=True),
                name="resource_some_unit",
                violation_error_message=_("Choisissez au moins une unité de réservation."),
            ),
            models.CheckConstraint(
                condition=Q(min_minutes__lte=models.F("max_minutes")),
                name="resource_min_le_max",
                violation_error_message=_("La durée minimale dépasse la durée maximale."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.place})"

    @property
    def exclusive(self) -> bool:
        """One booking at a time: everything but the seats of an open space."""
        return self.kind != self.Kind.OPEN_SPACE


class Closure(models.Model):
    """Exceptional closing (holidays, works) of a whole place or of one resource."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures")
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=200)

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.place})"
