"""The invitation e-mail, queued in the outbox inside the sending transaction (decision 0024)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.consultation.models import Invitation
from maillage.core.links import absolute_url
from maillage.places.opening_hours import PARIS
from maillage.tasks.outbox import email_queue


def invitation_mail(invitation: Invitation, token: str) -> None:
    consultation = invitation.consultation
    body = render_to_string(
        "consultation/emails/invitation.txt",
        {
            "consultation": consultation,
            "link": absolute_url("consultation:invited", token),
            "closes": consultation.closes_at.astimezone(PARIS),
        },
    ).strip()
    email_queue(
        EmailMessage(
            f"Consultation : {consultation.title}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    )
