"""E-mails to a place's team about its label, queued in the outbox inside the caller's
transaction (a refused or rolled-back step e-mails nobody). One e-mail per person, so no address
is shown to anyone else. Body: labelling/emails/step.txt."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.core.links import absolute_url
from maillage.labelling.models import Application, ApplicationStep
from maillage.places.models import Place
from maillage.tasks.outbox import email_queue

# What each step tells the team, in one sentence before the coordination's message.
INTROS = {
    ApplicationStep.Kind.CHANGES_REQUESTED: (
        "La coordination demande des compléments à votre candidature. "
        "Modifiez vos réponses puis déposez-la à nouveau."
    ),
    ApplicationStep.Kind.VISIT: "La coordination a programmé une visite de votre lieu.",
    ApplicationStep.Kind.GRANTED: "Félicitations : le label est accordé à votre lieu.",
    ApplicationStep.Kind.OVERRIDE: "Félicitations : le label est accordé à votre lieu.",
    ApplicationStep.Kind.REFUSED: "Votre candidature au label n'a pas été retenue.",
    ApplicationStep.Kind.SUSPENDED: "Le label de votre lieu est suspendu.",
    ApplicationStep.Kind.REINSTATED: "Le label de votre lieu est rétabli.",
    ApplicationStep.Kind.REVOKED: "Le label de votre lieu lui est retiré.",
    ApplicationStep.Kind.REMINDER: (
        "Le label de votre lieu arrive bientôt à échéance : pensez à déposer une demande de "
        "renouvellement."
    ),
}


# E-mail subjects that read better than the history's step name.
SUBJECTS = {ApplicationStep.Kind.REMINDER: "Renouvellement du label à prévoir"}


def team_emails(place: Place) -> list[str]:
    """The addresses of the active members of the organisation running the place."""
    if place.operator_id is None:
        return []
    users = (
        get_user_model()
        .objects.filter(organisations=place.operator_id, is_active=True)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def team_notify(
    *,
    place: Place,
    kind: str,
    scheme_name: str,
    message: str = "",
    application: Application | None = None,
) -> int:
    """Queue one e-mail per team member; returns how many were queued."""
    link = (
        absolute_url("labelling:application", application.public_id)
        if application is not None
        else absolute_url("labelling:place", place.public_id)
    )
    what = SUBJECTS.get(kind, ApplicationStep.Kind(kind).label)
    subject = f"{scheme_name} — {what} — {place.name}"[:200]
    body = render_to_string(
        "labelling/emails/step.txt",
        {"place": place, "intro": INTROS.get(kind, ""), "message": message, "link": link},
    ).strip()
    recipients = team_emails(place)
    for address in recipients:
        email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    return len(recipients)
