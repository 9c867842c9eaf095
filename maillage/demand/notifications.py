"""E-mails of the « Je veux un lieu » statements, queued in the outbox inside the write's
transaction (decision 0024): a rolled-back write queues nothing. Bodies: demand/emails/*.txt.
The same messages whether or not the address has an account, so that nothing is revealed."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.demand.models import DemandStatement
from maillage.tasks.outbox import email_queue


def recipient(statement: DemandStatement) -> str:
    """The account's address, or the statement's own."""
    return statement.user.email if statement.user_id else statement.email


def _queue(statement: DemandStatement, subject: str, template: str, **context) -> None:
    body = render_to_string(
        f"demand/emails/{template}.txt", {"statement": statement, **context}
    ).strip()
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient(statement)]))


def confirmation_request(statement: DemandStatement, *, link: str, expires_days: int) -> None:
    _queue(
        statement,
        "Confirmez votre demande de lieu",
        "confirm",
        link=link,
        expires_days=expires_days,
    )


def statement_confirmed(statement: DemandStatement, *, manage_link: str) -> None:
    _queue(statement, "Votre demande de lieu est confirmée", "confirmed", manage_link=manage_link)


def place_opened(
    statement: DemandStatement, *, place, km: int, place_link: str, manage_link: str
) -> None:
    _queue(
        statement,
        f"Un lieu ouvre près de chez vous — {place.name}",
        "opening",
        place=place,
        km=km,
        place_link=place_link,
        manage_link=manage_link,
    )
