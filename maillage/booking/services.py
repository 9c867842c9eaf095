"""Writes of the booking app.

Every path (pages, API, manager tools, waiting list) goes through these functions, so the rules and
the locks live in one place. The pattern of each write: plain checks first (no lock), then one
transaction that locks the resource row (PostgreSQL `FOR NO KEY UPDATE`; SQLite takes the write lock
at BEGIN IMMEDIATE), re-reads what it depends on, writes, and lets the database refuse what slipped
through (exclusion constraint or trigger, CHECK on pass units).
"""

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.billing.errors import BillingError
from maillage.booking import notifications
from maillage.booking.errors import BookingError, forbidden, full, not_found
from maillage.booking.models import (
    Booking,
    CalendarFeed,
    IdempotencyKey,
    Pass,
    PassLedger,
    PassProduct,
    Payment,
    Plan,
    Resource,
    Subscription,
    Unit,
    WaitlistEntry,
)
from maillage.booking.occupancy import peak_seats
from maillage.booking.permissions import can_manage_bookings, can_see_booking, can_sell_network_pass
from maillage.booking.timeslots import (
    SLOT_UNIT,
    local_day,
    minutes_between,
    slot_span,
    within_opening_hours,
)
from maillage.employers.selectors import outside_rules as employer_outside_rules
from maillage.employers.services import employer_payment_fields
from maillage.payments.booking_services import booking_refund_on_cancel
from maillage.places.models import Place

OFFER_TTL = timedelta(hours=12)
PASS_KINDS = {Resource.Kind.OPEN_SPACE, Resource.Kind.OFFICE}


@dataclass(frozen=True)
class BookingRequest:
    """What someone asks for, in local terms; `slot` is day, morning, afternoon or hours."""

    resource: Resource
    day: date
    slot: str
    start: time | None = None
    end: time | None = None
    seats: int = 1
    payment: str = Payment.ON_SITE
    pass_id: UUID | None = None

    def fingerprint(self) -> str:
        # A shallow dict: asdict() would deep-copy the resource and its cached relations.
        data = {f.name: getattr(self, f.name) for f in fields(self)} | {
            "resource": self.resource.pk
        }
        return hashlib.sha256(json.dumps(data, default=str, sort_keys=True).encode()).hexdigest()


# --- checks without locks ---------------------------------------------------------------------


def booking_span(
    resource: Resource, request: BookingRequest, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The instants a request would book, with every rule that needs no lock (BookingError)."""
    return _check_span(resource, request, now or timezone.now())


def _check_span(
    resource: Resource, request: BookingRequest, now: datetime
) -> tuple[datetime, datetime]:
    if not resource.is_active or resource.place.status != Place.Status.OPEN:
        raise BookingError("Cette ressource n'est pas ouverte à la réservation.", field="ressource")
    unit = SLOT_UNIT.get(request.slot)
    offered = {
        Unit.HOUR: resource.by_hour,
        Unit.HALF_DAY: resource.by_half_day,
        Unit.DAY: resource.by_day,
    }
    if unit is not None and not offered[unit]:
        raise BookingError(
            f"« {resource.name} » ne se réserve pas {_per(unit)}.",
            field="creneau",
        )
    starts_at, ends_at = slot_span(resource, request.day, request.slot, request.start, request.end)
    if starts_at <= now:
        raise BookingError("Ce créneau est déjà commencé ou passé.", field="date")
    if local_day(starts_at) > local_day(now) + timedelta(days=resource.horizon_days):
        raise BookingError(
            f"On ne peut réserver que {resource.horizon_days} jours à l'avance au plus.",
            field="date",
        )
    if unit == Unit.HOUR:
        minutes = minutes_between(starts_at, ends_at)
        if minutes < resource.min_minutes:
            raise BookingError(f"Durée minimale : {_duration(resource.min_minutes)}.", field="fin")
        if minutes > resource.max_minutes:
            raise BookingError(f"Durée maximale : {_duration(resource.max_minutes)}.", field="fin")
        if not within_opening_hours(resource, starts_at, ends_at):
            raise BookingError(
                "Ce créneau déborde des horaires d'ouverture du lieu.", field="debut"
            )
    # Closures are checked once, under the resource lock (`_check_room`, which every caller
    # runs): a check here too would cost a query per booking and prove nothing.
    if request.seats < 1:
        raise BookingError("Réservez au moins une place.", field="places")
    if request.seats > resource.capacity:
        raise BookingError(
            f"« {resource.name} » n'a que {resource.capacity} place(s).", field="places"
        )
    return starts_at, ends_at


def _per(unit: str) -> str:
    return {Unit.HOUR: "à l'heure", Unit.HALF_DAY: "à la demi-journée", Unit.DAY: "à la journée"}[
        unit
    ]


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def price_cents(
    resource: Resource, unit: str, starts_at: datetime, ends_at: datetime, seats: int
) -> int:
    """Hourly prices run on elapsed (UTC) time, so a DST night is billed for the hours it lasts."""
    if unit == Unit.DAY:
        return resource.price_day_cents * seats
    if unit == Unit.HALF_DAY:
        return resource.price_half_day_cents * seats
    return round(resource.price_hour_cents * minutes_between(starts_at, ends_at) / 60) * seats


def pass_units_needed(pass_unit: str, unit: str, seats: int) -> int:
    """A day booked with half-day units takes two; a half-day booked with day units takes one."""
    if unit == Unit.HOUR:
        raise BookingError(
            "Un carnet se règle à la demi-journée ou à la journée, pas à l'heure.", field="paiement"
        )
    per_seat = 2 if (unit == Unit.DAY and pass_unit == Unit.HALF_DAY) else 1
    return per_seat * seats


# --- inside the lock ----------------------------------------------------------------------------


def _lock(resource_pk: int) -> Resource:
    return (
        Resource.objects.select_for_update(no_key=True, of=("self",))
        .select_related("place__commune")
        .defer("place__commune__outline", "place__commune__boundary")
        .get(pk=resource_pk)
    )


def _taken(
    resource: Resource, starts_at: datetime, ends_at: datetime, exclude_pk=None, now=None
) -> int:
    """Peak of seats held over the interval. Given `now`, an expired offer found there is ended
    first (its seat goes to the waiting list), in the same query as the count when there is none."""
    rows = Booking.objects.filter(
        resource=resource, status__in=Booking.ACTIVE, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    held = list(rows.values_list("starts_at", "ends_at", "seats", "status", "offer_expires_at"))
    if now is not None and any(
        status == Booking.Status.OFFERED and expires <= now for *_, status, expires in held
    ):
        _expire_offers(resource, now)
        return _taken(resource, starts_at, ends_at, exclude_pk)
    return peak_seats((a, b, seats) for a, b, seats, _status, _expires in held)


def _check_not_closed(resource: Resource, starts_at: datetime, ends_at: datetime) -> None:
    closure = (
        resource.place.closures.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .filter(Q(resource__isnull=True) | Q(resource=resource))
        .first()
    )
    if closure:
        raise BookingError(
            f"Fermeture exceptionnelle sur ce créneau : {closure.reason}.", field="date"
        )


def _check_room(
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    seats: int,
    exclude_pk=None,
    now: datetime | None = None,
):
    """Under the resource lock: room left, and no closure saved since the unlocked checks
    (`offer_services.closure_create` takes the same lock before it looks for bookings)."""
    _check_not_closed(resource, starts_at, ends_at)
    if _taken(resource, starts_at, ends_at, exclude_pk, now) + seats > resource.capacity:
        if resource.exclusive:
            raise full(
                "Créneau déjà pris : la ressource est réservée sur tout ou partie de ce créneau."
            )
        raise full()


def _payment_fields(
    user, resource: Resource, request: BookingRequest, unit: str, starts_at, ends_at
) -> dict:
    if request.payment == Payment.ON_SITE:
        return {
            "payment": Payment.ON_SITE,
            "price_cents": price_cents(resource, unit, starts_at, ends_at, request.seats),
        }
    if request.payment == Payment.PASS:
        return _pass_fields(user, resource, request, unit, starts_at)
    if request.payment == Payment.PLAN:
        return _plan_fields(user, resource, starts_at)
    if request.payment == Payment.EMPLOYER:
        return employer_payment_fields(
            user=user,
            resource=resource,
            unit=unit,
            starts_at=starts_at,
            seats=request.seats,
            price_cents=price_cents(resource, unit, starts_at, ends_at, request.seats),
        )
    raise BookingError("Mode de règlement inconnu.", field="paiement")


def _pass_fields(user, resource: Resource, request: BookingRequest, unit: str, starts_at) -> dict:
    held = (
        Pass.objects.filter(owner=user, public_id=request.pass_id).first()
        if request.pass_id
        else None
    )
    if held is None:
        raise BookingError("Choisissez un de vos carnets.", field="carnet")
    if resource.kind not in PASS_KINDS:
        raise BookingError(
            "Un carnet règle un poste ou un bureau, pas une salle ni un équipement.",
            field="paiement",
        )
    if held.expires_on < local_day(starts_at):
        raise BookingError(
            f"Ce carnet n'est plus valable ce jour-là (jusqu'au {held.expires_on:%d/%m/%Y}).",
            field="carnet",
        )
    if held.is_network:
        settings = getattr(resource.place, "booking_settings", None)
        if not (settings and settings.accepts_network_pass):
            raise BookingError("Ce lieu n'accepte pas le pass réseau.", field="carnet")
    elif held.place_id != resource.place_id:
        raise BookingError("Ce carnet n'est valable que dans son lieu.", field="carnet")
    units = pass_units_needed(held.unit, unit, request.seats)
    # Conditional debit: the row lock and the re-checked WHERE make a unit usable once only.
    if not Pass.objects.filter(pk=held.pk, units_left__gte=units).update(
        units_left=F("units_left") - units
    ):
        raise BookingError(
            "Carnet épuisé : il ne reste pas assez d'unités.",
            status=409,
            code="carnet_epuise",
            field="carnet",
        )
    return {"payment": Payment.PASS, "price_cents": 0, "pass_ref": held, "pass_units": units}


def _plan_fields(user, resource: Resource, starts_at) -> dict:
    day = local_day(starts_at)
    if resource.kind != Resource.Kind.OPEN_SPACE:
        raise BookingError(
            "Un abonnement donne accès aux postes de l'espace partagé.", field="paiement"
        )
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan")
        .filter(user=user, plan__place=resource.place, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .first()
    )
    if subscription is None:
        raise BookingError(
            "Vous n'avez pas d'abonnement en cours dans ce lieu ce jour-là.", field="paiement"
        )
    limit = subscription.plan.days_per_month
    if limit is not None:
        used = {
            local_day(start)
            for start in subscription.bookings.filter(status__in=Booking.ACTIVE).values_list(
                "starts_at", flat=True
            )
            if (local_day(start).year, local_day(start).month) == (day.year, day.month)
        }
        if day not in used and len(used) >= limit:
            raise BookingError(
                f"Votre abonnement compte {limit} jour(s) par mois, tous déjà réservés ce mois-ci.",
                status=409,
                code="abonnement_epuise",
                field="paiement",
            )
    return {"payment": Payment.PLAN, "price_cents": 0, "subscription": subscription}


def _expire_offers(resource: Resource, now: datetime) -> None:
    expired = list(
        Booking.objects.filter(
            resource=resource, status=Booking.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    if not expired:
        return
    Booking.objects.filter(pk__in=expired).update(status=Booking.Status.EXPIRED)
    WaitlistEntry.objects.filter(offer_id__in=expired).update(status=WaitlistEntry.Status.EXPIRED)
    _offer_freed(resource, now)


def _offer_freed(resource: Resource, now: datetime) -> None:
    """Offer freed room to the waiting list, first come first served, one hold per entry."""
    waiting = WaitlistEntry.objects.filter(
        resource=resource, status=WaitlistEntry.Status.WAITING, starts_at__gt=now
    ).select_related("user")
    for entry in waiting:
        if _taken(resource, entry.starts_at, entry.ends_at) + 1 > resource.capacity:
            continue
        offer = Booking.objects.create(
            resource=resource,
            place=resource.place,
            exclusive=resource.exclusive,
            user=entry.user,
            unit=entry.unit,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            status=Booking.Status.OFFERED,
            offer_expires_at=min(now + OFFER_TTL, entry.starts_at),
            payment=Payment.ON_SITE,
            price_cents=price_cents(resource, entry.unit, entry.starts_at, entry.ends_at, 1),
            **_commute_snapshot(entry.user),
        )
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offer = offer
        entry.save(update_fields=["status", "offer"])
        notifications.offer_made(offer)  # queued with the offer (decision 0024)


def _replay(user, key: str, fingerprint: str) -> Booking | None:
    stored = (
        IdempotencyKey.objects.filter(user=user, key=key)
        .order_by()
        .values_list("fingerprint", "booking_id")
        .first()
    )
    if stored is None:
        return None
    if stored[0] != fingerprint:
        raise BookingError(
            "Cette clé d'idempotence a déjà servi pour une autre demande.",
            status=422,
            code="cle_reutilisee",
            field="Idempotency-Key",
        )
    return Booking.objects.select_related("resource", "place").get(pk=stored[1])


def _integrity_error(error: IntegrityError) -> BookingError | None:
    text = str(error)
    if "booking_no_overlap" in text:
        return full(
            "Créneau déjà pris : la ressource est réservée sur tout ou partie de ce créneau."
        )
    if "pass_units_left" in text:
        return BookingError("Carnet épuisé.", status=409, code="carnet_epuise", field="carnet")
    return None


# --- public writes ------------------------------------------------------------------------------


def _commute_snapshot(user) -> dict:
    """The booker's « profil de déplacement » as it is now, copied onto the booking so that a
    later change of profile does not rewrite history. Read from the user row already loaded
    (the `_id` attributes): no query."""
    return {"home_commune_id": user.home_commune_id, "work_commune_id": user.work_commune_id}


def booking_create(
    *,
    user,
    request: BookingRequest,
    created_by=None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> tuple[Booking, bool]:
    """Book, or replay the first answer to the same idempotency key. Returns (booking, replayed).

    The booking records the user's home and work communes of the moment (`_commute_snapshot`),
    for the observatory's aggregated measure of commutes avoided.
    """
    now = now or timezone.now()
    if idempotency_key and len(idempotency_key) > 100:
        raise BookingError(
            "Clé d'idempotence trop longue (100 caractères au plus).", field="Idempotency-Key"
        )
    fingerprint = request.fingerprint()
    if idempotency_key and (done := _replay(user, idempotency_key, fingerprint)):
        return done, True
    starts_at, ends_at = _check_span(request.resource, request, now)
    try:
        with transaction.atomic():
            resource = _lock(request.resource.pk)
            try:
                _check_room(resource, starts_at, ends_at, request.seats, now=now)
                fields = _payment_fields(
                    user, resource, request, SLOT_UNIT[request.slot], starts_at, ends_at
                )
            except BookingError:
                # A concurrent retry with the same key may have taken the seat or the last
                # unit itself: it gets the first answer. Otherwise a duplicate key fails on
                # its unique index below and is replayed in the except clause.
                if idempotency_key and (done := _replay(user, idempotency_key, fingerprint)):
                    return done, True
                raise
            booking = Booking.objects.create(
                resource=resource,
                place=resource.place,
                exclusive=resource.exclusive,
                user=user,
                seats=request.seats,
                unit=SLOT_UNIT[request.slot],
                starts_at=starts_at,
                ends_at=ends_at,
                created_by=created_by or user,
                **_commute_snapshot(user),
                **fields,
            )
            if booking.pass_ref_id:
                PassLedger.objects.create(
                    pass_ref=booking.pass_ref,
                    delta=-booking.pass_units,
                    reason=PassLedger.Reason.USE,
                    booking=booking,
                    place=resource.place,
                )
                audit_record(
                    actor=created_by or user,
                    action="pass.debit",
                    obj=booking.pass_ref,
                    data={"units": booking.pass_units, "booking": str(booking.public_id)},
                )
            audit_record(
                actor=created_by or user,
                action="booking.create",
                obj=booking,
                summary=resource.name,
            )
            if idempotency_key:
                IdempotencyKey.objects.create(
                    user=user, key=idempotency_key, fingerprint=fingerprint, booking=booking
                )
            notifications.booking_confirmed(booking)  # queued with the booking (decision 0024)
    except IntegrityError as error:
        if idempotency_key and (done := _replay(user, idempotency_key, fingerprint)):
            return done, True
        if mapped := _integrity_error(error):
            raise mapped from error
        raise
    return booking, False


def booking_for(actor, public_id) -> Booking:
    """The booking if the actor may see it; otherwise the same 404 as for an unknown id."""
    booking = (
        Booking.objects.select_related("resource__place", "place", "user")
        .filter(public_id=public_id)
        .first()
    )
    if booking is None or not can_see_booking(actor, booking):
        raise not_found()
    return booking


def booking_cancel(*, actor, public_id, reason: str = "", now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    booking = booking_for(actor, public_id)
    managing = can_manage_bookings(actor, booking.place)
    if booking.ends_at <= now:
        raise BookingError("Cette réservation est déjà passée : elle ne s'annule plus.")
    if booking.status == Booking.Status.CONFIRMED and not managing:
        deadline = booking.starts_at - timedelta(hours=booking.resource.cancel_hours)
        if now > deadline:
            raise BookingError(
                "Annulation impossible : le lieu l'accepte jusqu'à "
                f"{booking.resource.cancel_hours} h avant le début. Contactez le lieu.",
                code="delai_depasse",
            )
    if managing and actor.pk != booking.user_id and not reason.strip():
        raise BookingError(
            "Indiquez le motif de l'annulation : la personne le recevra.", field="motif"
        )
    with transaction.atomic():
        resource = _lock(booking.resource_id)
        # Compare-and-swap: of two simultaneous cancellations, one changes the row.
        changed = Booking.objects.filter(pk=booking.pk, status__in=Booking.ACTIVE).update(
            status=Booking.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by=actor,
            cancel_reason=reason.strip(),
        )
        if not changed:
            raise BookingError(
                "Cette réservation est déjà annulée.", status=409, code="deja_annulee"
            )
        if booking.pass_ref_id:
            Pass.objects.filter(pk=booking.pass_ref_id).update(
                units_left=F("units_left") + booking.pass_units
            )
            PassLedger.objects.create(
                pass_ref_id=booking.pass_ref_id,
                delta=booking.pass_units,
                reason=PassLedger.Reason.REFUND,
                booking=booking,
                place=booking.place,
            )
            audit_record(
                actor=actor,
                action="pass.credit",
                obj=booking.pass_ref,
                data={"units": booking.pass_units, "booking": str(booking.public_id)},
            )
        audit_record(
            actor=actor, action="booking.cancel", obj=booking, summary=reason.strip()[:120]
        )
        WaitlistEntry.objects.filter(offer=booking).update(status=WaitlistEntry.Status.WITHDRAWN)
        _offer_freed(resource, now)
        booking.refresh_from_db()
        # An invoiced booking is credited (and what was paid refunded) with its cancellation:
        # both happen, or neither.
        try:
            booking_refund_on_cancel(booking=booking, actor=actor, now=now)
        except BillingError as error:
            raise BookingError(error.message, status=error.status, code=error.code) from error
        notifications.booking_cancelled(booking, by_manager=actor.pk != booking.user_id)
    return booking


def _check_employer_move(booking: Booking, resource: Resource, unit: str, starts_at) -> None:
    """The employer's budget is per month and its rules per place and kind: a move stays within
    what was agreed when the booking was made, or it is a new booking."""
    old_day, new_day = local_day(booking.starts_at), local_day(starts_at)
    if unit != booking.unit or (old_day.year, old_day.month) != (new_day.year, new_day.month):
        raise BookingError(
            "Payée par l'employeur : gardez la même durée et le même mois "
            "(ou annulez puis réservez).",
            field="creneau",
        )
    if why := employer_outside_rules(booking.employee, resource):
        raise BookingError(why, status=403, code="hors_regles", field="ressource")


def booking_move(
    *, actor, public_id, request: BookingRequest, reason: str, now: datetime | None = None
) -> Booking:
    """A manager moves a booking to another slot or resource of the same place."""
    now = now or timezone.now()
    booking = booking_for(actor, public_id)
    if not can_manage_bookings(actor, booking.place):
        raise not_found()
    if request.resource.place_id != booking.place_id:
        raise BookingError(
            "On ne déplace une réservation que dans le même lieu.", field="ressource"
        )
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError("Seule une réservation confirmée se déplace.", status=409)
    if not reason.strip():
        raise BookingError(
            "Indiquez le motif du déplacement : la personne le recevra.", field="motif"
        )
    unit = SLOT_UNIT.get(request.slot)
    if booking.pass_ref_id and unit != booking.unit:
        raise BookingError(
            "Réglée par carnet : gardez la même durée (ou annulez puis réservez).", field="creneau"
        )
    starts_at, ends_at = _check_span(request.resource, request, now)
    if booking.payment == Payment.EMPLOYER:
        _check_employer_move(booking, request.resource, unit, starts_at)
    try:
        with transaction.atomic():
            resource = _lock(request.resource.pk)
            _check_room(resource, starts_at, ends_at, booking.seats, exclude_pk=booking.pk, now=now)
            changed = Booking.objects.filter(pk=booking.pk, status=Booking.Status.CONFIRMED).update(
                resource=resource,
                exclusive=resource.exclusive,
                starts_at=starts_at,
                ends_at=ends_at,
                unit=unit,
                price_cents=booking.price_cents
                if booking.payment != Payment.ON_SITE
                else price_cents(resource, unit, starts_at, ends_at, booking.seats),
            )
            if not changed:
                raise BookingError("Cette réservation vient d'être annulée.", status=409)
            _offer_freed(booking.resource, now)
            audit_record(
                actor=actor,
                action="booking.move",
                obj=booking,
                summary=reason.strip()[:120],
                data={"resource": resource.pk, "starts_at": starts_at.isoformat()},
            )
            booking.refresh_from_db()
            notifications.booking_moved(booking, reason.strip())
    except IntegrityError as error:
        if mapped := _integrity_error(error):
            raise mapped from error
        raise
    return booking


def booking_check_in(*, actor, public_id, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    booking = booking_for(actor, public_id)
    if not can_manage_bookings(actor, booking.place):
        raise forbidden("Seule l'équipe du lieu enregistre les présences.")
    return _check_in(booking, actor, now)


def booking_check_in_by_code(*, user, token: str, now: datetime | None = None) -> Booking:
    """The user scanned the QR code shown at the place: their current booking is checked in."""
    now = now or timezone.now()
    place = Place.objects.filter(booking_settings__check_in_token=token).first()
    if place is None:
        raise not_found("Code de présence inconnu : scannez le code affiché dans le lieu.")
    booking = (
        Booking.objects.filter(
            user=user,
            place=place,
            status=Booking.Status.CONFIRMED,
            starts_at__lte=now + timedelta(minutes=30),
            ends_at__gt=now,
        )
        .select_related("resource", "place")
        .first()
    )
    if booking is None:
        raise BookingError(
            f"Aucune réservation de votre part en cours dans le lieu « {place.name} ».",
            status=404,
            code="introuvable",
        )
    return _check_in(booking, user, now)


def _check_in(booking: Booking, actor, now: datetime) -> Booking:
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError("Présence impossible : la réservation n'est pas confirmée.", status=409)
    if booking.starts_at - timedelta(minutes=30) > now:
        raise BookingError("Trop tôt : la présence se note à partir de 30 minutes avant le début.")
    Booking.objects.filter(pk=booking.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=actor
    )
    booking.refresh_from_db()
    return booking


def waitlist_join(*, user, request: BookingRequest, now: datetime | None = None) -> WaitlistEntry:
    now = now or timezone.now()
    if request.seats != 1:
        raise BookingError("La liste d'attente se fait pour une place.", field="places")
    starts_at, ends_at = _check_span(request.resource, request, now)
    try:
        with transaction.atomic():
            resource = _lock(request.resource.pk)
            _expire_offers(resource, now)
            if _taken(resource, starts_at, ends_at) < resource.capacity:
                raise BookingError(
                    "Il reste de la place sur ce créneau : réservez directement.",
                    status=409,
                    code="place_libre",
                )
            return WaitlistEntry.objects.create(
                resource=resource,
                user=user,
                unit=SLOT_UNIT[request.slot],
                starts_at=starts_at,
                ends_at=ends_at,
            )
    except IntegrityError as error:
        raise BookingError(
            "Vous êtes déjà en liste d'attente pour ce créneau.", status=409, code="deja_inscrit"
        ) from error


def waitlist_leave(*, user, public_id) -> None:
    changed = WaitlistEntry.objects.filter(
        public_id=public_id, user=user, status=WaitlistEntry.Status.WAITING
    ).update(status=WaitlistEntry.Status.WITHDRAWN)
    if not changed:
        raise not_found("Inscription introuvable.")


def offer_accept(
    *,
    user,
    public_id,
    payment: str = Payment.ON_SITE,
    pass_id: UUID | None = None,
    now: datetime | None = None,
) -> Booking:
    now = now or timezone.now()
    offer = (
        Booking.objects.select_related("resource__place")
        .filter(public_id=public_id, user=user)
        .first()
    )
    if offer is None:
        raise not_found("Proposition introuvable.")
    request = BookingRequest(
        resource=offer.resource,
        day=local_day(offer.starts_at),
        slot="hours",
        seats=offer.seats,
        payment=payment,
        pass_id=pass_id,
    )
    try:
        with transaction.atomic():
            resource = _lock(offer.resource_id)
            _expire_offers(resource, now)
            offer.refresh_from_db()
            if offer.status != Booking.Status.OFFERED:
                raise BookingError(
                    "Cette proposition a expiré ou a déjà reçu une réponse.",
                    status=409,
                    code="expiree",
                )
            fields = _payment_fields(
                user, resource, request, offer.unit, offer.starts_at, offer.ends_at
            )
            Booking.objects.filter(pk=offer.pk, status=Booking.Status.OFFERED).update(
                status=Booking.Status.CONFIRMED,
                offer_expires_at=None,
                **_commute_snapshot(user),
                **fields,
            )
            offer.refresh_from_db()
            if offer.pass_ref_id:
                PassLedger.objects.create(
                    pass_ref=offer.pass_ref,
                    delta=-offer.pass_units,
                    reason=PassLedger.Reason.USE,
                    booking=offer,
                    place=resource.place,
                )
                audit_record(
                    actor=user,
                    action="pass.debit",
                    obj=offer.pass_ref,
                    data={"units": offer.pass_units, "booking": str(offer.public_id)},
                )
            audit_record(
                actor=user,
                action="booking.create",
                obj=offer,
                summary="Proposition de liste d'attente acceptée",
            )
            WaitlistEntry.objects.filter(offer=offer).update(status=WaitlistEntry.Status.BOOKED)
            notifications.booking_confirmed(offer)
    except IntegrityError as error:
        if mapped := _integrity_error(error):
            raise mapped from error
        raise
    return offer


def offers_expire(*, now: datetime | None = None) -> int:
    """For the periodic sweeper: end expired offers and pass the room on. Returns how many."""
    now = now or timezone.now()
    resource_ids = set(
        Booking.objects.filter(
            status=Booking.Status.OFFERED, offer_expires_at__lte=now
        ).values_list("resource_id", flat=True)
    )
    count = 0
    for resource_id in sorted(resource_ids):
        with transaction.atomic():
            resource = _lock(resource_id)
            count += Booking.objects.filter(
                resource=resource, status=Booking.Status.OFFERED, offer_expires_at__lte=now
            ).count()
            _expire_offers(resource, now)
    return count


def pass_sell(*, seller, buyer, product: PassProduct, now: datetime | None = None) -> Pass:
    now = now or timezone.now()
    allowed = (
        can_sell_network_pass(seller)
        if product.is_network
        else can_manage_bookings(seller, product.place)
    )
    if not allowed:
        raise forbidden("Vous ne vendez pas ce carnet.")
    if not product.is_active:
        raise BookingError("Ce carnet n'est plus en vente.", field="produit")
    with transaction.atomic():
        sold = Pass.objects.create(
            owner=buyer,
            product=product,
            place=product.place,
            unit=product.unit,
            units_total=product.units,
            units_left=product.units,
            expires_on=local_day(now) + timedelta(days=product.validity_days),
        )
        PassLedger.objects.create(
            pass_ref=sold, delta=product.units, reason=PassLedger.Reason.SALE, place=product.place
        )
        audit_record(
            actor=seller,
            action="pass.sale",
            obj=sold,
            summary=product.name,
            data={"units": product.units, "buyer": buyer.pk},
        )
    return sold


def subscription_create(
    *, actor, user, plan: Plan, starts_on: date, ends_on: date | None = None
) -> Subscription:
    if not can_manage_bookings(actor, plan.place):
        raise forbidden("Vous ne gérez pas ce lieu.")
    if ends_on and ends_on < starts_on:
        raise BookingError("La fin de l'abonnement précède son début.", field="fin")
    return Subscription.objects.create(user=user, plan=plan, starts_on=starts_on, ends_on=ends_on)


def reminders_send(*, now: datetime | None = None, ahead: timedelta = timedelta(hours=24)) -> int:
    """Queue a reminder for each confirmed booking starting within `ahead`, once: the mark and
    the queued e-mail are one transaction."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + ahead,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        # Claim the row first: two sweepers running at once never queue the same reminder twice.
        with transaction.atomic():
            if Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                booking = Booking.objects.select_related("resource", "place", "user").get(pk=pk)
                notifications.booking_reminder(booking)
                sent += 1
    return sent


def calendar_feed_create(*, user, resource_id=None) -> CalendarFeed:
    """A new secret address: the user's own bookings, or a resource's for its place's team."""
    resource = None
    if resource_id is not None:
        resource = Resource.objects.select_related("place").filter(pk=resource_id).first()
        if resource is None or not can_manage_bookings(user, resource.place):
            raise not_found("Ressource introuvable.")
    return CalendarFeed.objects.create(user=user, resource=resource)


def calendar_feed_revoke(*, user, token: str) -> None:
    CalendarFeed.objects.filter(user=user, token=token, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
