"""The e-mail of a guest booking (someone without an account): the link that confirms it.

Queued in the outbox inside the hold's transaction, like every booking e-mail (decision 0024);
the same message whether or not the address already has an account, so the form tells nothing."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.booking.models import Booking
from maillage.booking.notifications import when_fr
from maillage.tasks.outbox import email_queue


def guest_confirmation(booking: Booking, *, email: str, link: str) -> None:
    body = render_to_string(
        "booking/emails/guest_confirm.txt",
        {
            "booking": booking,
            "when": when_fr(booking),
            "expires": booking.offer_expires_at,
            "link": link,
        },
    ).strip()
    subject = f"Confirmez votre réservation — {booking.place.name}"
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
