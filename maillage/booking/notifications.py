"""E-mails about bookings, sent after the transaction commits (never for a rolled-back write)."""

from django.conf import settings
from django.core.mail import EmailMessage

from maillage.booking.calendars import calendar_bytes
from maillage.booking.models import Booking
from maillage.core.links import absolute_url
from maillage.places.opening_hours import PARIS


def when_fr(booking: Booking) -> str:
    start, end = booking.starts_at.astimezone(PARIS), booking.ends_at.astimezone(PARIS)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def _link(booking: Booking) -> str:
    return absolute_url("booking:detail", booking.public_id)


def _send(booking: Booking, subject: str, lines: list[str], *, with_ics: bool = True) -> None:
    body = "\n".join(["Bonjour,", "", *lines, "", _link(booking), "", "— maillage"])
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [booking.user.email])
    if with_ics:
        message.attach("reservation.ics", calendar_bytes("Réservation", [booking]), "text/calendar")
    message.send()


def booking_confirmed(booking: Booking) -> None:
    _send(
        booking,
        f"Réservation confirmée — {booking.place.name}",
        [
            f"Votre réservation de « {booking.resource.name} » ({booking.place.name}) "
            f"est confirmée, {when_fr(booking)}.",
            "Le fichier joint l'ajoute à votre agenda.",
        ],
    )


def booking_cancelled(booking: Booking, *, by_manager: bool) -> None:
    lines = [
        f"Votre réservation de « {booking.resource.name} » ({booking.place.name}), "
        f"{when_fr(booking)}, est annulée."
    ]
    if by_manager and booking.cancel_reason:
        lines.append(f"Motif donné par le lieu : {booking.cancel_reason}")
    _send(booking, f"Réservation annulée — {booking.place.name}", lines)


def booking_moved(booking: Booking, reason: str) -> None:
    _send(
        booking,
        f"Réservation déplacée — {booking.place.name}",
        [
            "Le lieu a déplacé votre réservation : "
            f"« {booking.resource.name} », {when_fr(booking)}.",
            f"Motif : {reason}",
        ],
    )


def offer_made(booking: Booking) -> None:
    expires = booking.offer_expires_at.astimezone(PARIS)
    _send(
        booking,
        f"Une place s'est libérée — {booking.place.name}",
        [
            f"Une place s'est libérée pour « {booking.resource.name} », {when_fr(booking)}.",
            f"Elle vous est réservée jusqu'au {expires:%d/%m/%Y à %H:%M} : "
            "confirmez-la sur la page ci-dessous.",
        ],
        with_ics=False,
    )


def booking_reminder(booking: Booking) -> None:
    _send(
        booking,
        f"Rappel de réservation — {booking.place.name}",
        [f"Rappel : « {booking.resource.name} » ({booking.place.name}), {when_fr(booking)}."],
    )
