"""Reads of the label, scoped to who asks: a place's team reaches its places' applications and
files only, the coordination everything; anything else is a 404 (one rule for all, nothing
revealed)."""

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.labelling.models import Application, ApplicationStep, Award, Evidence, LabelScheme
from maillage.places.models import Place
from maillage.places.permissions import can_edit_place, is_coordinator, managed_organisation_ids

NOT_FOUND = "Introuvable."
EXPIRING_DAYS = 90


def _uuid(value) -> UUID:
    try:
        return UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404(NOT_FOUND) from None


def scheme_current() -> LabelScheme:
    """The label the pages run (the oldest scheme: the network runs one)."""
    scheme = LabelScheme.objects.order_by("created_at", "id").first()
    if scheme is None:
        raise Http404("Aucun label n'est défini.")
    return scheme


def place_get_for_team(*, user, place_id) -> Place:
    """A place the user may apply for: its team (or the coordination)."""
    place = Place.objects.filter(public_id=_uuid(place_id)).select_related("operator").first()
    if place is None or not can_edit_place(user, place):
        raise Http404(NOT_FOUND)
    return place


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related("place", "scheme", "created_by", "award")


def application_get_for_team(*, user, application_id) -> Application:
    """An application of one of the user's places (the coordination reaches all)."""
    application = _applications().filter(public_id=_uuid(application_id)).first()
    if application is None or not can_edit_place(user, application.place):
        raise Http404(NOT_FOUND)
    return application


def application_get_for_coordinator(*, user, application_id) -> Application:
    if not is_coordinator(user):
        raise Http404(NOT_FOUND)
    application = _applications().filter(public_id=_uuid(application_id)).first()
    if application is None:
        raise Http404(NOT_FOUND)
    return application


def evidence_get_for_team(*, user, evidence_id) -> Evidence:
    evidence = (
        Evidence.objects.select_related("answer__application__place")
        .filter(public_id=_uuid(evidence_id))
        .first()
    )
    if evidence is None or not can_edit_place(user, evidence.answer.application.place):
        raise Http404(NOT_FOUND)
    return evidence


def award_get_for_coordinator(*, user, award_id) -> Award:
    if not is_coordinator(user):
        raise Http404(NOT_FOUND)
    award = (
        Award.objects.select_related("place", "scheme", "application")
        .filter(public_id=_uuid(award_id))
        .first()
    )
    if award is None:
        raise Http404(NOT_FOUND)
    return award


def applications_for_team(*, user) -> QuerySet[Application]:
    """The applications of the places run by the user's organisations."""
    return (
        _applications()
        .filter(place__operator_id__in=managed_organisation_ids(user))
        .order_by("-created_at", "-id")
    )


def team_places(*, user) -> QuerySet[Place]:
    return Place.objects.filter(operator_id__in=managed_organisation_ids(user)).order_by(
        "name", "id"
    )


def applications_queue(*, status: str = "") -> QuerySet[Application]:
    """The coordination's queue: submitted first by default, oldest submission first."""
    rows = _applications()
    if status:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=Application.OPEN_STATUSES)
    return rows.order_by("submitted_at", "created_at", "id")


def application_answers(application: Application) -> list:
    return list(
        application.answers.select_related("criterion")
        .prefetch_related("files")
        .order_by("criterion__group", "criterion__position", "criterion_id")
    )


def place_history(place: Place) -> QuerySet[ApplicationStep]:
    return ApplicationStep.objects.filter(place=place).select_related("actor").order_by("at", "id")


def application_history(application: Application) -> QuerySet[ApplicationStep]:
    return (
        ApplicationStep.objects.filter(Q(application=application))
        .select_related("actor")
        .order_by("at", "id")
    )


AWARD_FILTERS = {
    "en-vigueur": "En vigueur",
    "echeance-proche": f"Échéance dans {EXPIRING_DAYS} jours au plus",
    "suspendus": "Suspendus",
    "expires": "Expirés ou retirés",
}


@dataclass(frozen=True)
class AwardRow:
    award: Award
    state: str


def award_state(award: Award, today: date) -> str:
    if award.revoked_at is not None:
        return "Retiré"
    if award.suspended_at is not None:
        return "Suspendu"
    if award.expires_on <= today:
        return "Expiré"
    if award.starts_on > today:
        return "À venir"
    return "En vigueur"


def awards_list(*, today: date, which: str = "") -> QuerySet[Award]:
    """Awards for the coordination, filtered by `which` (a key of AWARD_FILTERS, else all)."""
    rows = Award.objects.select_related("place", "scheme", "application").order_by(
        "expires_on", "id"
    )
    if which == "en-vigueur":
        return rows.active_on(today)
    if which == "echeance-proche":
        return rows.active_on(today).filter(expires_on__lte=today + timedelta(days=EXPIRING_DAYS))
    if which == "suspendus":
        return rows.filter(suspended_at__isnull=False, revoked_at__isnull=True)
    if which == "expires":
        return rows.filter(Q(expires_on__lte=today) | Q(revoked_at__isnull=False))
    return rows


def awards_in_force(*, today: date) -> QuerySet[Award]:
    """Public: awards in force today (for the API)."""
    return (
        Award.objects.active_on(today)
        .select_related("place", "scheme")
        .order_by("place__name", "id")
    )
