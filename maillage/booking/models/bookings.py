"""Bookings, the waiting list, idempotency keys and calendar feeds.

The booking rules live in `booking.services`; the database adds what Python cannot promise under
concurrency: valid ranges, and on PostgreSQL an exclusion constraint (migration 0002) forbidding two
active overlapping bookings of an exclusive resource.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.booking.models.entitlements import Pass, Subscription, Unit
from maillage.booking.models.resources import Resource, new_token
from maillage.places.models import Place


class Payment(models.TextChoices):
    ON_SITE = "on_site", _("à régler au lieu")
    PLAN = "plan", _("abonnement")
    PASS = "pass", _("carnet")
    EMPLOYER = "employer", _("payé par mon employeur")


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmée")
        OFFERED = "offered", _("proposée (liste d'attente)")
        CANCELLED = "cancelled", _("annulée")
        EXPIRED = "expired", _("proposition expirée")

    ACTIVE = (Status.CONFIRMED, Status.OFFERED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="bookings")
    exclusive = models.BooleanField(editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    seats = models.PositiveSmallIntegerField(_("places"), default=1)
    unit = models.CharField(_("unité"), max_length=10, choices=Unit.choices)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    payment = models.CharField(_("réglée par"), max_length=10, choices=Payment.choices)
    price_cents = models.PositiveIntegerField(_("montant dû (centimes TTC)"), default=0)
    pass_ref = models.ForeignKey(
        Pass, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    pass_units = models.PositiveSmallIntegerField(default=0)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    # Paid by the employer: the employee whose monthly budget it counts against
    # (employers.services.employer_payment_fields), invoiced to the employer at the month's end.
    employee = models.ForeignKey(
        "employers.Employee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("salarié (payé par l'employeur)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=300, blank=True)
    checked_in_at = models.DateTimeField(_("présence constatée le"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The booker's « profil de déplacement » when the booking was made (a snapshot: editing the
    # profile later does not rewrite past bookings). Read only in aggregate, by
    # observatory.measured, to count the commutes the network saves. No index: nothing filters
    # on them, and every booking insert would pay for two more B-trees; deleting a commune (a
    # yearly merge, at most) scans the table once instead.
    home_commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("commune de résidence (à la réservation)"),
    )
    work_commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("commune de travail (à la réservation)"),
    )

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["resource", "starts_at"]),
            models.Index(fields=["place", "starts_at"]),
            models.Index(fields=["user", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="booking_seats_positive"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="booking_offer_has_expiry",
            ),
            models.CheckConstraint(
                condition=(Q(payment="pass") & Q(pass_ref__isnull=False) & Q(pass_units__gte=1))
                | (~Q(payment="pass") & Q(pass_ref__isnull=True) & Q(pass_units=0)),
                name="booking_pass_consistent",
            ),
            models.CheckConstraint(
                condition=(Q(payment="employer") & Q(employee__isnull=False))
                | (~Q(payment="employer") & Q(employee__isnull=True)),
                name="booking_employer_has_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} — {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("en attente")
        OFFERED = "offered", _("place proposée")
        BOOKED = "booked", _("réservée")
        EXPIRED = "expired", _("proposition expirée")
        WITHDRAWN = "withdrawn", _("retirée")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist"
    )
    unit = models.CharField(max_length=10, choices=Unit.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    offer = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inscription en liste d'attente")
        verbose_name_plural = _("liste d'attente")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "user", "starts_at", "ends_at"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_live_entry",
                violation_error_message=_("Vous êtes déjà en liste d'attente pour ce créneau."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.resource} — {self.starts_at:%Y-%m-%d %H:%M}"


class IdempotencyKey(models.Model):
    """A booking request already served: a retry with the same key gets the same answer.

    Written in the transaction that creates the booking, so a key exists if and only if its
    booking does.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="idempotency")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return self.key


class CalendarFeed(models.Model):
    """A secret iCalendar address: the bookings of one user, or of one resource for its managers."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda iCalendar")
        verbose_name_plural = _("agendas iCalendar")

    def __str__(self) -> str:
        return f"Agenda de {self.resource or self.user}"
