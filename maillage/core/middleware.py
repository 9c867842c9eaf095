"""Request and response guards: Content-Security-Policy (the platform serves its own scripts and
calls no third party), and refusal of NUL characters that no database field can hold."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse


def tile_origin() -> str:
    url = settings.MAILLAGE_TILE_URL
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "a"))
    host = parts.netloc
    if "{s}" in url and "." in host:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def policy_for(tiles: str, frame_ancestors: str = "'none'") -> str:
    img_src = "'self' data:" + (f" {tiles}" if tiles else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {img_src}",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The OpenAPI explorer ships its own inline bootstrap; keep it usable under /api/docs.
        if not request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", policy_for(tile_origin()))
        return response


NUL_MESSAGE = "Caractère nul (\\0) refusé : il ne peut pas être enregistré."


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold U+0000 and SQLite would store it silently: refuse it at the door,
    with the same French answer on both databases instead of a 500 on one of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_nul(request)
        if field is not None:
            if request.path.startswith("/api/"):
                body = {
                    "detail": "Paramètres invalides.",
                    "erreurs": [{"champ": field, "emplacement": [field], "message": NUL_MESSAGE}],
                }
                return JsonResponse(body, status=422)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _field_with_nul(request) -> str | None:
        if "\x00" in request.path:
            return "chemin"
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type == "application/json" and b"\\u0000" in request.body:
                return "body"
            if content_type == "application/x-www-form-urlencoded":
                for key, values in request.POST.lists():
                    if "\x00" in key or any("\x00" in value for value in values):
                        return key.replace("\x00", "")
        return None
