"""The outbox's part of an account erasure: e-mails to the erased address (queued or kept for
delivery questions) go at once with their attachments, rather than at the purge
(MAILLAGE_EMAIL_KEEP_DAYS)."""

from django.db.models import Q
from post_office.models import Attachment, Email


def outbox_erase(user) -> int:
    """Deletes every outbox e-mail whose recipients include the user's address; returns how
    many. A substring filter finds candidates, the exact address decides (« anne@x.fr » is not
    « marianne@x.fr »)."""
    address = (user.email or "").strip().lower()
    if not address:
        return 0
    candidates = Email.objects.filter(
        Q(to__icontains=address) | Q(cc__icontains=address) | Q(bcc__icontains=address)
    )
    ids = [
        email.pk
        for email in candidates
        if address in {a.strip().lower() for a in [*email.to, *email.cc, *email.bcc]}
    ]
    if not ids:
        return 0
    attachments = list(Attachment.objects.filter(emails__in=ids).distinct())
    Email.objects.filter(pk__in=ids).delete()
    for attachment in attachments:
        if not attachment.emails.exists():  # shared with no one else any more
            attachment.file.delete(save=False)
            attachment.delete()
    return len(ids)
