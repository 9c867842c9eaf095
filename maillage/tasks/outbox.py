"""The e-mail outbox: a message is a database row (django-post-office's `Email`) written in the
transaction of the change it announces, and sent later by the worker (`manage.py worker`).

A rolled-back write queues nothing; a committed one always has its e-mail queued; an SMTP outage
delays the message instead of failing the request (decision 0024)."""

from email.mime.base import MIMEBase

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from post_office.models import PRIORITY, STATUS, Email
from post_office.utils import create_attachments


def _html_alternative(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return content
    return ""


def _attachment_files(message: EmailMessage) -> dict:
    files = {}
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            files[attachment.get_filename()] = {
                "file": ContentFile(attachment.get_payload(decode=True)),
                "mimetype": attachment.get_content_type(),
            }
        else:
            name, content, mimetype = attachment
            files[name] = {"file": ContentFile(content), "mimetype": mimetype or ""}
    return files


def email_queue(message: EmailMessage) -> Email:
    """Queue a ready Django message (body, attachments and all) for the worker.

    Written as is: post_office's own `mail.send` would read the subject and body as template
    code, so a cancellation reason containing « {% » would fail the booking."""
    headers = dict(message.extra_headers)
    if message.reply_to:
        headers.setdefault("Reply-To", ", ".join(message.reply_to))
    # The row and its attachments, or nothing. Inside the caller's transaction (a booking) no
    # savepoint is needed: a failure here fails the whole write anyway (two round trips saved).
    with transaction.atomic(savepoint=False):
        email = Email.objects.create(
            from_email=message.from_email,
            to=list(message.to),
            cc=list(message.cc),
            bcc=list(message.bcc),
            subject=message.subject,
            message=message.body,
            html_message=_html_alternative(message),
            headers=headers or None,
            status=STATUS.queued,
            priority=PRIORITY.medium,
        )
        if files := _attachment_files(message):
            # One INSERT for the links (`add` would first SELECT those that exist: none can).
            links = Email.attachments.through
            links.objects.bulk_create(
                [links(email_id=email.pk, attachment_id=a.pk) for a in create_attachments(files)]
            )
    return email


class OutboxBackend(BaseEmailBackend):
    """EMAIL_BACKEND: whatever is sent through Django's mail API (the password reset form,
    `send_mail`) joins the outbox too; the worker delivers through POST_OFFICE's backend."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            email_queue(message)
        return len(email_messages)
