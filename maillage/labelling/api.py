"""/api/label: the label's criteria and the awards in force (public, read-only), and the
signed-in team's own applications. Writes go through the pages only."""

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import django_auth

from maillage.labelling import selectors

router = Router(tags=["label"])


class CriterionOut(Schema):
    id: int
    group: str
    group_label: str
    title: str
    description: str
    mandatory: bool
    evidence_asked: str
    platform_figure: str


class SchemeOut(Schema):
    id: UUID
    name: str
    short_name: str
    description: str
    validity_months: int
    accepting: bool
    criteria: list[CriterionOut]


class AwardOut(Schema):
    place_id: UUID
    place_name: str
    starts_on: date
    expires_on: date


class ApplicationOut(Schema):
    id: UUID
    place_id: UUID
    place_name: str
    kind: str
    status: str
    status_label: str
    created_at: str
    submitted_at: str | None
    visit_on: date | None


@router.get("/", response=SchemeOut, summary="Le label et ses critères en vigueur")
def scheme_detail(request: HttpRequest):
    scheme = selectors.scheme_current()
    criteria = scheme.criteria.filter(retired_at__isnull=True).order_by("group", "position", "id")
    return {
        "id": scheme.public_id,
        "name": scheme.name,
        "short_name": scheme.short_name,
        "description": scheme.description,
        "validity_months": scheme.validity_months,
        "accepting": scheme.accepting,
        "criteria": [
            {
                "id": c.pk,
                "group": c.group,
                "group_label": c.get_group_display(),
                "title": c.title,
                "description": c.description,
                "mandatory": c.mandatory,
                "evidence_asked": c.evidence_asked,
                "platform_figure": c.platform_figure,
            }
            for c in criteria
        ],
    }


@router.get("/labels", response=list[AwardOut], summary="Les lieux labellisés aujourd'hui")
def awards_in_force(request: HttpRequest):
    """Start and expiry (first day without the label) of each award in force today."""
    return [
        {
            "place_id": a.place.public_id,
            "place_name": a.place.name,
            "starts_on": a.starts_on,
            "expires_on": a.expires_on,
        }
        for a in selectors.awards_in_force(today=timezone.localdate())
    ]


@router.get(
    "/candidatures",
    response=list[ApplicationOut],
    auth=django_auth,
    summary="Les candidatures des lieux de mon équipe",
)
def my_applications(request: HttpRequest):
    return [
        {
            "id": a.public_id,
            "place_id": a.place.public_id,
            "place_name": a.place.name,
            "kind": a.kind,
            "status": a.status,
            "status_label": a.get_status_display(),
            "created_at": a.created_at.isoformat(),
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "visit_on": a.visit_on,
        }
        for a in selectors.applications_for_team(user=request.user)[:200]
    ]
