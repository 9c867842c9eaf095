"""Gzip for large public responses only (GeoJSON); HTML with secrets stays uncompressed (BREACH)."""

import re
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def gzip_response(compressed: bytes, *, content_type: str) -> HttpResponse:
    """A response from bytes compressed earlier (and cached)."""
    response = HttpResponse(compressed, content_type=content_type)
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(compressed))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def compress_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ("Accept-Encoding",))
    if not accepts_gzip(request):
        return response
    compressed = compress_string(response.content)
    if len(compressed) >= len(response.content):
        return response
    response.content = compressed
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(compressed))
    return response


def cached_response(
    request: HttpRequest,
    *,
    key: str,
    build: Callable[[], bytes | str],
    content_type: str,
    seconds: int,
) -> HttpResponse:
    """A public body built once per `key` and kept, with its gzip, for `seconds`.

    The key must change whenever the data behind the body does (e.g. a directory version):
    expiry only bounds what a missed change costs. An exception in `build` caches nothing.
    """
    gzip_key = key + ":gzip"
    if accepts_gzip(request) and (compressed := cache.get(gzip_key)) is not None:
        return gzip_response(compressed, content_type=content_type)
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, seconds)
    response = compress_response(request, HttpResponse(body, content_type=content_type))
    if response.get("Content-Encoding") == "gzip":
        cache.set(gzip_key, response.content, seconds)
    return response
