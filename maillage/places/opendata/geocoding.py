"""Where a place without coordinates stands: a pluggable geocoder (provider module).

The default needs nothing: the commune's centre, marked « position approximative ». With
`MAILLAGE_GEOCODER_URL` set, the national address base's search API (or a self-hosted addok
serving the same API) places the address; anything it cannot place precisely, or any network
failure, falls back to the commune's centre and is said so.
"""

import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from maillage.territory.gazetteer import CommuneRef

MIN_SCORE = 0.5
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Position:
    latitude: float
    longitude: float
    approximate: bool
    how: str  # French, for the report: « le centre de la commune », « l'adresse « … » »


class Geocoder(Protocol):
    def locate(self, *, address: str, postal_code: str, commune: CommuneRef) -> Position | None: ...


class CommuneCentreGeocoder:
    """Offline: the commune's centroid, always approximate."""

    def locate(self, *, address: str, postal_code: str, commune: CommuneRef) -> Position | None:
        if commune.latitude is None or commune.longitude is None:
            return None
        return Position(commune.latitude, commune.longitude, True, "le centre de la commune")


Fetch = Callable[[str, float], bytes]


def _http_get(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "maillage (import de lieux)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


class AddressGeocoder:
    """The address search API (`/search/?q=…&citycode=…`), restricted to the row's commune."""

    def __init__(self, url: str, *, fetch: Fetch = _http_get, timeout: float = TIMEOUT_SECONDS):
        self.url = url if url.endswith("/") else url + "/"
        self.fetch = fetch
        self.timeout = timeout
        self.fallback = CommuneCentreGeocoder()
        self.failures = 0

    def locate(self, *, address: str, postal_code: str, commune: CommuneRef) -> Position | None:
        if not address:
            return self.fallback.locate(address=address, postal_code=postal_code, commune=commune)
        query = urllib.parse.urlencode(
            {"q": f"{address} {commune.name}", "citycode": commune.code, "limit": 1}
        )
        try:
            body = json.loads(self.fetch(f"{self.url}?{query}", self.timeout))
            feature = (body.get("features") or [None])[0]
        except (OSError, ValueError, AttributeError):
            self.failures += 1
            feature = None
        if feature:
            properties = feature.get("properties") or {}
            coordinates = (feature.get("geometry") or {}).get("coordinates") or []
            score = properties.get("score") or 0
            if len(coordinates) == 2 and score >= MIN_SCORE:
                precise = properties.get("type") == "housenumber"
                return Position(
                    float(coordinates[1]),
                    float(coordinates[0]),
                    not precise,
                    f"l'adresse « {properties.get('label', address)} » (score {score:.2f})",
                )
        return self.fallback.locate(address=address, postal_code=postal_code, commune=commune)


def default_geocoder() -> Geocoder:
    url = getattr(settings, "MAILLAGE_GEOCODER_URL", "")
    return AddressGeocoder(url) if url else CommuneCentreGeocoder()


@dataclass(frozen=True, slots=True)
class AddressHit:
    label: str  # « 12 Quai Vendeuvre 14000 Caen »
    street: str  # « 12 Quai Vendeuvre », for the place's address field
    postal_code: str
    citycode: str
    latitude: float
    longitude: float
    precise: bool  # a house number, not a street or a town


class AddressSearchUnavailable(Exception):
    """No address service configured (`configured` False), or it did not answer: the person
    places the point on the map instead. The message is French, for the page."""

    def __init__(self, message: str, *, configured: bool = True) -> None:
        super().__init__(message)
        self.configured = configured


def address_search(
    query: str, *, citycode: str = "", limit: int = 5, fetch: Fetch | None = None
) -> list[AddressHit]:
    """Addresses matching `query` from the geocoder of MAILLAGE_GEOCODER_URL (the national
    address base's API or a self-hosted addok): called by our server, never by the browser, so
    no visitor's address leaves for a service the territory did not choose."""
    url = getattr(settings, "MAILLAGE_GEOCODER_URL", "")
    if not url:
        raise AddressSearchUnavailable(
            "La recherche d'adresse n'est pas configurée sur cette plateforme : cherchez la "
            "commune, puis placez le point sur la carte.",
            configured=False,
        )
    params = {"q": query, "limit": limit}
    if citycode:
        params["citycode"] = citycode
    target = (url if url.endswith("/") else url + "/") + "?" + urllib.parse.urlencode(params)
    try:
        body = json.loads((fetch or _http_get)(target, TIMEOUT_SECONDS))
        features = body.get("features") or []
    except (OSError, ValueError, AttributeError) as error:
        raise AddressSearchUnavailable(
            "Le service d'adresses ne répond pas : placez le point sur la carte, ou réessayez."
        ) from error
    hits = []
    for feature in features[:limit]:
        properties = (feature or {}).get("properties") or {}
        coordinates = ((feature or {}).get("geometry") or {}).get("coordinates") or []
        if len(coordinates) != 2 or not properties.get("label"):
            continue
        try:
            longitude, latitude = float(coordinates[0]), float(coordinates[1])
        except (TypeError, ValueError):
            continue
        hits.append(
            AddressHit(
                label=str(properties["label"])[:200],
                street=str(properties.get("name") or "")[:200],
                postal_code=str(properties.get("postcode") or "")[:5],
                citycode=str(properties.get("citycode") or "")[:5],
                latitude=latitude,
                longitude=longitude,
                precise=properties.get("type") == "housenumber",
            )
        )
    return hits
