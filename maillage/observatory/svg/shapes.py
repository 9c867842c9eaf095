"""GeoJSON polygons to SVG paths: an equirectangular projection fitted to the territory."""

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class MapFeature:
    """One area to draw: its code (INSEE or SIREN), its name and its GeoJSON geometry, as the
    text stored in `outline` or already parsed; empty text means « no outline »."""

    code: str
    name: str
    geometry: str | dict | None


Ring = list[tuple[float, float]]


def polygons(geometry: str | dict | None) -> list[list[Ring]]:
    """The polygons (outer ring, then holes; lon/lat pairs) of a GeoJSON Polygon, MultiPolygon
    or GeometryCollection; anything else (points, lines, nothing) gives no polygon."""
    if not geometry:
        return []
    data = json.loads(geometry) if isinstance(geometry, str) else geometry
    kind = data.get("type")
    if kind == "Polygon":
        return [_rings(data.get("coordinates") or [])]
    if kind == "MultiPolygon":
        return [_rings(polygon) for polygon in data.get("coordinates") or []]
    if kind == "GeometryCollection":
        return [part for item in data.get("geometries") or [] for part in polygons(item)]
    return []


def _rings(coordinates: Sequence) -> list[Ring]:
    return [[(float(point[0]), float(point[1])) for point in ring] for ring in coordinates]


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection fitted to a box: x = (lon − west)·cos φ̄, y = north − lat,
    with φ̄ the middle latitude, so that shapes keep their proportions at the territory's
    latitude (a degree of longitude is ≈ 0.66 of a degree of latitude in France)."""

    west: float
    north: float
    factor: float
    scale: float
    offset_x: float
    offset_y: float
    width: float
    height: float

    @classmethod
    def fit(
        cls, shapes: Iterable[list[list[Ring]]], width: float, max_height: float
    ) -> "Projection":
        lons: list[float] = []
        lats: list[float] = []
        for shape in shapes:
            for polygon in shape:
                for ring in polygon:
                    for lon, lat in ring:
                        lons.append(lon)
                        lats.append(lat)
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        factor = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * factor, 1e-9)
        span_y = max(north - south, 1e-9)
        scale = min(width / span_x, max_height / span_y)
        return cls(
            west=west,
            north=north,
            factor=factor,
            scale=scale,
            offset_x=(width - span_x * scale) / 2,
            offset_y=0.0,
            width=width,
            height=span_y * scale,
        )

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        """Projected point in tenths of a user unit (integers: exact relative path steps)."""
        x = self.offset_x + (lon - self.west) * self.factor * self.scale
        y = self.offset_y + (self.north - lat) * self.scale
        return round(x * 10), round(y * 10)


def _tenths(value: int) -> str:
    return str(value // 10) if value % 10 == 0 else f"{value / 10:.1f}"


def path_data(shape: list[list[Ring]], projection: Projection, dx: float, dy: float) -> str:
    """SVG path of polygons: absolute start of each ring, then relative steps (compact);
    consecutive points that round to the same tenth are dropped, degenerate rings too."""
    origin_x, origin_y = round(dx * 10), round(dy * 10)
    parts: list[str] = []
    for polygon in shape:
        for ring in polygon:
            points: list[tuple[int, int]] = []
            for lon, lat in ring:
                x, y = projection.point(lon, lat)
                if not points or points[-1] != (x, y):
                    points.append((x, y))
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue
            x0, y0 = points[0]
            steps = [
                f"{_tenths(x1 - xp)} {_tenths(y1 - yp)}" for (xp, yp), (x1, y1) in pairwise(points)
            ]
            parts.append(
                f"M{_tenths(x0 + origin_x)} {_tenths(y0 + origin_y)}l" + " ".join(steps) + "z"
            )
    return "".join(parts)
