"""Error answers in French: a page styled like the site for people, `{"detail": …}` JSON under
/api/ for programs (the shape of maillage.core.api_errors). Wired as Django's handler400/403/404/500
(config/urls.py), as CSRF_FAILURE_VIEW, and by the request body limit (maillage.core.body_limits).

404, 403 and the CSRF page render with the request (the header knows who is signed in). 400, 413
and 500 render without it: the request itself is suspect or the server is failing, so these pages
need no session, no database and no context processor.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template import TemplateDoesNotExist, loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

from maillage.core.forms import french_number_text
from maillage.core.templatetags.humanize_fr import french_decimal

API_PREFIX = "/api/"

API_NOT_FOUND = "Adresse inconnue de l'API : la liste des adresses est sur /api/docs."
FORBIDDEN = "Accès refusé : cette page ou cette action demande d'autres droits."
CSRF_FAILED = (
    "La page a expiré (jeton de sécurité absent ou périmé) : rechargez-la, puis recommencez."
)
BAD_REQUEST = "Requête invalide : elle n'a pas pu être lue."
TOO_MANY_FIELDS = "Formulaire trop long : au plus {count} champs par envoi."
SERVER_ERROR = (
    "Erreur interne du serveur : elle a été enregistrée pour l'équipe technique. "
    "Réessayez dans quelques minutes."
)
# Written by hand: shown when even the 500 template cannot be loaded.
_BARE_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur interne — maillage'
    "</title></head><body><h1>Erreur interne du serveur</h1><p>Réessayez dans quelques minutes."
    ' <a href="/">Retour à l\'accueil</a></p></body></html>'
)


def is_api(request: HttpRequest) -> bool:
    """Programs call /api/: they get JSON, never an HTML page."""
    return request.path.startswith(API_PREFIX)


def megabytes(size: int) -> str:
    """« 8 Mo », « 2,5 Mo »: a byte limit as people read it."""
    return f"{french_number_text(round(size / (1024 * 1024), 1))} Mo"


def too_large_message(limit: int) -> str:
    return f"Envoi trop volumineux : {megabytes(limit)} au plus pour cette adresse."


def _french_reason(exception: BaseException | None) -> str:
    """The message of an Http404 or PermissionDenied raised by our code (always French, written
    for the visitor); empty for Django's own (a URL miss carries a dict of tried patterns)."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    return exception.args[0]


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _page(request: HttpRequest | None, template: str, status: int, context: dict) -> HttpResponse:
    """Render an error page; without a request, only the given context (no context processor)."""
    context = {"site_name": "maillage", **context} if request is None else context
    body = loader.get_template(template).render(context, request)
    return HttpResponse(body, status=status)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    reason = _french_reason(exception)
    if is_api(request):
        return _json(reason or API_NOT_FOUND, 404)
    return _page(request, "404.html", 404, {"reason": reason, "path": request.path})


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    reason = _french_reason(exception)
    if is_api(request):
        return _json(reason or FORBIDDEN, 403)
    return _page(request, "403.html", 403, {"reason": reason, "path": request.get_full_path()})


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's reason is English and technical; the page says what to do."""
    no_cookie = reason == REASON_NO_CSRF_COOKIE
    if is_api(request):
        detail = CSRF_FAILED + (" Les cookies doivent être acceptés." if no_cookie else "")
        return _json(detail, 403)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    return _page(request, "403_csrf.html", 403, {"no_cookie": no_cookie, "back": back})


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """400, and 413 when Django refused the form fields or JSON as too large."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if isinstance(exception, TooManyFieldsSent):
        detail = TOO_MANY_FIELDS.format(
            count=french_decimal(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        )
    elif isinstance(exception, TooManyFilesSent):
        detail = f"Trop de fichiers : au plus {settings.DATA_UPLOAD_MAX_NUMBER_FILES} par envoi."
    else:
        detail = BAD_REQUEST
    if is_api(request):
        return _json(detail, 400)
    return _page(None, "400.html", 400, {"detail": detail})


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413: the body is larger than this address accepts (nothing of it was read)."""
    detail = too_large_message(limit)
    if is_api(request):
        return _json(detail, 413)
    return _page(None, "413.html", 413, {"detail": detail, "limit": megabytes(limit)})


def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request, so that a failing database or session cannot fail the
    error page too (Django has already logged the exception)."""
    if is_api(request):
        return _json(SERVER_ERROR, 500)
    try:
        return _page(None, "500.html", 500, {})
    except TemplateDoesNotExist:
        return HttpResponse(_BARE_500, status=500)


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a method an API address does not take with an English text body:
    French JSON instead, keeping the Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            detail = (
                f"Méthode {request.method[:20]} non acceptée à cette adresse "
                f"(acceptées : {allowed})."
            )
            answer = _json(detail, 405)
            answer["Allow"] = allowed
            return answer
        return response
