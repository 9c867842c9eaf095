"""API errors in French: a field-level message for each invalid parameter, a sentence for a 404."""

import math

from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from maillage.core.errors import CSRF_FAILED

_MESSAGES = {
    "string_pattern_mismatch": "format invalide",
    "string_too_long": "texte trop long (au plus {max_length} caractères)",
    "string_too_short": "texte trop court (au moins {min_length} caractères)",
    "int_parsing": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than": "doit être inférieur à {lt}",
    "enum": "valeur non reconnue : valeurs possibles {expected}",
    "missing": "champ obligatoire",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "literal_error": "valeur non reconnue : valeurs possibles {expected}",
    "int_type": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "string_type": "texte attendu",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "list_type": "liste attendue",
    "too_long": "au plus {max_length} éléments",
    "too_short": "au moins {min_length} éléments",
    "json_invalid": "JSON illisible",
    "uuid_parsing": "identifiant (UUID) attendu",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "datetime_parsing": "date et heure attendues (ISO 8601)",
    "datetime_from_date_parsing": "date et heure attendues (ISO 8601)",
    "extra_forbidden": "champ inconnu",
}


def french_message(error: dict) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return "valeur invalide"
    context = dict(error.get("ctx") or {})
    if isinstance(context.get("expected"), str):  # pydantic writes « 'a' or 'b' »
        context["expected"] = context["expected"].replace(" or ", " ou ")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template


def _location(loc) -> list[str]:
    """Where the value was, without the name of the function's own parameter: a body read
    into `body` is reported at ["body", "part"], not ["body", "body", "part"]."""
    parts = [str(part) for part in loc or []]
    if len(parts) > 2 and parts[0] in {"body", "query"} and parts[1] in {"body", "query"}:
        del parts[1]
    return parts


# django-ninja's own English messages, said in French (messages our code raises are French already).
_NINJA_MESSAGES = {
    "CSRF check Failed": CSRF_FAILED,
    "Forbidden": "Action non autorisée.",
}
AUTHENTICATION_REQUIRED = (
    "Connexion requise : cette adresse demande une session ouverte sur le site (cookie de session)."
)


def http_error_detail(exc: HttpError) -> str:
    """The French sentence for an HttpError: ours as raised, django-ninja's translated."""
    if isinstance(exc, AuthenticationError):
        return AUTHENTICATION_REQUIRED
    if isinstance(exc, Throttled):
        wait = f" dans {math.ceil(exc.wait)} s" if exc.wait is not None else " plus tard"
        return f"Trop de requêtes : réessayez{wait}."
    return _NINJA_MESSAGES.get(exc.message, exc.message)


def install_error_handlers(api: NinjaAPI) -> None:
    """French bodies for the API's errors. Any other exception in an API view reaches Django's
    handler500 (maillage.core.errors.server_error), which answers JSON under /api/ too."""

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {
                "champ": str(error["loc"][-1]) if error.get("loc") else "",
                "emplacement": _location(error.get("loc")),
                "message": french_message(error),
            }
            for error in exc.errors
        ]
        return api.create_response(
            request, {"detail": "Paramètres invalides.", "erreurs": errors}, status=422
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(
            request, {"detail": http_error_detail(exc)}, status=exc.status_code
        )

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        message = str(exc) or "Ressource introuvable."
        return api.create_response(request, {"detail": message}, status=404)

    _install_unreadable_body_handler(api)


def _install_unreadable_body_handler(api: NinjaAPI) -> None:
    """A multipart body without boundary (or otherwise broken) is the client's fault: 400 in
    French. The CSRF check of a session request reads the body, so it surfaces in any POST."""

    @api.exception_handler(MultiPartParserError)
    def unreadable_body(request, exc: MultiPartParserError):
        message = (
            "Corps de requête illisible : un envoi multipart/form-data doit indiquer sa "
            "limite (boundary) ; cette API attend du JSON (Content-Type: application/json)."
        )
        return api.create_response(request, {"detail": message}, status=400)


ERROR_RESPONSE = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                    "erreurs": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "champ": {"type": "string"},
                                "emplacement": {"type": "array", "items": {"type": "string"}},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
                "required": ["detail"],
            }
        }
    }
}
_COMMON = {
    "404": "Introuvable (ou pas visible pour vous : même réponse)",
    "422": "Paramètres ou données invalides, message par champ",
}


def document_error_responses(schema: dict) -> dict:
    """Every operation may answer the shared French errors: say so in the OpenAPI document, so
    clients (and schemathesis) know them."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            wanted = dict(_COMMON)
            if operation.get("security"):
                wanted["401"] = "Connexion requise"
                wanted["403"] = "Jeton CSRF manquant (session de navigateur) ou action interdite"
            for code, description in wanted.items():
                responses.setdefault(code, {"description": description, **ERROR_RESPONSE})
    return schema
