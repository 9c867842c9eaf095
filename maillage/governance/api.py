"""/api/gouvernance/: the current sheet (public) and the questionnaire's ranking (stores
nothing; throttled per address like the page)."""

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from maillage.core.ratelimit import Throttled, client_ip, ratelimit_hit
from maillage.governance import selectors, sheet
from maillage.governance.views import QUESTIONNAIRE_LIMIT

router = Router(tags=["governance"])


class SourceOut(Schema):
    libelle: str
    url: str


class RubricOut(Schema):
    cle: str
    libelle: str
    texte: str


class ModelOut(Schema):
    cle: str
    nom: str
    en_bref: str
    rubriques: list[RubricOut]
    sources: list[SourceOut]


class ChoiceOut(Schema):
    cle: str
    libelle: str


class QuestionOut(Schema):
    cle: str
    libelle: str
    choix: list[ChoiceOut]


class SheetOut(Schema):
    version: int
    mise_a_jour: str = Field(description="Date et heure de la version (ISO 8601)")
    modeles: list[ModelOut]
    questions: list[QuestionOut]


class AnswersIn(Schema):
    reponses: dict[str, str] = Field(
        max_length=20, description="Clé de question → clé de choix (voir GET /modeles)"
    )


class ReasonOut(Schema):
    points: int
    texte: str


class RankedOut(Schema):
    rang: int
    ex_aequo: bool
    cle: str
    nom: str
    points: int
    raisons: list[ReasonOut]


class RankingOut(Schema):
    version: int
    classement: list[RankedOut]


class FieldErrorOut(Schema):
    champ: str
    emplacement: list[str]
    message: str


class ErrorsOut(Schema):
    # A body that is not JSON is refused by django-ninja itself, with `detail` only.
    detail: str
    erreurs: list[FieldErrorOut] = []


@router.get(
    "/modeles", response=SheetOut, summary="La fiche des modes de gestion (version actuelle)"
)
def sheet_get(request: HttpRequest):
    version = selectors.sheet_current()
    content = version.content
    return {
        "version": version.number,
        "mise_a_jour": version.created_at.isoformat(),
        "modeles": [
            {
                "cle": model["key"],
                "nom": model["name"],
                "en_bref": model["summary"],
                "rubriques": [
                    {
                        "cle": d["key"],
                        "libelle": d["label"],
                        "texte": model["cells"].get(d["key"], ""),
                    }
                    for d in content["dimensions"]
                ],
                "sources": [{"libelle": s["label"], "url": s["url"]} for s in model["sources"]],
            }
            for model in content["models"]
        ],
        "questions": [
            {
                "cle": q["key"],
                "libelle": q["label"],
                "choix": [{"cle": c["key"], "libelle": c["label"]} for c in q["choices"]],
            }
            for q in content["questions"]
        ],
    }


@router.post(
    "/classement",
    response={200: RankingOut, 400: ErrorsOut},
    summary="Classer les modes de gestion selon les réponses au questionnaire",
)
def ranking_post(request: HttpRequest, body: AnswersIn):
    try:
        ratelimit_hit((QUESTIONNAIRE_LIMIT, client_ip(request)))
    except Throttled as throttled:
        raise HttpError(429, throttled.message) from None
    version = selectors.sheet_current()
    answers = {str(k)[:40]: str(v)[:40] for k, v in body.reponses.items()}
    errors = sheet.answer_errors(version.content, answers)
    if errors:
        return Status(
            400,
            {
                "detail": "Réponses invalides.",
                "erreurs": [
                    {"champ": key, "emplacement": ["body", "reponses", key], "message": message}
                    for key, message in errors.items()
                ],
            },
        )
    return Status(
        200,
        {
            "version": version.number,
            "classement": [
                {
                    "rang": row.rank,
                    "ex_aequo": row.tied,
                    "cle": row.key,
                    "nom": row.name,
                    "points": row.score,
                    "raisons": [{"points": r.points, "texte": r.text} for r in row.reasons],
                }
                for row in sheet.ranking(version.content, answers)
            ],
        },
    )
