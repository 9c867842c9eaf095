"""Notifications of the managers' space: the in-app rows and the e-mails, queued in the outbox
inside the caller's transaction (a rolled-back post notifies nobody). Bodies:
managers/emails/*.txt. One e-mail per person: no address is shown to anyone else."""

from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from maillage.core.links import absolute_url
from maillage.managers.models import Comment, EmailMode, Notification, Post, Preference
from maillage.managers.selectors import space_members
from maillage.tasks.outbox import email_queue

SUBJECT_PREFIX = "Espace des gestionnaires"
FORMER_MEMBER = "ancien membre"


def author_label(author) -> str:
    return str(author) if author is not None else FORMER_MEMBER


def _immediate_ids(user_ids: list[int]) -> set[int]:
    return set(
        Preference.objects.filter(user_id__in=user_ids, email_mode=EmailMode.IMMEDIATE).values_list(
            "user_id", flat=True
        )
    )


def _send(to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(
        f"managers/emails/{template}.txt",
        {**context, "preferences": absolute_url("managers:preferences")},
    ).strip()
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


def _fan_out(recipients: list, *, post: Post, comment: Comment | None, now: datetime) -> int:
    kind = Notification.Kind.COMMENT if comment else Notification.Kind.POST
    Notification.objects.bulk_create(
        [
            Notification(recipient=r, post=post, comment=comment, kind=kind, created_at=now)
            for r in recipients
        ]
    )
    immediate = _immediate_ids([r.pk for r in recipients])
    context = {
        "post": post,
        "comment": comment,
        "author": author_label(comment.author if comment else post.author),
        "link": absolute_url("managers:post_detail", post.pk),
    }
    subject = f"{SUBJECT_PREFIX} — {'Réponse : ' if comment else ''}{post.title}"
    for recipient in recipients:
        if recipient.pk in immediate:
            _send(recipient.email, subject, "comment" if comment else "post", context)
    return len(recipients)


def post_published(post: Post, *, now: datetime) -> int:
    """Every member of the space but the author; hidden posts notify nobody."""
    if post.hidden:
        return 0
    recipients = list(space_members().exclude(pk=post.author_id))
    return _fan_out(recipients, post=post, comment=None, now=now)


def comment_published(comment: Comment, *, now: datetime) -> int:
    """The post's author and the earlier repliers who are still in the space, not the replier."""
    post = comment.post
    if post.hidden:
        return 0
    concerned = set(post.comments.exclude(author=None).values_list("author_id", flat=True))
    if post.author_id is not None:
        concerned.add(post.author_id)
    concerned.discard(comment.author_id)
    recipients = list(space_members().filter(pk__in=concerned))
    return _fan_out(recipients, post=post, comment=comment, now=now)


def digest_queue(member, items: list[Notification], *, week_start: date) -> None:
    """One member's weekly digest: the week's unread posts and replies, with their links."""
    lines = [
        {
            "kind": item.get_kind_display(),
            "title": item.post.title,
            "link": absolute_url("managers:post_detail", item.post_id),
        }
        for item in items
    ]
    _send(
        member.email,
        f"{SUBJECT_PREFIX} — la semaine du {week_start:%d/%m/%Y}",
        "digest",
        {"items": lines, "week_start": week_start, "home": absolute_url("managers:home")},
    )
