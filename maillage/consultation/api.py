"""/api/consultations/: a member's vote and the results, by the same rules as the pages
(not yours → 404, results hidden during the vote → 403)."""

from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.consultation import selectors, services
from maillage.consultation.errors import ConsultationError
from maillage.consultation.models import MAX_OPTIONS, MAX_POINTS
from maillage.consultation.phases import HIDDEN_MESSAGE, phase, results_visible

router = Router(tags=["consultations"])


class ResultOut(Schema):
    rang: int
    ex_aequo: bool
    option: int
    libelle: str
    points: int
    part: float = Field(description="Part des points répartis, en %")


class ConsultationResultsOut(Schema):
    titre: str
    etat: str
    participants: int
    points_repartis: int
    options: list[ResultOut]


class PointsIn(Schema):
    option: int = Field(ge=1, le=2**62)
    points: int = Field(ge=0, le=MAX_POINTS)


class BallotIn(Schema):
    points: list[PointsIn] = Field(max_length=MAX_OPTIONS)


class BallotOut(Schema):
    points: dict[int, int]


def _member_consultation(request: HttpRequest, public_id: UUID):
    try:
        return selectors.consultation_for_member(request.user, public_id)
    except ConsultationError as error:
        raise HttpError(404, error.message) from None


@router.get(
    "/{public_id}/resultats",
    response=ConsultationResultsOut,
    auth=django_auth,
    summary="Résultats d'une consultation (403 tant qu'ils sont masqués)",
)
def results(request: HttpRequest, public_id: UUID):
    consultation = _member_consultation(request, public_id)
    now = timezone.now()
    if not results_visible(consultation, now):
        raise HttpError(403, HIDDEN_MESSAGE)
    computed = selectors.results_compute(consultation)
    return {
        "titre": consultation.title,
        "etat": phase(consultation, now).value,
        "participants": computed.participants,
        "points_repartis": computed.points_given,
        "options": [
            {
                "rang": r.rank,
                "ex_aequo": r.tied,
                "option": r.option_id,
                "libelle": r.label,
                "points": r.points,
                "part": r.share,
            }
            for r in computed.rows
        ],
    }


@router.put(
    "/{public_id}/vote",
    response=BallotOut,
    auth=django_auth,
    summary="Voter ou remplacer son vote (consultation ouverte aux membres)",
)
def vote(request: HttpRequest, public_id: UUID, payload: BallotIn):
    consultation = _member_consultation(request, public_id)
    points: dict[int, int] = {}
    for item in payload.points:
        if item.option in points:
            raise HttpError(400, "Une option figure deux fois.")
        points[item.option] = item.points
    try:
        services.ballot_submit(
            consultation=consultation, voter=services.Voter(user=request.user), points=points
        )
    except ConsultationError as error:
        raise HttpError(error.status, error.message) from None
    return {"points": selectors.ballot_of(consultation, user=request.user)}
