"""Request bodies are capped before anything reads them.

Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves out uploaded files: without this guard, any
page that reads a POST (the login page included) streams a 100 MB multipart body to a temporary
file. Every request with a larger declared length than MAILLAGE_MAX_BODY_BYTES gets a French 413;
the few pages that take large files (places import, INSEE files) have their own limit by URL name
in MAILLAGE_BODY_LIMITS. The reverse proxy should refuse them even earlier
(docs/utilisateur/installation.md, « Taille des envois »).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from maillage.core.errors import request_too_large


def declared_length(request: HttpRequest) -> int:
    """CONTENT_LENGTH as Django reads it: missing or unreadable counts as an empty body."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


def body_limit(path: str) -> int:
    """The largest body accepted at this path: the page's own limit, or the default."""
    default = settings.MAILLAGE_MAX_BODY_BYTES
    try:
        match = resolve(path)
    except Resolver404:
        return default
    return max(settings.MAILLAGE_BODY_LIMITS.get(match.view_name, default), default)


class RequestBodyLimitMiddleware:
    """Placed before any middleware that reads the body (RejectNulBytesMiddleware, CSRF)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length > settings.MAILLAGE_MAX_BODY_BYTES:  # the URL is resolved only then
            limit = body_limit(request.path_info)
            if length > limit:
                return request_too_large(request, limit)
        return self.get_response(request)
