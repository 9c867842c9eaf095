"""E-mails about registrations, queued in the outbox inside the write's transaction (a rolled-back
registration queues nothing). Bodies: events/emails/*.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.core.links import absolute_url
from maillage.events.calendars import events_calendar_bytes
from maillage.events.models import Event, Registration
from maillage.places.opening_hours import PARIS
from maillage.tasks.outbox import email_queue


def when_fr(event: Event) -> str:
    start, end = event.starts_at.astimezone(PARIS), event.ends_at.astimezone(PARIS)
    if start.date() == end.date():
        return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"
    return f"du {start:%d/%m/%Y} à {start:%H:%M} au {end:%d/%m/%Y} à {end:%H:%M}"


def where_fr(event: Event) -> str:
    if event.place_id is None:
        return f"en ligne : {event.online_url}"
    place = event.place
    return ", ".join(filter(None, [place.name, place.address, place.commune.name]))


def _queue(registration: Registration, subject: str, template: str, *, with_ics: bool) -> None:
    event = registration.event
    body = render_to_string(
        f"events/emails/{template}.txt",
        {
            "event": event,
            "when": when_fr(event),
            "where": where_fr(event),
            "link": absolute_url("events:detail", event.public_id),
        },
    ).strip()
    message = EmailMessage(
        f"{subject} — {event.title}", body, settings.DEFAULT_FROM_EMAIL, [registration.user.email]
    )
    if with_ics:
        message.attach(
            "evenement.ics", events_calendar_bytes(event.title, [event]), "text/calendar"
        )
    email_queue(message)


def registration_confirmed(registration: Registration) -> None:
    _queue(registration, "Inscription confirmée", "confirmed", with_ics=True)


def registration_waiting(registration: Registration) -> None:
    _queue(registration, "Liste d'attente", "waiting", with_ics=False)


def registration_promoted(registration: Registration) -> None:
    _queue(registration, "Une place s'est libérée : vous êtes inscrit", "promoted", with_ics=True)


def registration_reminder(registration: Registration) -> None:
    _queue(registration, "Rappel : c'est demain", "reminder", with_ics=True)


def event_changed(registration: Registration) -> None:
    """New time or place: the new .ics (higher SEQUENCE) replaces the one in the calendar."""
    _queue(registration, "Événement modifié", "changed", with_ics=True)


def event_cancelled(registration: Registration) -> None:
    _queue(registration, "Événement annulé", "cancelled", with_ics=True)
