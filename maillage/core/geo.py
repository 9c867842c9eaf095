"""Distances on the sphere, shared by every app that measures 'near'."""

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle: a cheap SQL pre-filter."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 0.01)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# --- vectorised forms, for the observatory's thousands of communes at once ---------------------


def unit_vectors(lat, lon):
    """Points as 3-D unit vectors: straight-line (chord) distances between them are monotone in
    great-circle distance, so a KD-tree on them answers 'within r km' exactly, worldwide (overseas
    communes included), without a projection."""
    import numpy as np

    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_for_km(distance_km: float) -> float:
    """Chord length on the unit sphere of a great-circle distance."""
    return 2.0 * math.sin(min(distance_km / EARTH_RADIUS_KM, math.pi) / 2.0)


def km_for_chord(chord):
    """Great-circle km of chord lengths on the unit sphere (array in, array out)."""
    import numpy as np

    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def pairs_within_km(lat_a, lon_a, lat_b, lon_b, radius_km: float):
    """Sparse (len(a) × len(b)) CSR matrix of great-circle km for every pair closer than
    `radius_km` (inclusive). A pair at distance 0 is stored as 1e-9 km so that it stays an
    explicit entry of the matrix (a place in the commune's own centroid still counts)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.spatial import cKDTree

    points_a, points_b = unit_vectors(lat_a, lon_a), unit_vectors(lat_b, lon_b)
    found = cKDTree(points_a).sparse_distance_matrix(
        cKDTree(points_b), chord_for_km(radius_km) * (1 + 1e-12), output_type="ndarray"
    )
    distances = np.maximum(km_for_chord(found["v"]), 1e-9)
    return csr_matrix((distances, (found["i"], found["j"])), shape=(len(points_a), len(points_b)))


def nearest_km(lat_a, lon_a, lat_b, lon_b):
    """For each point of a, (great-circle km to the nearest point of b, its index in b)."""
    from scipy.spatial import cKDTree

    chord, index = cKDTree(unit_vectors(lat_b, lon_b)).query(unit_vectors(lat_a, lon_a))
    return km_for_chord(chord), index
