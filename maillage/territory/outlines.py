"""Display geometry: simplify commune boundaries as one coverage and dissolve them into areas.

Simplifying each polygon on its own opens slivers between neighbours; `coverage_simplify` simplifies
shared edges once, so the map stays a clean mosaic. It always runs on the communes of the whole of
France, so an outline does not depend on which territories were loaded with it.
"""

from collections.abc import Iterable, Mapping

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# Tolerance of the coverage simplification, in degrees (about 1 km): keeps the shape of every
# commune while Normandie's 2,644 communes weigh about 0.65 MB as GeoJSON (0.2 MB gzipped).
SIMPLIFY_TOLERANCE = 0.01
# Coordinates are rounded to 0.001° (about 100 m), plenty for a map at commune scale.
GRID_SIZE = 0.001


def parse_boundaries(wkb_by_code: Mapping[str, bytes]) -> dict[str, BaseGeometry]:
    codes = list(wkb_by_code)
    geometries = shapely.from_wkb(list(wkb_by_code.values()))
    return dict(zip(codes, geometries, strict=True))


def simplify_coverage(boundaries: Mapping[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    codes = list(boundaries)
    geometries = np.array(list(boundaries.values()), dtype=object)
    simplified = shapely.coverage_simplify(geometries, SIMPLIFY_TOLERANCE)
    rounded = shapely.set_precision(simplified, GRID_SIZE)
    # A tiny commune can collapse at this grid; keep its source shape rather than lose it.
    collapsed = shapely.is_empty(rounded)
    rounded[collapsed] = shapely.set_precision(geometries[collapsed], GRID_SIZE / 100)
    return dict(zip(codes, rounded, strict=True))


def dissolve(parts: Iterable[BaseGeometry]) -> BaseGeometry | None:
    parts = [part for part in parts if part is not None]
    if not parts:
        return None
    merged = shapely.union_all(parts, grid_size=GRID_SIZE)
    # Drop the specks left where simplified neighbours do not quite meet.
    return shapely.set_precision(shapely.buffer(merged, 0), GRID_SIZE)


def to_geojson(geometry: BaseGeometry | None) -> str:
    if geometry is None or geometry.is_empty:
        return ""
    return shapely.to_geojson(geometry)


def centroid(geometry: BaseGeometry | None) -> tuple[float | None, float | None]:
    if geometry is None or geometry.is_empty:
        return None, None
    point = geometry.centroid
    return round(point.y, 6), round(point.x, 6)
