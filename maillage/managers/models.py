"""The place managers' space: posts shared by the coordination and the place teams, replies,
in-app notifications, each member's e-mail preference and the weekly digests already sent.

Posts keep only `updated_at` (no edit history): a post is a message between colleagues, not a
versioned record; the page says « modifié le … » when it was edited.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

TITLE_MAX = 200
BODY_MAX = 20_000
COMMENT_MAX = 5_000
LINK_MAX = 500


class Category(models.TextChoices):
    NEWS = "actualite", "Actualité"
    PRACTICE = "bonne-pratique", "Bonne pratique"
    RESOURCE = "ressource", "Ressource"
    QUESTION = "question", "Question"


class Post(models.Model):
    """A news item, good practice, resource or question; `author` None once the author's
    account is erased (shown « ancien membre »: the knowledge stays with the network)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="manager_posts",
    )
    by_coordination = models.BooleanField("publié par la coordination", default=False)
    title = models.CharField("titre", max_length=TITLE_MAX)
    body = models.TextField("texte", max_length=BODY_MAX)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices)
    link = models.URLField("lien", max_length=LINK_MAX, blank=True)
    # The attached document: stored under a generated name in the private storage
    # (managers.documents); `document_name` is the cleaned name offered on download.
    document_path = models.CharField(max_length=100, blank=True)
    document_name = models.CharField(max_length=120, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    pinned = models.BooleanField("épinglé", default=False)
    hidden = models.BooleanField("masqué", default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "message de l'espace des gestionnaires"
        verbose_name_plural = "messages de l'espace des gestionnaires"
        ordering = ["-pinned", "-created_at", "-id"]
        indexes = [models.Index(fields=["hidden", "category", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="managers_post_title_not_empty",
                violation_error_message="Le titre est obligatoire.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values),
                name="managers_post_category_known",
                violation_error_message="Catégorie inconnue.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() >= 60


class Comment(models.Model):
    """A reply under a post; detached from its author on erasure like posts."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="manager_comments",
    )
    body = models.TextField("réponse", max_length=COMMENT_MAX)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "réponse"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="managers_comment_body_not_empty",
                violation_error_message="La réponse est vide.",
            ),
        ]

    def __str__(self) -> str:
        return f"Réponse {self.pk} à {self.post_id}"


class Notification(models.Model):
    """« Something new in the space » for one member: a post, or a reply to a post they wrote
    or answered."""

    class Kind(models.TextChoices):
        POST = "post", "Nouveau message"
        COMMENT = "comment", "Nouvelle réponse"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manager_notifications"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(comment__isnull=True),
                name="managers_notification_post_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(comment__isnull=False),
                name="managers_notification_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk}"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "À chaque nouveau message"
    DIGEST = "digest", "Un résumé par semaine"
    NONE = "none", "Aucun e-mail"


class Preference(models.Model):
    """A member's choice of e-mails; no row means the default, the weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="managers_preference"
    )
    email_mode = models.CharField(
        "e-mails", max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(email_mode__in=EmailMode.values),
                name="managers_preference_mode_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Préférence de {self.user_id}"


class DigestSent(models.Model):
    """The weekly digest covering the week starting `week_start` (a Monday, Paris time) was
    queued for `user`: the unique pair makes the digest once per person and week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="managers_digests"
    )
    week_start = models.DateField()
    items = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="managers_digest_once"),
        ]

    def __str__(self) -> str:
        return f"Résumé {self.week_start} pour {self.user_id}"
