"""E-mails about bookings, queued in the outbox inside the write's transaction (a rolled-back
booking queues nothing); the worker sends them (decision 0024). Bodies: booking/emails/*.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.booking.calendars import calendar_bytes
from maillage.booking.models import Booking
from maillage.core.links import absolute_url
from maillage.places.opening_hours import PARIS
from maillage.tasks.outbox import email_queue


def when_fr(booking: Booking) -> str:
    start, end = booking.starts_at.astimezone(PARIS), booking.ends_at.astimezone(PARIS)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def _queue(
    booking: Booking, subject: str, template: str, *, with_ics: bool = True, **context
) -> None:
    body = render_to_string(
        f"booking/emails/{template}.txt",
        {
            "booking": booking,
            "when": when_fr(booking),
            "link": absolute_url("booking:detail", booking.public_id),
            **context,
        },
    ).strip()
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [booking.user.email])
    if with_ics:
        message.attach("reservation.ics", calendar_bytes("Réservation", [booking]), "text/calendar")
    email_queue(message)


def booking_confirmed(booking: Booking) -> None:
    _queue(booking, f"Réservation confirmée — {booking.place.name}", "confirmed")


def booking_cancelled(booking: Booking, *, by_manager: bool) -> None:
    reason = booking.cancel_reason if by_manager else ""
    _queue(booking, f"Réservation annulée — {booking.place.name}", "cancelled", reason=reason)


def booking_moved(booking: Booking, reason: str) -> None:
    _queue(booking, f"Réservation déplacée — {booking.place.name}", "moved", reason=reason)


def offer_made(booking: Booking) -> None:
    _queue(
        booking,
        f"Une place s'est libérée — {booking.place.name}",
        "offer",
        with_ics=False,
        expires=booking.offer_expires_at,
    )


def booking_reminder(booking: Booking) -> None:
    _queue(booking, f"Rappel de réservation — {booking.place.name}", "reminder")
