"""The members' network: an opt-in directory profile, conversations between two members, blocks
and reports of abuse. Nothing here is public: every page asks for a signed-in member, and a
profile shows only while its owner keeps it visible (consent) and the coordination has not
hidden it."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Bounds shared by the forms, the services and the API (free tags must stay tags).
MAX_SKILLS = 10
MAX_SKILL_LENGTH = 40
MAX_HOME_PLACES = 5
MAX_MESSAGE_LENGTH = 2000
MAX_REPORT_LENGTH = 1000


class MemberProfile(models.Model):
    """A member's entry in the directory. Created only when the member asks (off by default);
    `visible` is their consent to appear, `consented_at` when they gave it. Leaving the
    directory deletes the row."""

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member_profile",
        verbose_name=_("membre"),
    )
    display_name = models.CharField(_("nom affiché"), max_length=80)
    trade = models.CharField(_("métier"), max_length=120, blank=True)
    # The tags as typed (for display) and a folded copy between bars (« |menuiserie|web| ») that
    # both engines search with a plain LIKE: no JSON operators that only one engine has.
    skills = models.JSONField(_("compétences"), default=list, blank=True)
    skills_index = models.CharField(max_length=500, blank=True, editable=False)
    home_places = models.ManyToManyField(
        "places.Place", blank=True, related_name="+", verbose_name=_("lieux fréquentés")
    )
    offers = models.CharField(_("ce que je propose"), max_length=500, blank=True)
    looks_for = models.CharField(_("ce que je cherche"), max_length=500, blank=True)
    visible = models.BooleanField(_("visible dans l'annuaire"), default=False)
    consented_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    hidden_by_moderation = models.BooleanField(_("masqué par la coordination"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil de membre")
        verbose_name_plural = _("profils de membres")
        ordering = ["display_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visible=False) | Q(consented_at__isnull=False),
                name="community_profile_visible_needs_consent",
                violation_error_message=_("Un profil visible demande un consentement daté."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("community:member", args=[self.public_id])


class Conversation(models.Model):
    """Two members writing to each other. The pair is stored in id order so that a pair has at
    most one conversation (the database says so). An erased member's side becomes null."""

    public_id = models.UUIDField(_("identifiant public"), default=uuid.uuid4, unique=True)
    first = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("premier membre"),
    )
    second = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("second membre"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("commencée par"),
    )
    created_at = models.DateTimeField(_("commencée le"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("dernier message le"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["first", "second"],
                name="community_one_conversation_per_pair",
                violation_error_message=_("Ces deux membres ont déjà une conversation."),
            ),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second"))
                | Q(first__isnull=True)
                | Q(second__isnull=True),
                name="community_conversation_pair_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("community:conversation", args=[self.public_id])

    def other(self, user):
        """The other member (None once they erased their account)."""
        return self.second if self.first_id == user.pk else self.first


class Message(models.Model):
    """One message. Moderation hides it (`hidden_by_moderation`); the sender's erasure blanks it
    and detaches it (`erased`), so that the other member's conversation keeps its shape."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("expéditeur"),
    )
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("envoyé le"))
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)
    hidden_by_moderation = models.BooleanField(_("masqué par la coordination"), default=False)
    erased = models.BooleanField(_("supprimé"), default=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Block(models.Model):
    """`blocker` no longer receives anything from `blocked` (and cannot write to them either)."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("bloqué le"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocage")
        verbose_name_plural = _("blocages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["blocker", "blocked"],
                name="community_block_once",
                violation_error_message=_("Cette personne est déjà bloquée."),
            ),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="community_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Blocage {self.pk}"


class Report(models.Model):
    """A member reports a message or a profile; the coordination decides."""

    class Reason(models.TextChoices):
        HARASSMENT = "harcelement", _("Harcèlement ou insultes")
        SPAM = "spam", _("Démarchage ou spam")
        FRAUD = "arnaque", _("Arnaque ou usurpation")
        INAPPROPRIATE = "inapproprie", _("Contenu inapproprié")
        OTHER = "autre", _("Autre")

    class Status(models.TextChoices):
        OPEN = "ouvert", _("À traiter")
        MESSAGE_HIDDEN = "message-masque", _("Message masqué")
        PROFILE_HIDDEN = "profil-masque", _("Profil masqué")
        DISMISSED = "classe", _("Classé sans suite")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signalé par"),
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    profile = models.ForeignKey(
        MemberProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("précisions"), max_length=MAX_REPORT_LENGTH, blank=True)
    status = models.CharField(
        _("suite donnée"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("signalé le"))
    decided_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traité par"),
    )

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=["harcelement", "spam", "arnaque", "inapproprie", "autre"]),
                name="community_report_reason_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Signalement {self.pk}"
