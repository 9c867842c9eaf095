"""Guest bookings: a walk-in books with a name and an e-mail address, without an account.

The place is held at once by a booking row in the « offered » state with an expiry, the same
hold a waiting-list offer is: the database guards (exclusion constraint or triggers) and the
capacity count cover it, and the existing sweep (`offers_expire`, `booking_sweep`) releases it
when nobody confirms. The e-mail carries a signed, time-limited link; opening it confirms the
booking through `offer_accept` and activates the account made for the address, or keeps the
existing account, which the form never reveals.
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.booking import guest_notifications
from maillage.booking.errors import BookingError, not_found
from maillage.booking.models import Booking, Payment
from maillage.booking.services import (
    BookingRequest,
    _check_room,
    _check_span,
    _commute_snapshot,
    _integrity_error,
    _lock,
    offer_accept,
    price_cents,
)
from maillage.booking.timeslots import SLOT_UNIT
from maillage.core.links import absolute_url

GUEST_HOLD = timedelta(minutes=30)
GUEST_HOLD_MINUTES = int(GUEST_HOLD.total_seconds() // 60)
SALT = "maillage.booking.guest"


def _account_for(email: str, name: str):
    """The account of the address, made inactive (no password) if there is none."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email, password=None, display_name=name.strip()[:150], is_active=False
            )
    except IntegrityError:  # the same address at the same moment
        return User.objects.get(email__iexact=email)


def guest_token(booking: Booking) -> str:
    return signing.dumps({"b": str(booking.public_id), "e": booking.user.email.lower()}, salt=SALT)


def guest_hold(
    *,
    name: str,
    email: str,
    request: BookingRequest,
    created_by=None,
    now: datetime | None = None,
) -> Booking:
    """Hold the slot for GUEST_HOLD (or until it starts) and e-mail the confirmation link.

    `created_by`: the place's team member who booked for a walk-in, None for the person.
    Paid at the place (a guest holds no plan nor carnet). Raises BookingError like
    booking_create (slot rules, « complet », closures), before anything is written."""
    now = now or timezone.now()
    if request.payment != Payment.ON_SITE:
        raise BookingError("Sans compte, la réservation se règle au lieu.", field="paiement")
    starts_at, ends_at = _check_span(request.resource, request, now)
    unit = SLOT_UNIT[request.slot]
    try:
        with transaction.atomic():
            user = _account_for(email, name)
            resource = _lock(request.resource.pk)
            _check_room(resource, starts_at, ends_at, request.seats, now=now)
            booking = Booking.objects.create(
                resource=resource,
                place=resource.place,
                exclusive=resource.exclusive,
                user=user,
                seats=request.seats,
                unit=unit,
                starts_at=starts_at,
                ends_at=ends_at,
                status=Booking.Status.OFFERED,
                offer_expires_at=min(now + GUEST_HOLD, starts_at),
                payment=Payment.ON_SITE,
                price_cents=price_cents(resource, unit, starts_at, ends_at, request.seats),
                created_by=created_by,
                **_commute_snapshot(user),
            )
            audit_record(
                actor=created_by,
                action="booking.guest_hold",
                obj=booking,
                summary=resource.name,
            )
            guest_notifications.guest_confirmation(
                booking,
                email=user.email,
                link=absolute_url("booking:guest_confirm", token=guest_token(booking)),
            )
    except IntegrityError as error:
        if mapped := _integrity_error(error):
            raise mapped from error
        raise
    return booking


def guest_confirm(*, token: str, now: datetime | None = None) -> tuple[Booking, bool]:
    """Confirm the held booking of a signed link. Returns (booking, account just activated).

    A second click on a link already used answers with the confirmed booking; an expired or
    altered link, or a hold already released, is refused with a French message."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=SALT, max_age=GUEST_HOLD)
    except signing.SignatureExpired as error:
        raise BookingError(
            "Ce lien a expiré : la place n'est plus retenue. Refaites la réservation.",
            status=410,
            code="lien_expire",
        ) from error
    except signing.BadSignature as error:
        raise not_found("Lien de confirmation invalide.") from error
    booking = (
        Booking.objects.select_related("user", "resource", "place")
        .filter(public_id=data.get("b"), user__email__iexact=data.get("e", ""))
        .first()
        if isinstance(data, dict)
        else None
    )
    if booking is None:
        raise not_found("Lien de confirmation invalide.")
    if booking.status == Booking.Status.CONFIRMED:
        return booking, False
    user = booking.user
    with transaction.atomic():
        activated = not user.is_active
        if activated:  # the address is proven: the account made for it opens
            type(user).objects.filter(pk=user.pk).update(is_active=True)
            user.is_active = True
        booking = offer_accept(user=user, public_id=booking.public_id, now=now)
    return booking, activated
