"""Writes on a place's offer: booking settings, resources, closures, plans and carnets on sale.

Kept apart from `services.py` (bookings, passes) because it is another family of use cases
(conventions: split services by use case). Views and forms never save offer rows themselves:
forms only validate, these functions write and keep the rules that span several rows.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from maillage.booking.errors import BookingError
from maillage.booking.models import (
    Booking,
    Closure,
    PassProduct,
    PlaceBookingSettings,
    Plan,
    Resource,
)
from maillage.booking.selectors import active_bookings
from maillage.places.models import Place

# Bookings named in a refusal: enough to act on, short enough to read.
MAX_LISTED = 10


def booking_settings_ensure(*, place: Place) -> PlaceBookingSettings:
    """The place's booking settings, created with defaults (and a fresh check-in token) if missing.

    Side effect: one `PlaceBookingSettings` row on first call. Called from POST handlers only, so
    that reading a page never writes.
    """
    with transaction.atomic():
        booking_settings, _created = PlaceBookingSettings.objects.get_or_create(place=place)
    return booking_settings


def _locked_resources(place: Place, resource: Resource | None) -> list[Resource]:
    """Lock the resource rows a write depends on, as `booking_create` does, so that a booking
    and an offer edit on the same resource run one after the other (SQLite: IMMEDIATE)."""
    rows = Resource.objects.select_for_update(no_key=True).filter(place=place).order_by("pk")
    if resource is not None:
        rows = rows.filter(pk=resource.pk)
    return list(rows)


def _upcoming(resources: list[Resource], now: datetime) -> QuerySet[Booking]:
    """Bookings that still hold room on these resources: active and not ended."""
    return (
        active_bookings(now)
        .filter(resource__in=resources, ends_at__gt=now)
        .select_related("resource", "user")
        .order_by("starts_at", "pk")
    )


def resource_create(*, place: Place, data: dict) -> Resource:
    """A new bookable resource of the place, from a validated `ResourceForm`."""
    resource = Resource(place=place, **data)
    resource.save()
    return resource


def resource_update(*, resource: Resource, data: dict, now: datetime | None = None) -> Resource:
    """Save a validated `ResourceForm` on an existing resource.

    Refuses to change the kind while bookings still hold the resource: each booking copied the
    kind's `exclusive` flag, which the database guards (PostgreSQL exclusion constraint) read;
    a new kind would make them disagree. Past and cancelled bookings do not block.
    """
    now = now or timezone.now()
    with transaction.atomic():
        (locked,) = _locked_resources(resource.place, resource)
        if data.get("kind", locked.kind) != locked.kind:
            count = _upcoming([locked], now).count()
            if count:
                raise BookingError(
                    f"Le type ne peut pas changer : {count} réservation(s) à venir portent sur "
                    "cette ressource. Créez plutôt une nouvelle ressource, ou annulez d'abord "
                    "ces réservations.",
                    field="kind",
                    code="reservations_a_venir",
                )
        for name, value in data.items():
            setattr(resource, name, value)
        resource.save(update_fields=list(data))
    return resource


def closure_create(*, place: Place, data: dict, now: datetime | None = None) -> Closure:
    """An exceptional closing of the place (or of one resource), from a validated `ClosureForm`.

    Refuses it while bookings still hold room under it (confirmed ones, and waiting-list offers
    not yet expired), naming them: the team cancels them first
    (`booking_cancel` with a reason tells each person) or moves them, then closes. Nobody is
    left holding a booking on a closed slot without being told.
    """
    now = now or timezone.now()
    resource = data.get("resource")
    with transaction.atomic():
        resources = _locked_resources(place, resource)
        overlapping = list(
            _upcoming(resources, now).filter(
                starts_at__lt=data["ends_at"], ends_at__gt=data["starts_at"]
            )[: MAX_LISTED + 1]
        )
        if overlapping:
            listed = "; ".join(
                f"{booking.resource.name}, {date_format(localtime(booking.starts_at), 'j F Y H:i')}"
                f" ({booking.user})"
                for booking in overlapping[:MAX_LISTED]
            )
            more = " …" if len(overlapping) > MAX_LISTED else ""
            raise BookingError(
                "Des réservations tombent pendant cette fermeture : "
                f"{listed}{more}. Annulez-les (la personne est prévenue) ou déplacez-les "
                "d'abord, puis enregistrez la fermeture.",
                code="reservations_pendant_fermeture",
                field="starts_at",
            )
        return Closure.objects.create(place=place, **data)


def plan_create(*, place: Place, data: dict) -> Plan:
    """A subscription plan of the place, from a validated `PlanForm`."""
    return Plan.objects.create(place=place, **data)


def pass_product_create(*, place: Place, data: dict) -> PassProduct:
    """A carnet put on sale by the place, from a validated `PassProductForm`. Carnets already
    sold keep their own units and validity (`pass_sell` copies them)."""
    return PassProduct.objects.create(place=place, **data)
