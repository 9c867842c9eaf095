"""How many attempts a key made in the current window, on Django's cache (decision 0021).

Fixed windows: the counter of « account x, window n » lives in the cache until the window ends.
`cache.add` then `cache.incr` are atomic on every backend Django ships (the per-process memory
cache, Redis, Memcached, the database cache), so two workers sharing a cache never lose a count.
With the per-process default cache each worker counts alone: a limit then holds per worker,
which still turns 40 guesses in 13 seconds into a handful.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    """At most `attempts` in each window of `window` seconds, counted apart for each `scope`."""

    scope: str
    attempts: int
    window: int


class Throttled(Exception):
    """Too many attempts: the caller answers 429 and says when to come back."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after  # seconds

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Trop de tentatives : réessayez dans {minutes} {unit}."


def _key(limit: Limit, identity: str, now: float) -> tuple[str, int]:
    """The cache key of the current window, and the seconds until it ends. The identity is
    hashed: no address or IP in cache keys (memcached refuses spaces and long keys)."""
    window = int(now // limit.window)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    remaining = (window + 1) * limit.window - now
    return f"ratelimit:{limit.scope}:{digest}:{window}", max(1, math.ceil(remaining))


def ratelimit_check(*checks: tuple[Limit, str], now: float | None = None) -> None:
    """Raise Throttled if one of the (limit, identity) pairs has used up its window; count
    nothing: the caller counts what it means to limit with `ratelimit_hit` (login failures,
    e-mails sent)."""
    now = time.time() if now is None else now
    waits = []
    for limit, identity in checks:
        key, remaining = _key(limit, identity, now)
        if (cache.get(key) or 0) >= limit.attempts:
            waits.append(remaining)
    if waits:
        raise Throttled(retry_after=max(waits))


def ratelimit_hit(*checks: tuple[Limit, str], now: float | None = None) -> None:
    """Count one attempt for each (limit, identity) pair."""
    now = time.time() if now is None else now
    for limit, identity in checks:
        key, remaining = _key(limit, identity, now)
        # add() creates the counter only if absent, incr() is atomic: no lost count between
        # workers. If the entry expired between the two calls, start again at 1.
        cache.add(key, 0, timeout=remaining + 1)
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=remaining + 1)


def ratelimit_reset(*checks: tuple[Limit, str], now: float | None = None) -> None:
    """Forget the current window's count (a successful login clears its account's failures)."""
    now = time.time() if now is None else now
    cache.delete_many([_key(limit, identity, now)[0] for limit, identity in checks])


def client_ip(request: HttpRequest) -> str:
    """The address limits count by. REMOTE_ADDR, unless MAILLAGE_TRUSTED_PROXIES says how many
    reverse proxies stand in front: then the X-Forwarded-For entry that the outermost trusted
    proxy added (counted from the right, so that a client cannot choose it by sending its own
    header). An IPv6 client counts by its /64, the block one subscriber usually gets."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "MAILLAGE_TRUSTED_PROXIES", 0)
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "inconnue"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def email_identity(value: object) -> str:
    """An e-mail address as a counter identity: case and surrounding spaces do not make a new
    counter; bounded so that a huge field does not become a huge hash input."""
    return str(value or "").strip().lower()[:254]


def throttled_response(
    request: HttpRequest,
    template_name: str,
    context: dict,
    throttled: Throttled,
) -> HttpResponse:
    """The form's page again with status 429, the French message and Retry-After."""
    messages.error(request, throttled.message)
    response = render(request, template_name, context, status=429)
    response["Retry-After"] = str(throttled.retry_after)
    return response
