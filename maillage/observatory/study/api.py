"""JSON API of studies (mounted at /api/observatoire/etudes): save, read, compute.

A study is sent and returned as its document (format « maillage-etude », docs/etude-format.md).
Every route needs an account: a study computes a whole territory with its bands (seconds), and
saving writes. A bad document gets a 422 with one entry per field (`champ` is the path in the
document, « horizons.1.annee »), a save that collides with another a 409; never a 500.
"""

import json
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import Field

from maillage.observatory import selectors, services
from maillage.observatory.study.document import StudyError, StudyInvalid, study_from_dict
from maillage.observatory.study.results import result_to_dict
from maillage.observatory.study.running import BUSY_MESSAGE, StudyBusy, study_compute_for

router = Router(tags=["Observatoire : études"], auth=django_auth)

StudyName = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]


class StudyErrorItem(Schema):
    champ: str
    emplacement: list[str]
    message: str


class StudyErrors(Schema):
    detail: str
    erreurs: list[StudyErrorItem] = []


class StudySummary(Schema):
    nom: str
    version: int
    libelle: str
    creee_le: str


class StudySaved(Schema):
    nom: str
    version: int


# The body is the study document itself (not wrapped in a key), read by `study_from_dict`,
# which reports every field at once; OpenAPI describes it as a JSON object.
DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "Document « maillage-etude »"}
            }
        },
    }
}


def document_body(request: HttpRequest) -> object:
    """The JSON body; unreadable JSON is a `StudyInvalid` on the document as a whole."""
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise StudyInvalid(
            [StudyError("", f"Document : JSON illisible ({error.__class__.__name__}).")]
        ) from error


def invalid_body(error: StudyInvalid) -> dict:
    """The 422 body of a refused study: one entry per field, its path split for `emplacement`."""
    return {
        "detail": error.errors[0].message,
        "erreurs": [
            {
                "champ": item.field,
                "emplacement": ["body", *[part for part in item.field.split(".") if part]],
                "message": item.message,
            }
            for item in error.errors
        ],
    }


@router.get("", response=list[StudySummary], summary="Études enregistrées (dernière version)")
def study_list(request: HttpRequest):
    return [
        {
            "nom": saved.name,
            "version": saved.version,
            "libelle": saved.label,
            "creee_le": saved.created_at.isoformat(),
        }
        for saved in selectors.studies_latest()
    ]


def _computed(request: HttpRequest, data: object):
    """Results of a study document, or the 422 / 429 answer."""
    try:
        result = study_compute_for(request.user, study_from_dict(data))
    except StudyInvalid as error:
        return Status(422, invalid_body(error))
    except StudyBusy:
        return Status(429, {"detail": BUSY_MESSAGE, "erreurs": []})
    return Status(200, result_to_dict(result))


# Before « /{nom} »: Django matches paths before methods.
@router.post(
    "/calcul",
    response={200: dict, 422: StudyErrors, 429: StudyErrors},
    summary="Calculer une étude envoyée (sans l'enregistrer)",
    description="Le corps est le document de l'étude ; la réponse est le document de résultats "
    "« maillage-etude-resultats » (docs/etude-format.md), pleine précision. Un calcul à la fois "
    "par compte (429 sinon).",
    openapi_extra=DOCUMENT_BODY,
)
def study_compute_sent(request: HttpRequest):
    try:
        data = document_body(request)
    except StudyInvalid as error:
        return Status(422, invalid_body(error))
    return _computed(request, data)


class VersionQuery(Schema):
    version: Annotated[int, Field(ge=1, le=1_000_000)] | None = None


@router.get(
    "/{nom}",
    response={200: dict, 404: StudyErrors},
    summary="Le document d'une étude (dernière version, ou `version`)",
)
def study_detail(request: HttpRequest, nom: Path[StudyName], query: Query[VersionQuery]) -> dict:
    saved = selectors.study_get(name=nom, version=query.version)
    return {**saved.data, "version": saved.version}


class SaveQuery(Schema):
    version_lue: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


@router.post(
    "",
    response={201: StudySaved, 409: StudyErrors, 422: StudyErrors},
    summary="Enregistrer une étude (nouvelle version de son nom)",
    description="Le corps est le document de l'étude (format « maillage-etude », version 1). "
    "`version_lue` : la version dont la saisie est partie ; 409 si une version plus récente a "
    "été enregistrée depuis, si le nom appartient à quelqu'un d'autre, ou si des "
    "enregistrements simultanés n'ont pu être départagés.",
    openapi_extra=DOCUMENT_BODY,
)
def study_create(request: HttpRequest, query: Query[SaveQuery]):
    try:
        study = study_from_dict(document_body(request))
        saved = services.study_save(user=request.user, study=study, read_version=query.version_lue)
    except StudyInvalid as error:
        return Status(422, invalid_body(error))
    except services.StudyConflict as error:
        return Status(
            409,
            {
                "detail": error.message,
                "erreurs": [
                    {"champ": "nom", "emplacement": ["body", "nom"], "message": error.message}
                ],
            },
        )
    return Status(201, {"nom": saved.name, "version": saved.version})


@router.get(
    "/{nom}/resultats",
    response={200: dict, 404: StudyErrors, 422: StudyErrors, 429: StudyErrors},
    summary="Résultats d'une étude enregistrée (dernière version, ou `version`)",
)
def study_results(request: HttpRequest, nom: Path[StudyName], query: Query[VersionQuery]):
    return _computed(request, selectors.study_get(name=nom, version=query.version).data)
