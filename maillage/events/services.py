"""Every write on events and registrations: publishing, editing, cancelling an event; registering,
cancelling, the waiting list, attendance, reminders, and the RGPD eraser.

Capacity holds on both engines (decision 0029): each registration change locks the event row
(`select_for_update`; on SQLite the IMMEDIATE transaction already serialises writers), counts, then
moves `Event.confirmed_count` in the same transaction; a CHECK keeps that count within capacity
and a conditional unique constraint keeps one active registration per person.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.booking.errors import BookingError
from maillage.booking.timeslots import local_instant
from maillage.events import notifications, payment_services
from maillage.events.errors import EventError, not_found
from maillage.events.models import (
    MAX_CAPACITY,
    MAX_PRICE_CENTS,
    Audience,
    Event,
    Registration,
    Theme,
)
from maillage.events.permissions import audience_admits, can_manage_event, can_organise
from maillage.places.models import Place

MAX_DURATION = timedelta(days=14)


@dataclass(frozen=True)
class EventInput:
    """What the organiser types: local day and clock times (Europe/Paris), the rest as is."""

    title: str
    description: str
    day: date
    start: time
    end: time
    capacity: int
    theme: str
    audience: str = Audience.EVERYONE
    end_day: date | None = None  # None: the same day
    online_url: str = ""
    price_cents: int = 0


def _instants(data: EventInput) -> tuple[datetime, datetime]:
    try:
        starts_at = local_instant(data.day, data.start, "debut")
        ends_at = local_instant(data.end_day or data.day, data.end, "fin")
    except BookingError as error:  # a DST gap or overlap: the precise French message
        raise EventError(error.message, field=error.field) from error
    return starts_at, ends_at


def _checked(data: EventInput, *, place: Place | None, now: datetime, confirmed: int = 0) -> dict:
    """The fields to store, or an EventError naming the first rule broken (nothing is saved)."""
    title = data.title.strip()
    if not title or len(title) > 200:
        raise EventError("Donnez un titre (200 caractères au plus).", field="titre")
    if len(data.description) > 5000:
        raise EventError("La description tient en 5 000 caractères au plus.", field="description")
    starts_at, ends_at = _instants(data)
    if starts_at <= now:
        raise EventError("Le début de l'événement est déjà passé.", field="debut")
    if ends_at <= starts_at:
        raise EventError("La fin doit venir après le début.", field="fin")
    if ends_at - starts_at > MAX_DURATION:
        raise EventError("Un événement dure au plus 14 jours.", field="fin")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise EventError("Le nombre de places va de 1 à 10 000.", field="places")
    if data.capacity < confirmed:
        raise EventError(
            f"{confirmed} personnes sont déjà inscrites : le nombre de places ne peut pas "
            "descendre en dessous.",
            field="places",
        )
    if not 0 <= data.price_cents <= MAX_PRICE_CENTS:
        raise EventError("Le prix va de 0 à 1 000 € TTC.", field="prix")
    if data.theme not in Theme.values:
        raise EventError("Choisissez un thème de la liste.", field="theme")
    if data.audience not in Audience.values:
        raise EventError("Choisissez un public de la liste.", field="public")
    online_url = data.online_url.strip()
    if place is None and not online_url:
        raise EventError(
            "Un événement du réseau sans lieu a lieu en ligne : donnez son adresse.",
            field="en_ligne",
        )
    return {
        "title": title,
        "description": data.description.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": data.capacity,
        "price_cents": data.price_cents,
        "theme": data.theme,
        "audience": data.audience,
        "online_url": online_url,
    }


def event_create(
    *, user, place: Place | None, data: EventInput, now: datetime | None = None
) -> Event:
    """Publish an event of `place` (its team) or of the network (place None: the coordination).
    Side effect: an `event.create` audit event."""
    now = now or timezone.now()
    if not can_organise(user, place):
        raise not_found("Lieu introuvable.")
    fields = _checked(data, place=place, now=now)
    with transaction.atomic():
        event = Event.objects.create(place=place, created_by=user, **fields)
        audit_record(
            actor=user,
            action="event.create",
            obj=event,
            summary=f"Événement publié : {event.title}"[:300],
            data={"place_id": place.pk if place else None, "capacity": event.capacity},
        )
    return event


def _locked(event_id: int) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("place").get(pk=event_id)


def event_update(*, user, event: Event, data: EventInput, now: datetime | None = None) -> Event:
    """Change an upcoming event. The capacity never goes under the confirmed registrations
    (checked under the event's lock, and by the database's CHECK); a larger capacity
    promotes people from the waiting list, who are e-mailed."""
    now = now or timezone.now()
    if not can_manage_event(user, event):
        raise not_found()
    with transaction.atomic():
        event = _locked(event.pk)
        if event.status != Event.Status.PUBLISHED:
            raise EventError("Cet événement est annulé : il ne se modifie plus.", status=409)
        if event.starts_at <= now:
            raise EventError("Cet événement a commencé : il ne se modifie plus.", status=409)
        fields = _checked(data, place=event.place, now=now, confirmed=event.confirmed_count)
        moved = any(
            name in fields and fields[name] != getattr(event, name)
            for name in ("starts_at", "ends_at", "online_url")
        )
        for name, value in fields.items():
            setattr(event, name, value)
        if moved:
            event.sequence += 1
        event.save(update_fields=[*fields, "sequence", "updated_at"])
        told = _tell_registered_of_change(event) if moved else 0
        promoted = _promote_waiting(event, now=now)
        audit_record(
            actor=user,
            action="event.update",
            obj=event,
            summary=f"Événement modifié : {event.title}"[:300],
            data={"capacity": event.capacity, "promoted": promoted, "told": told},
        )
    return event


def _tell_registered_of_change(event: Event) -> int:
    """New time or place: every registered person (confirmed or waiting) gets the new .ics; a
    reminder already sent for the old time is owed again for the new one."""
    active = list(
        event.registrations.filter(
            status__in=Registration.ACTIVE, user__isnull=False
        ).select_related("user")
    )
    event.registrations.filter(status__in=Registration.ACTIVE).update(reminded_at=None)
    for registration in active:
        registration.event = event
        notifications.event_changed(registration)
    return len(active)


def event_cancel(*, user, event: Event, now: datetime | None = None) -> Event:
    """Cancel an event: every active registration is cancelled and its person e-mailed; those
    collected at the place get their credit note and refund in the same transaction. Twice: one
    effect."""
    now = now or timezone.now()
    if not can_manage_event(user, event):
        raise not_found()
    with transaction.atomic():
        event = _locked(event.pk)
        if event.status == Event.Status.CANCELLED:
            return event
        active = list(
            event.registrations.filter(
                status__in=Registration.ACTIVE, user__isnull=False
            ).select_related("user")
        )
        settled = list(
            event.registrations.filter(
                status=Registration.Status.CONFIRMED, invoice__isnull=False
            ).select_related("invoice")
        )
        event.registrations.filter(status__in=Registration.ACTIVE).update(
            status=Registration.Status.CANCELLED, cancelled_at=now
        )
        for registration in settled:  # collected at the place: credit note and refund
            registration.status = Registration.Status.CANCELLED
            payment_services.registration_refund_on_cancel(
                registration=registration, actor=user, now=now
            )
        event.status = Event.Status.CANCELLED
        event.cancelled_at = now
        event.confirmed_count = 0
        event.sequence += 1  # the cancelled .ics replaces the calendar's copy
        event.save(
            update_fields=["status", "cancelled_at", "confirmed_count", "sequence", "updated_at"]
        )
        for registration in active:
            registration.event = event
            notifications.event_cancelled(registration)
        audit_record(
            actor=user,
            action="event.cancel",
            obj=event,
            summary=f"Événement annulé : {event.title}"[:300],
            data={"registrations": len(active), "refunded": len(settled)},
        )
    return event


def _promote_waiting(event: Event, *, now: datetime) -> int:
    """Confirm waiting people, first come first served, while seats are free (inside the
    caller's transaction and lock); each is e-mailed."""
    free = event.capacity - event.confirmed_count
    if free <= 0:
        return 0
    waiting = list(
        event.registrations.filter(status=Registration.Status.WAITING)
        .select_related("user")
        .order_by("created_at", "id")[:free]
    )
    for registration in waiting:
        registration.status = Registration.Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        registration.event = event
        if registration.user_id:
            notifications.registration_promoted(registration)
    if waiting:
        Event.objects.filter(pk=event.pk).update(
            confirmed_count=F("confirmed_count") + len(waiting)
        )
        event.confirmed_count += len(waiting)
    return len(waiting)


def registration_create(*, event: Event, user, now: datetime | None = None) -> Registration:
    """Register `user`: confirmed while seats are left, else on the waiting list (position by
    time). Refused: an event cancelled or started, an audience the person is not part of, a
    second active registration. Side effects: an e-mail (with the .ics when confirmed), an
    `event.register` audit event."""
    now = now or timezone.now()
    if not user.is_authenticated:
        raise EventError("Connectez-vous pour vous inscrire.", status=403, code="interdit")
    try:
        with transaction.atomic():
            locked = _locked(event.pk)
            if locked.status != Event.Status.PUBLISHED:
                raise EventError("Cet événement est annulé.", status=409, code="annule")
            if locked.starts_at <= now:
                raise EventError(
                    "Cet événement a commencé : les inscriptions sont closes.", status=409
                )
            if not audience_admits(user, locked):
                raise EventError(
                    "Cet événement est réservé aux gestionnaires de lieux.",
                    status=403,
                    code="interdit",
                )
            if locked.registrations.filter(user=user, status__in=Registration.ACTIVE).exists():
                raise _already()
            confirmed = locked.confirmed_count < locked.capacity
            registration = Registration.objects.create(
                event=locked,
                user=user,
                status=Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITING,
                created_at=now,
            )
            if confirmed:
                # Guarded by the CHECK confirmed_count <= capacity as well as by the lock.
                Event.objects.filter(pk=locked.pk).update(confirmed_count=F("confirmed_count") + 1)
                locked.confirmed_count += 1
                notifications.registration_confirmed(registration)
            else:
                notifications.registration_waiting(registration)
            audit_record(
                actor=user,
                action="event.register",
                obj=locked,
                data={"registration_id": registration.pk, "status": registration.status},
            )
    except IntegrityError as error:  # the unique constraint, if a twin request got there first
        raise _already() from error
    return registration


def _already() -> EventError:
    return EventError(
        "Vous êtes déjà inscrit à cet événement (ou sur sa liste d'attente).",
        status=409,
        code="deja_inscrit",
    )


def registration_cancel(*, event: Event, user, now: datetime | None = None) -> Registration | None:
    """Cancel `user`'s active registration to `event`; a freed seat goes to the first waiting
    person in the same transaction (e-mailed). Collected at the place: its credit note and
    refund in that transaction too. Twice: one effect, the second returns None."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(event.pk)
        registration = (
            locked.registrations.filter(user=user, status__in=Registration.ACTIVE)
            .order_by("id")
            .first()
        )
        if registration is None:
            return None
        if locked.starts_at <= now:
            raise EventError("L'événement a commencé : l'inscription ne s'annule plus.", status=409)
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        payment_services.registration_refund_on_cancel(
            registration=registration, actor=user, now=now
        )
        promoted = 0
        if was_confirmed:
            Event.objects.filter(pk=locked.pk).update(confirmed_count=F("confirmed_count") - 1)
            locked.confirmed_count -= 1
            promoted = _promote_waiting(locked, now=now)
        audit_record(
            actor=user,
            action="event.unregister",
            obj=locked,
            data={"registration_id": registration.pk, "promoted": promoted},
        )
    return registration


def attendance_record(
    *, user, event: Event, registration_id: int, present: bool, now: datetime | None = None
) -> Registration:
    """The team marks a confirmed person present or absent, once the event has started."""
    now = now or timezone.now()
    if not can_manage_event(user, event):
        raise not_found()
    if event.starts_at > now:
        raise EventError(
            "La présence se note à partir du début de l'événement.", status=409, field="presence"
        )
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(pk=registration_id, event=event, status=Registration.Status.CONFIRMED)
            .first()
        )
        if registration is None:
            raise not_found("Inscription introuvable.")
        registration.attendance = (
            Registration.Attendance.PRESENT if present else Registration.Attendance.ABSENT
        )
        registration.attendance_at = now
        registration.save(update_fields=["attendance", "attendance_at"])
        audit_record(
            actor=user,
            action="event.attendance",
            obj=event,
            data={"registration_id": registration.pk, "present": present},
        )
    return registration


def event_reminders_send(
    *, now: datetime | None = None, ahead: timedelta = timedelta(hours=24)
) -> int:
    """Queue one reminder per confirmed registration whose event starts within `ahead` (the day
    before), once: `reminded_at` is claimed with the e-mail in one transaction, so a second run
    or two workers at once never remind twice. For the worker's periodic pass."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        user__isnull=False,
        reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + ahead,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            if Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                registration = Registration.objects.select_related(
                    "event__place__commune", "user"
                ).get(pk=pk)
                notifications.registration_reminder(registration)
                sent += 1
    return sent


def registrations_erase(user, *, now: datetime | None = None) -> int:
    """RGPD eraser: detach the person from their registrations (rows stay for the counts);
    upcoming active ones are cancelled first, so that their seat is freed and promoted."""
    now = now or timezone.now()
    upcoming = Registration.objects.filter(
        user=user, status__in=Registration.ACTIVE, event__starts_at__gt=now
    ).select_related("event")
    for registration in list(upcoming):
        registration_cancel(event=registration.event, user=user, now=now)
    return Registration.objects.filter(user=user).update(user=None)
