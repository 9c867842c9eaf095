"""Events published by a place's team or by the coordination, and the registrations to them.

The database keeps what Python cannot promise under concurrency: `confirmed_count` is the number
of confirmed registrations, moved in the same transaction as each registration change, and a
CHECK keeps it between 0 and the capacity (decision 0029); one active registration per person
and event is a conditional unique constraint.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from maillage.places.models import Place

MAX_CAPACITY = 10_000
MAX_PRICE_CENTS = 100_000  # 1 000 € TTC: beyond that it is not an event of the network


class Theme(models.TextChoices):
    """The agenda's filter: a small fixed vocabulary, so that filters find something."""

    DIGITAL = "numerique", _("Numérique et outils")
    BUSINESS = "entreprendre", _("Entreprendre")
    TELEWORK = "teletravail", _("Télétravail")
    MAKING = "fabrication", _("Fabrication et réparation")
    TRAINING = "formation", _("Formation")
    COMMUNITY = "convivialite", _("Convivialité et rencontres")
    TERRITORY = "territoire", _("Territoire et transitions")


class Audience(models.TextChoices):
    EVERYONE = "tous", _("Tous publics")
    MEMBERS = "membres", _("Membres du réseau")
    MANAGERS = "gestionnaires", _("Gestionnaires de lieux")


class Event(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("publié")
        CANCELLED = "cancelled", _("annulé")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No place: an event of the whole network, organised by the coordination.
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("lieu organisateur"),
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    online_url = models.URLField(_("adresse en ligne"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"))
    confirmed_count = models.PositiveIntegerField(_("inscriptions confirmées"), default=0)
    price_cents = models.PositiveIntegerField(_("prix (centimes TTC)"), default=0)
    audience = models.CharField(
        _("public"), max_length=15, choices=Audience.choices, default=Audience.EVERYONE
    )
    theme = models.CharField(_("thème"), max_length=15, choices=Theme.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE (RFC 5545 §3.8.7.4): raised when the time or the place changes and on
    # cancellation, so that the .ics sent again replaces the copy in people's calendars.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["place", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("La fin doit venir après le début."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=MAX_CAPACITY),
                name="event_capacity_bounded",
                violation_error_message=_("Le nombre de places va de 1 à 10 000."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")),
                name="event_confirmed_within_capacity",
                violation_error_message=_("Plus d'inscrits confirmés que de places."),
            ),
            models.CheckConstraint(
                condition=Q(price_cents__lte=MAX_PRICE_CENTS),
                name="event_price_bounded",
            ),
            models.CheckConstraint(
                condition=Q(place__isnull=False) | ~Q(online_url=""),
                name="event_place_or_online",
                violation_error_message=_("Un événement a lieu dans un lieu ou en ligne."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["published", "cancelled"]), name="event_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.confirmed_count)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("inscrit")
        WAITING = "waiting", _("liste d'attente")
        CANCELLED = "cancelled", _("annulée")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("non renseignée")
        PRESENT = "present", _("présent")
        ABSENT = "absent", _("absent")

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    # Null once the person is erased (RGPD): the row stays for the counts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    # The waiting list's order: first come, first promoted.
    created_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    attendance_at = models.DateTimeField(null=True, blank=True)
    # Set when the place's team collects the price at the event (payment_services): the
    # invoice stays after a cancellation, its credit note and refund refer to it.
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facture"),
    )

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(status__in=["confirmed", "waiting"]) & Q(user__isnull=False),
                name="registration_one_active_per_person",
                violation_error_message=_("Vous êtes déjà inscrit à cet événement."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "waiting", "cancelled"]),
                name="registration_status_known",
            ),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="confirmed"),
                name="registration_attendance_if_confirmed",
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=["", "present", "absent"]),
                name="registration_attendance_known",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled") | Q(cancelled_at__isnull=True),
                name="registration_cancelled_stamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.get_status_display()}"
