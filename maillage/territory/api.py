"""JSON API of the reference geography (mounted at /api/territoires)."""

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from ninja import Path, Query, Router
from ninja.errors import HttpError
from pydantic import Field

from maillage.core.compression import cached_response, compress_response
from maillage.territory import basemap, selectors
from maillage.territory.models import Commune
from maillage.territory.schemas import (
    CommuneDetailOut,
    CommunePage,
    EPCIDetailOut,
    ErrorOut,
)

router = Router(tags=["territoires"])

InseeCode = Annotated[
    str, Field(pattern=r"^[0-9][0-9ABab][0-9]{3}$", description="code INSEE, ex. 14118")
]
DepartementCode = Annotated[
    str, Field(pattern=r"^([0-9]{2}|2[AB]|97[1-6])$", description="ex. 14, 2A, 974")
]
RegionCode = Annotated[
    str, Field(pattern=r"^[0-9]{2}$", description="code INSEE de région, ex. 28")
]
Siren = Annotated[str, Field(pattern=r"^[0-9]{9}$", description="SIREN de l'EPCI, 9 chiffres")]


def _commune_out(c: Commune) -> dict:
    return {
        "code": c.code,
        "nom": c.name,
        "population": c.population,
        "departement": {"code": c.departement.code, "nom": c.departement.name},
        "epci": {"code": c.epci.code, "nom": c.epci.name, "nature": c.epci.kind}
        if c.epci
        else None,
        "latitude": c.centroid_lat,
        "longitude": c.centroid_lon,
    }


@router.get("/communes", response=CommunePage, summary="Lister et rechercher des communes")
def list_communes(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100, description="nom, code INSEE ou code postal")] = "",
    region: Annotated[RegionCode | None, Query()] = None,
    departement: Annotated[DepartementCode | None, Query()] = None,
    epci: Annotated[Siren | None, Query()] = None,
    limite: Annotated[int, Query(ge=1, le=500)] = 50,
    decalage: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
):
    communes = selectors.commune_list(query=q, region=region, departement=departement, epci=epci)
    page = list(communes.select_related("departement", "epci")[decalage : decalage + limite])
    return {
        "total": communes.count(),
        "limite": limite,
        "decalage": decalage,
        "resultats": [_commune_out(c) for c in page],
    }


@router.get(
    "/communes/{code}",
    response={200: CommuneDetailOut, 404: ErrorOut},
    summary="Une commune",
)
def get_commune(request: HttpRequest, code: Path[InseeCode]):
    commune = selectors.commune_get(code=code)
    return {
        **_commune_out(commune),
        "region": {"code": commune.departement.region.code, "nom": commune.departement.region.name},
        "codes_postaux": [p.code for p in commune.postal_codes.all()],
    }


@router.get(
    "/epci/{code}",
    response={200: EPCIDetailOut, 404: ErrorOut},
    summary="Un EPCI, ses communes membres et sa population",
)
def get_epci(request: HttpRequest, code: Path[Siren]):
    found = selectors.epci_get_with_members(code=code)
    epci = found.epci
    return {
        "code": epci.code,
        "nom": epci.name,
        "nature": epci.kind,
        "nature_libelle": epci.get_kind_display(),
        "population": epci.population,
        "nombre_communes": epci.commune_count,
        "nombre_communes_chargees": len(found.members),
        "population_communes_chargees": found.loaded_population,
        "complet": found.complete,
        "communes": [
            {**_commune_out(c), "epci": {"code": epci.code, "nom": epci.name, "nature": epci.kind}}
            for c in found.members
        ],
    }


_GEOJSON_RESPONSES = {
    200: {
        "description": "FeatureCollection GeoJSON (propriétés : code, nom, population)",
        "content": {"application/geo+json": {}},
    },
    404: {"description": "Territoire inconnu", "content": {"application/json": {}}},
}
_ALLOWED_MESHES = {
    selectors.AreaLevel.REGION: {
        selectors.Mesh.COMMUNES,
        selectors.Mesh.EPCI,
        selectors.Mesh.DEPARTEMENTS,
        selectors.Mesh.AREA,
    },
    selectors.AreaLevel.DEPARTEMENT: {
        selectors.Mesh.COMMUNES,
        selectors.Mesh.EPCI,
        selectors.Mesh.AREA,
    },
    selectors.AreaLevel.EPCI: {selectors.Mesh.COMMUNES, selectors.Mesh.AREA},
}


def _outline_response(
    request: HttpRequest, level: selectors.AreaLevel, code: str, mesh: selectors.Mesh
) -> HttpResponse:
    if mesh not in _ALLOWED_MESHES[level]:
        allowed = ", ".join(sorted(m.value for m in _ALLOWED_MESHES[level]))
        raise HttpError(
            422, f"maille « {mesh.value} » impossible ici : valeurs possibles {allowed}."
        )
    body = selectors.outline_collection(level=level, code=code, mesh=mesh)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    # Public and large: compressed here, not site-wide (pages with secrets stay safe from BREACH).
    return compress_response(request, response)


MeshQuery = Annotated[selectors.Mesh, Query(description="découpage des entités renvoyées")]


@router.get(
    "/regions/{code}/contours",
    openapi_extra={"responses": _GEOJSON_RESPONSES},
    summary="Contours d'une région (GeoJSON)",
)
def region_outlines(
    request: HttpRequest, code: Path[RegionCode], maille: MeshQuery = selectors.Mesh.COMMUNES
):
    return _outline_response(request, selectors.AreaLevel.REGION, code, maille)


@router.get(
    "/departements/{code}/contours",
    openapi_extra={"responses": _GEOJSON_RESPONSES},
    summary="Contours d'un département (GeoJSON)",
)
def departement_outlines(
    request: HttpRequest, code: Path[DepartementCode], maille: MeshQuery = selectors.Mesh.COMMUNES
):
    return _outline_response(request, selectors.AreaLevel.DEPARTEMENT, code.upper(), maille)


@router.get(
    "/epci/{code}/contours",
    openapi_extra={"responses": _GEOJSON_RESPONSES},
    summary="Contours d'un EPCI (GeoJSON)",
)
def epci_outlines(
    request: HttpRequest, code: Path[Siren], maille: MeshQuery = selectors.Mesh.COMMUNES
):
    return _outline_response(request, selectors.AreaLevel.EPCI, code, maille)


@router.get(
    "/fond",
    openapi_extra={
        "responses": {
            200: {
                "description": "Fond de carte : contours par couche (GeoJSON) et noms de lieux",
                "content": {"application/json": {}},
            },
            304: {"description": "Inchangé depuis l'ETag envoyé (If-None-Match)"},
            422: {"description": "Emprise ou zoom refusés", "content": {"application/json": {}}},
        }
    },
    summary="Fond de carte de l'emprise à un zoom (contours et noms de lieux)",
)
def basemap_layers(
    request: HttpRequest,
    bbox: Annotated[
        str,
        Query(
            max_length=100,
            description="emprise « ouest,sud,est,nord » en degrés, ex. -2,48.5,2,50.2",
        ),
    ],
    zoom: Annotated[int, Query(ge=0, le=basemap.MAX_ZOOM, description="niveau de zoom")],
):
    """Our own basemap for Leaflet (no tiles): what to draw at this zoom, for this box. The box
    is bounded by the zoom (no whole-France commune outlines); answers carry an ETag."""
    try:
        box = basemap.box_parse(bbox, zoom)
    except basemap.BasemapError as error:
        raise HttpError(422, str(error)) from None
    version = basemap.reference_version()
    etag = basemap.basemap_etag(box=box, zoom=zoom, version=version)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = cached_response(
            request,
            key="territory:basemap:" + etag.strip('"'),
            build=lambda: basemap.basemap_json(box=box, zoom=zoom, version=version),
            content_type="application/json",
            seconds=3600,
        )
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
