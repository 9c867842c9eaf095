"""/api/membres/: the directory for signed-in members only (401 otherwise), by the same rule as
the pages (only listed profiles: consent given, not hidden, account active). Never an e-mail."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from maillage.community import selectors
from maillage.places.models import Place

router = Router(tags=["membres"])

PAGE_SIZE = 20


class MemberQuery(Schema):
    competence: str = Field("", max_length=60)
    metier: str = Field("", max_length=60)
    lieu: UUID | None = None
    page: int = Field(1, ge=1, le=10_000)


class MemberPlaceOut(Schema):
    id: UUID
    nom: str


class MemberOut(Schema):
    id: UUID
    nom: str
    metier: str
    competences: list[str]
    lieux: list[MemberPlaceOut]
    propose: str
    cherche: str


class MemberPageOut(Schema):
    total: int
    page: int
    pages: int
    membres: list[MemberOut]


@router.get(
    "",
    response=MemberPageOut,
    auth=django_auth,
    summary="Annuaire des membres (membres connectés, profils visibles seulement)",
)
def list_members(request: HttpRequest, query: Query[MemberQuery]):
    place = None
    if query.lieu is not None:
        place = selectors.directory_places().filter(public_id=query.lieu).first()
        if place is None:
            return {"total": 0, "page": query.page, "pages": 0, "membres": []}
    profiles = selectors.directory_search(
        selectors.DirectoryFilters(skill=query.competence, trade=query.metier, place=place)
    )
    total = profiles.count()
    start = (query.page - 1) * PAGE_SIZE
    return {
        "total": total,
        "page": query.page,
        "pages": (total + PAGE_SIZE - 1) // PAGE_SIZE,
        "membres": [_member_out(profile) for profile in profiles[start : start + PAGE_SIZE]],
    }


def _member_out(profile) -> dict:
    places: list[Place] = list(profile.home_places.all())
    return {
        "id": profile.public_id,
        "nom": profile.display_name,
        "metier": profile.trade,
        "competences": profile.skills,
        "lieux": [{"id": place.public_id, "nom": place.name} for place in places],
        "propose": profile.offers,
        "cherche": profile.looks_for,
    }
