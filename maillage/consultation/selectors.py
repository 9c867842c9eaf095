"""Reads of consultations: who reaches which one (one rule: not yours → 404), and the results,
ranked, ties ordered by label and marked ex aequo."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum

from maillage.consultation.errors import not_found
from maillage.consultation.models import Allocation, Ballot, Consultation, Invitation
from maillage.consultation.phases import Phase, phase
from maillage.places.permissions import is_coordinator


def consultations_for(user, now: datetime) -> list[Consultation]:
    """A coordinator sees them all; a member the open-access ones now open for voting, and
    those where they have a ballot (to read the results)."""
    queryset = Consultation.objects.annotate(ballot_count=Count("ballots"))
    if is_coordinator(user):
        return list(queryset)
    if not getattr(user, "is_authenticated", False):
        return []
    rows = queryset.filter(
        Q(access=Consultation.Access.OPEN, status=Consultation.Status.PUBLISHED)
        | Q(ballots__user=user)
    ).exclude(status=Consultation.Status.DRAFT)
    return [c for c in rows.distinct() if phase(c, now) == Phase.OPEN or _has_ballot(c, user)]


def _has_ballot(consultation: Consultation, user) -> bool:
    return consultation.ballots.filter(user=user).exists()


def _lookup_uuid(public_id) -> str:
    return str(public_id)


def consultation_for_coordinator(user, public_id) -> Consultation:
    if not is_coordinator(user):
        raise not_found()
    consultation = Consultation.objects.filter(public_id=_lookup_uuid(public_id)).first()
    if consultation is None:
        raise not_found()
    return consultation


def consultation_for_member(user, public_id) -> Consultation:
    """A consultation a signed-in member may open: any for a coordinator, a published
    open-access one for a member; anything else is « introuvable »."""
    consultation = Consultation.objects.filter(public_id=_lookup_uuid(public_id)).first()
    if consultation is None:
        raise not_found()
    if is_coordinator(user):
        return consultation
    if (
        getattr(user, "is_authenticated", False)
        and consultation.access == Consultation.Access.OPEN
        and consultation.status != Consultation.Status.DRAFT
    ):
        return consultation
    raise not_found()


def ballot_of(consultation: Consultation, *, user=None, invitation: Invitation | None = None):
    """The participant's own ballot as {option id: points}, empty if they have not voted."""
    if invitation is not None:
        ballot = Ballot.objects.filter(consultation=consultation, invitation=invitation).first()
    elif getattr(user, "is_authenticated", False):
        ballot = Ballot.objects.filter(consultation=consultation, user=user).first()
    else:
        ballot = None
    if ballot is None:
        return {}
    return dict(ballot.allocations.values_list("option_id", "points"))


@dataclass(frozen=True)
class ResultRow:
    option_id: int
    label: str
    description: str
    points: int
    share: float  # % of all points given, one decimal
    rank: int  # 1, 1, 3: tied options share the better rank
    tied: bool


@dataclass(frozen=True)
class Results:
    participants: int
    points_given: int
    rows: list[ResultRow]


def results_compute(consultation: Consultation) -> Results:
    """Totals per option, ranked by points then by label (case ignored), ties marked."""
    totals = dict(
        Allocation.objects.filter(ballot__consultation=consultation)
        .values("option")
        .annotate(total=Sum("points"))
        .values_list("option", "total")
    )
    options = sorted(
        consultation.options.all(),
        key=lambda o: (-totals.get(o.pk, 0), o.label.casefold(), o.label),
    )
    given = sum(totals.values())
    counts: dict[int, int] = {}
    for option in options:
        counts[totals.get(option.pk, 0)] = counts.get(totals.get(option.pk, 0), 0) + 1
    rows, rank, previous = [], 0, None
    for position, option in enumerate(options, start=1):
        points = totals.get(option.pk, 0)
        if points != previous:
            rank, previous = position, points
        rows.append(
            ResultRow(
                option_id=option.pk,
                label=option.label,
                description=option.description,
                points=points,
                share=round(100 * points / given, 1) if given else 0.0,
                rank=rank,
                tied=counts[points] > 1,
            )
        )
    return Results(participants=consultation.ballots.count(), points_given=given, rows=rows)


def participation(consultation: Consultation) -> dict:
    """What a coordinator may see while results are hidden: counts, no totals."""
    return {
        "ballots": consultation.ballots.count(),
        "invitations": consultation.invitations.exclude(email="").count(),
    }


def invitations_of(consultation: Consultation) -> QuerySet[Invitation]:
    return consultation.invitations.exclude(email="").order_by("email")
