"""A consultation « gommettes »: options, points spread by participants, one ballot each.

What the database guarantees itself, on both engines: one ballot per account and one per
invitation (unique constraints), one allocation per option in a ballot, points never negative,
settings within their bounds. The budget of a ballot (total ≤ points per participant, the cap per
option) is checked by the one service that writes ballots, under the consultation's lock.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

MIN_OPTIONS, MAX_OPTIONS = 2, 50
MIN_POINTS, MAX_POINTS = 1, 100


class Consultation(models.Model):
    class Access(models.TextChoices):
        INVITATION = "invitation", "Sur invitation"
        OPEN = "ouverte", "Ouverte aux membres connectés"

    class Results(models.TextChoices):
        HIDDEN = "masques", "Masqués pendant le vote"
        VISIBLE = "visibles", "Visibles pendant le vote"

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        PUBLISHED = "publiee", "Publiée"
        CLOSED = "close", "Close"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("titre", max_length=200)
    question = models.TextField("question", max_length=2000)
    points = models.PositiveSmallIntegerField("points par participant")
    max_per_option = models.PositiveSmallIntegerField("points au plus par option", null=True)
    access = models.CharField(max_length=12, choices=Access.choices, default=Access.INVITATION)
    results = models.CharField(max_length=10, choices=Results.choices, default=Results.HIDDEN)
    opens_at = models.DateTimeField("ouverture")
    closes_at = models.DateTimeField("clôture")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=MIN_POINTS, points__lte=MAX_POINTS),
                name="consultation_points_bounds",
            ),
            models.CheckConstraint(
                condition=Q(max_per_option__isnull=True)
                | Q(max_per_option__gte=1, max_per_option__lte=F("points")),
                name="consultation_cap_bounds",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Option(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options")
    label = models.CharField("libellé", max_length=120)
    description = models.CharField("description", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "label"], name="consultation_option_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Invitation(models.Model):
    """An e-mail invited to vote; its signed link identifies the participant (no account)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254, blank=True)  # blanked by the RGPD eraser
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "email"],
                condition=~Q(email=""),
                name="consultation_invitation_email_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.public_id}"


class Ballot(models.Model):
    """One participant's points: by account (open consultation) or by invitation. After an
    account's erasure the ballot stays, detached, so that the totals do not change."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_ballots",
    )
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="ballot"
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=Q(user__isnull=False),
                name="consultation_one_ballot_per_account",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(invitation__isnull=True),
                name="consultation_ballot_one_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"bulletin {self.pk}"


class Allocation(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="allocations")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="allocations")
    points = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "option"], name="consultation_one_allocation_per_option"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=MAX_POINTS),
                name="consultation_allocation_points",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points} point(s)"
