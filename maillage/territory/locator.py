"""Point-in-commune for many points at once (imports of thousands of places).

`selectors.commune_at_point` answers one point with one query and parses every boundary in a box;
an import of a national file would parse hundreds of thousands of polygons. The locator loads the
centroids once, tries the nearest communes first and parses each boundary at most once.
"""

import math

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.ops import nearest_points

from maillage.core.geo import haversine_km, unit_vectors
from maillage.territory.models import Commune
from maillage.territory.selectors import commune_at_point

# Nearest centroids tried before falling back to the slow path (large Guyane communes).
_CANDIDATES = (8, 40)


class CommuneLocator:
    def __init__(self) -> None:
        rows = list(
            Commune.objects.filter(centroid_lat__isnull=False, boundary__isnull=False)
            .order_by("code")
            .values_list("id", "code", "centroid_lat", "centroid_lon")
        )
        self._ids = [row[0] for row in rows]
        self._codes = [row[1] for row in rows]
        self._index_by_code = {code: i for i, code in enumerate(self._codes)}
        self._tree = (
            cKDTree(unit_vectors([r[2] for r in rows], [r[3] for r in rows])) if rows else None
        )
        self._shapes: dict[int, shapely.Geometry] = {}

    def _shape(self, indexes: list[int]) -> None:
        missing = [i for i in indexes if i not in self._shapes]
        if not missing:
            return
        ids = {self._ids[i]: i for i in missing}
        for pk, boundary in Commune.objects.filter(pk__in=ids).values_list("id", "boundary"):
            shape = shapely.from_wkb(bytes(boundary))
            shapely.prepare(shape)
            self._shapes[ids[pk]] = shape

    def prefetch(self, points: list[tuple[float, float]]) -> None:
        """Load at once the boundaries that `code_at` will try first for these points."""
        points = [(lat, lon) for lat, lon in points if math.isfinite(lat) and math.isfinite(lon)]
        if self._tree is None or not points:
            return
        k = min(_CANDIDATES[0], len(self._codes))
        _, found = self._tree.query(unit_vectors(*zip(*points, strict=True)), k=k)
        wanted = sorted({int(i) for i in np.atleast_1d(found).ravel() if i < len(self._codes)})
        for start in range(0, len(wanted), 500):
            self._shape(wanted[start : start + 500])

    def code_at(self, latitude: float, longitude: float) -> str | None:
        """INSEE code of the loaded commune containing the point, or None."""
        if self._tree is None or not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None
        point = shapely.Point(longitude, latitude)
        tried: set[int] = set()
        for k in _CANDIDATES:
            _, found = self._tree.query(unit_vectors([latitude], [longitude])[0], k=k)
            indexes = [int(i) for i in np.atleast_1d(found) if i < len(self._codes)]
            fresh = [i for i in indexes if i not in tried]
            self._shape(fresh)
            for i in fresh:
                tried.add(i)
                if self._shapes[i].covers(point):
                    return self._codes[i]
        commune = commune_at_point(latitude=latitude, longitude=longitude)  # huge communes
        return commune.code if commune else None

    def distance_km(self, code: str, latitude: float, longitude: float) -> float | None:
        """Great-circle km from the point to the commune's boundary (0 inside); None if unknown."""
        index = self._index_by_code.get(code)
        if index is None:
            return None
        self._shape([index])
        shape = self._shapes[index]
        point = shapely.Point(longitude, latitude)
        if shape.covers(point):
            return 0.0
        nearest = nearest_points(shape, point)[0]
        return haversine_km(latitude, longitude, nearest.y, nearest.x)
