"""Writes of the managers' space: posts, replies, moderation, notifications, e-mail preference,
the weekly digest and the RGPD eraser. Each write checks who may do it (selectors' one rule),
validates everything before writing anything, and queues its e-mails in the outbox inside its
own transaction (a refused post notifies nobody)."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.managers import documents, notifications
from maillage.managers.models import (
    BODY_MAX,
    COMMENT_MAX,
    LINK_MAX,
    TITLE_MAX,
    Category,
    Comment,
    DigestSent,
    EmailMode,
    Notification,
    Post,
    Preference,
)
from maillage.managers.selectors import (
    NOT_FOUND,
    space_member_or_404,
    space_members,
    space_role,
)
from maillage.places.opening_hours import PARIS

_link_validator = URLValidator(schemes=["http", "https"])


def _post_fields(*, title: str, body: str, category: str, link: str) -> dict:
    """The cleaned fields, or one ValidationError naming every wrong field in French."""
    title, body = str(title or "").strip(), str(body or "").strip()
    category, link = str(category or ""), str(link or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Donnez un titre au message."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Titre trop long : {TITLE_MAX} caractères au plus."]
    if not body:
        errors["body"] = ["Écrivez le texte du message."]
    elif len(body) > BODY_MAX:
        errors["body"] = [f"Texte trop long : {BODY_MAX:_} caractères au plus.".replace("_", " ")]
    if category not in Category.values:
        errors["category"] = ["Choisissez une catégorie de la liste."]
    if link:
        if len(link) > LINK_MAX:
            errors["link"] = [f"Lien trop long : {LINK_MAX} caractères au plus."]
        else:
            try:
                _link_validator(link)
            except ValidationError:
                errors["link"] = ["Lien invalide : une adresse en http:// ou https://."]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body, "category": category, "link": link}


def _attach(post: Post, upload) -> str:
    """Check then store the upload on `post` (not saved); returns the stored path."""
    checked = documents.document_check(upload)
    path = documents.document_store(upload, checked)
    post.document_path = path
    post.document_name = checked.download_name
    post.document_type = checked.content_type
    post.document_size = checked.size
    return path


def _forget_on_failure(path: str) -> None:
    """The stored file of a write that failed after storing it."""
    if path:
        documents.document_delete(path)


def post_create(
    *,
    user,
    title: str,
    body: str,
    category: str,
    link: str = "",
    document=None,
    now: datetime | None = None,
) -> Post:
    """Publish a post in the space.

    Side effects: the document in the private storage; a notification for every other member;
    an e-mail in the outbox for those who chose « à chaque message »; a `managers.post.create`
    audit event. Refused (ValidationError, nothing saved) on any invalid field."""
    space_member_or_404(user)
    fields = _post_fields(title=title, body=body, category=category, link=link)
    now = now or timezone.now()
    post = Post(
        author=user,
        by_coordination=space_role(user).coordinator,
        created_at=now,
        updated_at=now,
        **fields,
    )
    stored = ""
    try:
        if document is not None:
            stored = _attach(post, document)
        with transaction.atomic():
            post.save()
            count = notifications.post_published(post, now=now)
            audit_record(
                actor=user,
                action="managers.post.create",
                obj=post,
                summary=f"Message {post.pk} publié dans l'espace des gestionnaires",
                data={"post_id": post.pk, "notified": count, "document": bool(stored)},
            )
    except BaseException:
        _forget_on_failure(stored)
        raise
    return post


def post_update(
    *,
    user,
    post: Post,
    title: str,
    body: str,
    category: str,
    link: str = "",
    document=None,
    remove_document: bool = False,
    now: datetime | None = None,
) -> Post:
    """The author rewrites their post (no history: `updated_at` only). A new document replaces
    the old one; the old file goes once the change is committed."""
    if post.author_id is None or post.author_id != getattr(user, "pk", None):
        raise Http404(NOT_FOUND)
    space_member_or_404(user)
    fields = _post_fields(title=title, body=body, category=category, link=link)
    old_path = post.document_path
    stored = ""
    try:
        if document is not None:
            stored = _attach(post, document)
        elif remove_document:
            post.document_path = post.document_name = post.document_type = ""
            post.document_size = 0
        with transaction.atomic():
            for name, value in fields.items():
                setattr(post, name, value)
            post.updated_at = now or timezone.now()
            post.save(
                update_fields=[
                    *fields,
                    "updated_at",
                    "document_path",
                    "document_name",
                    "document_type",
                    "document_size",
                ]
            )
            audit_record(
                actor=user,
                action="managers.post.update",
                obj=post,
                summary=f"Message {post.pk} modifié",
                data={"post_id": post.pk, "document_replaced": old_path != post.document_path},
            )
            if old_path and old_path != post.document_path:
                transaction.on_commit(lambda: documents.document_delete(old_path))
    except BaseException:
        _forget_on_failure(stored)
        raise
    return post


def post_moderate(*, user, post: Post, pinned: bool | None = None, hidden: bool | None = None):
    """Coordinators pin a post at the top of the feed, or hide it from everyone but the
    coordination (its notifications disappear with it)."""
    if not space_role(user).coordinator:
        raise Http404(NOT_FOUND)
    changed = []
    if pinned is not None and post.pinned != pinned:
        post.pinned = pinned
        changed.append("pinned")
    if hidden is not None and post.hidden != hidden:
        post.hidden = hidden
        changed.append("hidden")
    if not changed:
        return post
    with transaction.atomic():
        post.save(update_fields=changed)
        audit_record(
            actor=user,
            action="managers.post.moderate",
            obj=post,
            summary=f"Message {post.pk} : épinglé={post.pinned}, masqué={post.hidden}",
            data={"post_id": post.pk, "pinned": post.pinned, "hidden": post.hidden},
        )
    return post


def comment_create(*, user, post: Post, body: str, now: datetime | None = None) -> Comment:
    """Reply under a post. Side effects: a notification (and an immediate e-mail, by
    preference) for the post's author and the earlier repliers, never for the replier."""
    space_member_or_404(user)
    if post.hidden and not space_role(user).coordinator:
        raise Http404(NOT_FOUND)
    body = str(body or "").strip()
    if not body:
        raise ValidationError({"body": ["Écrivez votre réponse."]})
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            {
                "body": [
                    f"Réponse trop longue : {COMMENT_MAX:_} caractères au plus.".replace("_", " ")
                ]
            }
        )
    now = now or timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(post=post, author=user, body=body, created_at=now)
        count = notifications.comment_published(comment, now=now)
        audit_record(
            actor=user,
            action="managers.comment.create",
            obj=comment,
            summary=f"Réponse {comment.pk} au message {post.pk}",
            data={"post_id": post.pk, "comment_id": comment.pk, "notified": count},
        )
    return comment


def notifications_mark_read(
    *, user, ids: list[int] | None = None, post: Post | None = None, now: datetime | None = None
) -> int:
    """Mark the user's own notifications read: these ids, those of one post, or all of them.
    Someone else's ids are simply not matched. Returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    if post is not None:
        rows = rows.filter(post=post)
    return rows.update(read_at=now or timezone.now())


def preference_set(*, user, email_mode: str) -> Preference:
    space_member_or_404(user)
    if email_mode not in EmailMode.values:
        raise ValidationError({"email_mode": ["Choisissez une des propositions."]})
    with transaction.atomic():
        preference, _ = Preference.objects.update_or_create(
            user=user, defaults={"email_mode": email_mode}
        )
    return preference


def digest_week(now: datetime) -> tuple[datetime, datetime]:
    """The last full week before `now`, Monday 00:00 to Monday 00:00, Paris time (DST-safe:
    midnight exists every day in Europe/Paris)."""
    today = now.astimezone(PARIS).date()
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(days=7)
    as_paris = lambda day: datetime(day.year, day.month, day.day, tzinfo=PARIS)  # noqa: E731
    return as_paris(start), as_paris(monday)


def managers_digest_send(*, now: datetime | None = None) -> int:
    """The weekly digest: for each member who chose it (the default), one e-mail listing what
    they have not read from last week. Idempotent per person and week (DigestSent's unique
    pair, inserted in the same transaction as the e-mail), so the worker may call it as often
    as it likes. Returns how many e-mails were queued."""
    now = now or timezone.now()
    start, end = digest_week(now)
    week_start = start.date()
    pending = Notification.objects.filter(
        created_at__gte=start, created_at__lt=end, read_at__isnull=True, post__hidden=False
    )
    recipient_ids = set(pending.values_list("recipient_id", flat=True))
    if not recipient_ids:
        return 0
    skipped = set(
        Preference.objects.filter(user_id__in=recipient_ids)
        .exclude(email_mode=EmailMode.DIGEST)
        .values_list("user_id", flat=True)
    ) | set(
        DigestSent.objects.filter(user_id__in=recipient_ids, week_start=week_start).values_list(
            "user_id", flat=True
        )
    )
    queued = 0
    for member in space_members().filter(pk__in=recipient_ids - skipped):
        items = list(
            pending.filter(recipient=member)
            .select_related("post", "comment")
            .order_by("created_at", "id")
        )
        if not items:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    user=member, week_start=week_start, items=len(items), sent_at=now
                )
                notifications.digest_queue(member, items, week_start=week_start)
        except IntegrityError:
            continue  # another run sent this week's digest meanwhile
        queued += 1
    return queued


def managers_erase(user) -> int:
    """RGPD eraser: posts and replies stay as the network's shared knowledge, detached from
    their author (« ancien membre »); notifications, preference and digest marks go."""
    count = Post.objects.filter(author=user).update(author=None)
    count += Comment.objects.filter(author=user).update(author=None)
    for model in (Notification, Preference, DigestSent):
        field = "recipient" if model is Notification else "user"
        deleted, _ = model.objects.filter(**{field: user}).delete()
        count += deleted
    return count
