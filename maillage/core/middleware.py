"""Content-Security-Policy: the platform serves its own scripts and calls no third party."""

from urllib.parse import urlsplit

from django.conf import settings


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
