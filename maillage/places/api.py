"""JSON API of places (mounted at /api/lieux) and of their moderation (/api/moderation)."""

import hashlib
import json
from typing import Annotated, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.core.compression import cached_response, compress_response
from maillage.events.selectors import events_map_version
from maillage.labelling.badges import labels_version, paris_day
from maillage.places import opening_hours, selectors, services
from maillage.places.api_fields import errors_to_api, snapshot_from_api
from maillage.places.models import Kind, Label, Place, PlaceProposal, Service
from maillage.places.opendata import export
from maillage.places.opendata.geocoding import AddressSearchUnavailable, address_search
from maillage.places.permissions import can_edit_place, is_coordinator
from maillage.places.schemas import (
    CatalogueOut,
    PlaceIn,
    PlaceOut,
    ProposalOut,
    RejectIn,
    WriteResult,
)
from maillage.territory.selectors import insee_code_of

router = Router(tags=["lieux"])
# The map data is read far more than written; any write changes the directory version (see
# selectors.directory_version) or the events version (events.selectors.events_map_version, which
# also moves when the next event starts) or the labels version (labelling.badges.labels_version:
# who holds the label today, so a grant, suspension or expiry shows at once), all in the key.
MAP_CACHE_SECONDS = 600
moderation_router = Router(tags=["modération"], auth=django_auth)


class AddressQuery(Schema):
    q: str = Field(..., min_length=3, max_length=200)
    commune: str = Field("", pattern=r"^([0-9][0-9AB][0-9]{3})?$")


class AddressOut(Schema):
    libelle: str
    adresse: str
    code_postal: str
    commune: str
    latitude: float
    longitude: float
    precise: bool


class AddressError(Schema):
    detail: str


@router.get(
    "/adresses",
    auth=django_auth,
    response={200: list[AddressOut], 404: AddressError, 503: AddressError},
    summary="Chercher une adresse (service d'adresses configuré par la plateforme)",
)
def addresses(request: HttpRequest, query: Query[AddressQuery]):
    """For the place form's map picker. Signed-in people only: not an open proxy."""
    try:
        hits = address_search(query.q.replace("\x00", ""), citycode=query.commune.upper())
    except AddressSearchUnavailable as unavailable:
        # Not configured: the feature is absent (404); configured but silent: 503.
        return Status(503 if unavailable.configured else 404, {"detail": str(unavailable)})
    return [
        {
            "libelle": hit.label,
            "adresse": hit.street,
            "code_postal": hit.postal_code,
            "commune": hit.citycode,
            "latitude": hit.latitude,
            "longitude": hit.longitude,
            "precise": hit.precise,
        }
        for hit in hits
    ]


class PlaceQuery(Schema):
    """Every parameter bounded: a NaN radius or a 30-digit count is a 422 on its field."""

    q: str = Field("", max_length=100)
    type: list[Annotated[str, Field(max_length=100)]] = Field([], max_length=50)
    service: list[Annotated[str, Field(max_length=100)]] = Field([], max_length=50)
    label: list[Annotated[str, Field(max_length=100)]] = Field([], max_length=50)
    statut: list[Literal["ouvert", "projet", "ferme"]] = Field(["ouvert", "projet"], max_length=3)
    ouvert_maintenant: bool = False
    postes_min: int | None = Field(None, ge=0, le=100_000)
    commune: str = Field("", max_length=100)
    epci: str = Field("", max_length=100)
    departement: str = Field("", max_length=100)
    pres_de: str = Field("", max_length=100)
    rayon_km: float = Field(20.0, gt=0, le=500, allow_inf_nan=False)
    demo: bool = True
    evenements: bool = Field(False, description="seulement les lieux avec des événements à venir")
    labellise: bool = Field(False, description="seulement les lieux labellisés aujourd'hui")

    def filters(self) -> selectors.PlaceFilters:
        return selectors.PlaceFilters(
            q=self.q[:100],
            kinds=self.type,
            services=self.service,
            labels=self.label,
            statuses=self.statut,
            open_now=self.ouvert_maintenant,
            min_desks=self.postes_min,
            commune=insee_code_of(self.commune),
            epci=self.epci,
            departement=self.departement,
            near=insee_code_of(self.pres_de),
            radius_km=self.rayon_km,
            include_demo=self.demo,
            with_upcoming_events=self.evenements,
            labelled=self.labellise,
        )


def place_out(place: Place, now=None) -> dict:
    return {
        "id": place.public_id,
        "nom": place.name,
        "types": [k.slug for k in place.kinds.all()],
        "statut": place.status,
        "date_ouverture": place.opening_date,
        "adresse": place.address,
        "code_postal": place.postal_code,
        "commune": {"code": place.commune.code, "nom": place.commune.name},
        "latitude": place.latitude,
        "longitude": place.longitude,
        "presentation": place.description,
        "structure": place.operator.name if place.operator_id else None,
        "courriel": place.email,
        "telephone": place.phone,
        "site_web": place.website,
        "horaires": place.opening_hours,
        "horaires_fr": opening_hours.describe_fr(place.opening_hours)
        if place.opening_hours
        else [],
        "ouvert_maintenant": opening_hours.is_open(place.opening_hours, now or timezone.now()),
        "postes_espace_partage": place.open_space_desks,
        "bureaux_fermes": place.private_offices,
        "postes_bureaux_fermes": place.private_office_seats,
        "salles_reunion": place.meeting_rooms,
        "salles_visio": place.visio_rooms,
        "services": [s.slug for s in place.services.all()],
        "labels": [lb.slug for lb in place.labels.all()],
        "tarifs": place.price_notes,
        "prix_demi_journee": place.price_half_day,
        "prix_journee": place.price_day,
        "prix_mois": place.price_month,
        "accessibilite_fauteuil": place.wheelchair,
        "accessibilite_details": place.accessibility_notes,
        "demo": place.is_demo,
        "label_regional": getattr(place, "label_name", None),
        "label_regional_echeance": getattr(place, "label_expires_on", None),
        "distance_km": round(place.distance_km, 1) if hasattr(place, "distance_km") else None,
        "mis_a_jour_le": place.updated_at,
    }


@router.get("/catalogue", response=CatalogueOut, summary="Types, services et labels")
def catalogue(request: HttpRequest):
    return {
        "types": [{"slug": k.slug, "nom": k.name} for k in Kind.objects.filter(is_active=True)],
        "services": [
            {"slug": s.slug, "nom": s.name, "pictogramme": s.icon}
            for s in Service.objects.filter(is_active=True)
        ],
        "labels": [
            {"slug": lb.slug, "nom": lb.name} for lb in Label.objects.filter(is_active=True)
        ],
    }


@router.get("", response=list[PlaceOut], summary="Lister et filtrer les lieux (JSON)")
def list_places(request: HttpRequest, query: Query[PlaceQuery]):
    now = timezone.now()
    return [place_out(p, now) for p in selectors.place_directory(query.filters(), now=now)]


@router.get(
    "/carte.geojson",
    summary="Lieux pour la carte (GeoJSON léger)",
    openapi_extra={
        "responses": {
            200: {"description": "FeatureCollection", "content": {"application/geo+json": {}}}
        }
    },
)
def map_places(request: HttpRequest, query: Query[PlaceQuery]):
    filters = query.filters()
    now = timezone.now()
    if filters.open_now:  # depends on the clock: never cached
        body = map_geojson(filters, now=now)
        return compress_response(request, HttpResponse(body, content_type="application/geo+json"))
    version = "|".join(
        (
            selectors.directory_version(),
            events_map_version(now=now),
            labels_version(paris_day(now)),
        )
    )
    key = "places-map:" + hashlib.sha256((request.GET.urlencode() + version).encode()).hexdigest()
    return cached_response(
        request,
        key=key,
        build=lambda: map_geojson(filters, now=now),
        content_type="application/geo+json",
        seconds=MAP_CACHE_SECONDS,
    )


def map_geojson(filters, *, now=None) -> str:
    """GeoJSON text for thousands of markers, written directly: json.dumps only for the strings.

    `evenements` and `prochain_evenement` (Paris day, ISO) only for places with upcoming events;
    `label` (the label's short name, for the badge) only for places labelled today.
    """
    dumps = json.dumps
    features = []
    for (
        public_id,
        name,
        lat,
        lon,
        status,
        demo,
        desks,
        commune,
        kinds,
        distance,
        approximate,
        label,
        events,
        next_event,
    ) in selectors.place_map_features(filters, now=now):
        extra = (
            (',"demo":true' if demo else "")
            + (f',"distance_km":{distance:.1f}' if distance is not None else "")
            + (',"position_approximative":true' if approximate else "")
            + (f',"label":{dumps(label, ensure_ascii=False)}' if label else "")
            + (
                f',"evenements":{events},"prochain_evenement":"{next_event.isoformat()}"'
                if events
                else ""
            )
        )
        features.append(
            f'{{"type":"Feature","id":"{public_id}","geometry":{{"type":"Point",'
            f'"coordinates":[{lon:.5f},{lat:.5f}]}},'
            f'"properties":{{"nom":{dumps(name, ensure_ascii=False)},'
            f'"commune":{dumps(commune, ensure_ascii=False)},"types":{dumps(kinds)},'
            f'"statut":"{status}","postes":{desks}{extra}}}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


class ExportQuery(PlaceQuery):
    """The directory's filters, bounded (a download reads every matching place), and a format."""

    format: Literal["csv", "geojson", "json", "mediation-csv", "mediation-json"] = "csv"
    type: list[Annotated[str, Field(max_length=60)]] = Field([], max_length=20)
    service: list[Annotated[str, Field(max_length=60)]] = Field([], max_length=20)
    label: list[Annotated[str, Field(max_length=60)]] = Field([], max_length=20)
    postes_min: int | None = Field(None, ge=0, le=10_000)
    commune: str = Field("", max_length=100)
    epci: str = Field("", max_length=9)
    departement: str = Field("", max_length=3)
    pres_de: str = Field("", max_length=100)


# What each download is, for OpenAPI (and schemathesis): CSV is a file; the JSON formats are
# a list of places (ours, or the national schema's rows) or a GeoJSON FeatureCollection.
_EXPORT_TYPES = {
    "text/csv": {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/geo+json": {
        "schema": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {"type": {"type": "string"}, "features": {"type": "array"}},
        }
    },
}


@router.get(
    "/export",
    response={404: dict, 422: dict},
    summary="Télécharger les lieux (CSV, GeoJSON, JSON, schéma national de médiation numérique)",
    description=(
        "Les lieux de l'annuaire (mêmes filtres que `GET /api/lieux`) dans un fichier "
        "(`Content-Disposition: attachment`). `mediation-csv` et `mediation-json` suivent le "
        "schéma national des lieux de médiation numérique (v1.0.1 et v1.0.2) : seuls les lieux "
        "ouverts qui en remplissent les champs obligatoires y figurent (SIRET ou RNA, adresse, "
        "code postal) ; les en-têtes `X-Lieux-Exportes` et `X-Lieux-Laisses-De-Cote` donnent "
        "les nombres. Les lieux de démonstration suivent l'annuaire (`demo=false` pour les "
        "exclure) et n'entrent jamais dans le schéma national. Voir docs/opendata-lieux.md."
    ),
    openapi_extra={"responses": {200: {"description": "Fichier", "content": _EXPORT_TYPES}}},
)
def export_places(request: HttpRequest, query: Query[ExportQuery]):
    return export.export_response(selectors.place_directory(query.filters()), query.format)


@router.get("/{public_id}", response={200: PlaceOut, 404: dict}, summary="Un lieu")
def get_place(request: HttpRequest, public_id: UUID):
    return place_out(selectors.place_get_public(public_id=public_id))


def _write(fn, **kwargs):
    try:
        return fn(**kwargs)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Action non autorisée.") from error
    except ValidationError as error:
        raise _ValidationFailed(errors_to_api(error.message_dict)) from error


class _ValidationFailed(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors


def install(api) -> None:
    @api.exception_handler(_ValidationFailed)
    def validation_failed(request, exc: _ValidationFailed):
        return api.create_response(
            request, {"detail": "Données invalides.", "erreurs": exc.errors}, status=422
        )


@router.post(
    "",
    response={201: WriteResult, 202: WriteResult, 422: dict, 403: dict},
    auth=django_auth,
    summary="Créer un lieu (ou le proposer à la modération)",
)
def create_place(request: HttpRequest, payload: PlaceIn):
    data = snapshot_from_api(payload.dict(exclude_unset=True))
    user = request.auth
    operator_id = data.get("operator")
    manages_operator = operator_id is not None and operator_id in set(
        user.organisations.values_list("id", flat=True)
    )
    if is_coordinator(user) or manages_operator:
        place = _write(services.place_create, data=data, author=user)
        return Status(201, {"publie": True, "message": "Lieu publié.", "lieu": place.public_id})
    proposal = _write(services.proposal_submit, user=user, data=data)
    return Status(
        202,
        {
            "publie": False,
            "message": "Proposition enregistrée : elle sera publiée après modération.",
            "proposition": proposal.pk,
        },
    )


@router.patch(
    "/{public_id}",
    response={200: WriteResult, 202: WriteResult, 422: dict, 403: dict, 404: dict},
    auth=django_auth,
    summary="Modifier un lieu (ou proposer une correction)",
)
def update_place(request: HttpRequest, public_id: UUID, payload: PlaceIn):
    place = selectors.place_get_public(public_id=public_id)
    data = snapshot_from_api(payload.dict(exclude_unset=True))
    if can_edit_place(request.auth, place):
        _write(services.place_edit, user=request.auth, place=place, data=data)
        return Status(
            200, {"publie": True, "message": "Modification publiée.", "lieu": place.public_id}
        )
    proposal = _write(services.proposal_submit, user=request.auth, place=place, data=data)
    return Status(
        202,
        {
            "publie": False,
            "message": "Correction proposée : elle sera publiée après modération.",
            "lieu": place.public_id,
            "proposition": proposal.pk,
        },
    )


def _proposal_out(proposal: PlaceProposal) -> dict:
    return {
        "id": proposal.pk,
        "statut": proposal.status,
        "lieu": proposal.place.public_id if proposal.place_id else None,
        "auteur": str(proposal.author),
        "proposition": proposal.snapshot,
        "cree_le": proposal.created_at,
        "motif": proposal.reason,
    }


@moderation_router.get("/propositions", response=list[ProposalOut], summary="File de modération")
def pending_proposals(request: HttpRequest):
    return [_proposal_out(p) for p in selectors.proposals_pending(user=request.auth)]


@moderation_router.post(
    "/propositions/{proposal_id}/accepter",
    response={200: WriteResult, 403: dict, 404: dict, 422: dict},
    summary="Accepter une proposition",
)
def accept_proposal(request: HttpRequest, proposal_id: int):
    proposal = selectors.proposal_get_for_moderator(user=request.auth, proposal_id=proposal_id)
    place = _write(services.proposal_accept, user=request.auth, proposal=proposal)
    return Status(200, {"publie": True, "message": "Proposition publiée.", "lieu": place.public_id})


@moderation_router.post(
    "/propositions/{proposal_id}/refuser",
    response={200: WriteResult, 403: dict, 404: dict, 422: dict},
    summary="Refuser une proposition (motif obligatoire)",
)
def reject_proposal(request: HttpRequest, proposal_id: int, payload: RejectIn):
    proposal = selectors.proposal_get_for_moderator(user=request.auth, proposal_id=proposal_id)
    _write(services.proposal_reject, user=request.auth, proposal=proposal, reason=payload.motif)
    return Status(200, {"publie": False, "message": "Proposition refusée ; l'auteur est prévenu."})
