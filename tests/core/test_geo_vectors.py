"""The vectorised great-circle helpers of `core.geo` against the scalar `haversine_km`.

No database. Hypothesis runs without its example database so the tests write nothing to the
working tree.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.core.geo import (
    EARTH_RADIUS_KM,
    chord_for_km,
    haversine_km,
    km_for_chord,
    nearest_km,
    pairs_within_km,
    unit_vectors,
)

PROPERTIES = settings(database=None, max_examples=80, deadline=None)
# Chord and haversine formulas agree to ~1e-12 relative; pairs this close to the radius may go
# either way, so the properties leave them out.
BORDER = 1e-9

latitudes = st.floats(min_value=-85, max_value=85, allow_nan=False)
longitudes = st.floats(min_value=-180, max_value=180, allow_nan=False)
points = st.lists(st.tuples(latitudes, longitudes), min_size=1, max_size=12)


def _brute(a, b):
    return np.array([[haversine_km(la, lo, lb, mb) for lb, mb in b] for la, lo in a])


def test_unit_vectors_on_the_unit_sphere():
    vectors = unit_vectors([0.0, 90.0, 45.0, -30.0], [0.0, 0.0, 90.0, -120.0])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.allclose(vectors[0], [1.0, 0.0, 0.0])
    assert np.allclose(vectors[1], [0.0, 0.0, 1.0])


def test_chord_and_km_are_inverse():
    for km in (0.0, 1.0, 15.0, 1000.0, math.pi * EARTH_RADIUS_KM):
        assert km_for_chord(chord_for_km(km)) == pytest.approx(km, abs=1e-6)


def test_pairs_within_km_match_haversine_caen_rouen():
    # Caen, Rouen, Le Havre, Cherbourg (approximate town-hall coordinates).
    lat = np.array([49.1829, 49.4431, 49.4944, 49.6337])
    lon = np.array([-0.3707, 1.0993, 0.1079, -1.6222])
    found = pairs_within_km(lat, lon, lat, lon, 110.0)
    brute = _brute(list(zip(lat, lon, strict=True)), list(zip(lat, lon, strict=True)))
    expected = {(i, j) for i, j in itertools.product(range(4), range(4)) if brute[i, j] <= 110.0}
    assert set(zip(*found.nonzero(), strict=True)) == expected
    for i, j in expected:
        assert found[i, j] == pytest.approx(max(brute[i, j], 1e-9), rel=1e-9, abs=1e-9)


def test_pairs_within_km_keeps_zero_distance_pairs():
    found = pairs_within_km([49.0, 49.0], [0.5, 0.5], [49.0], [0.5], 1.0)
    assert found.shape == (2, 1)
    assert found.nnz == 2
    assert found[0, 0] == pytest.approx(1e-9)
    assert found.astype(bool).toarray().tolist() == [[True], [True]]


def test_pairs_within_km_radius_is_inclusive():
    # Exactly the radius: the pair is in; a metre less: it is out.
    distance = haversine_km(49.0, 0.0, 49.1, 0.1)
    assert pairs_within_km([49.0], [0.0], [49.1], [0.1], distance).nnz == 1
    assert pairs_within_km([49.0], [0.0], [49.1], [0.1], distance - 0.001).nnz == 0


def test_pairs_within_km_empty_sides():
    found = pairs_within_km(np.zeros(0), np.zeros(0), [49.0], [0.0], 10.0)
    assert found.shape == (0, 1)
    assert found.nnz == 0


@PROPERTIES
@given(a=points, b=points, radius=st.floats(min_value=0.1, max_value=3000))
def test_pairs_within_km_equal_brute_force(a, b, radius):
    found = pairs_within_km(*np.array(a).T, *np.array(b).T, radius)
    brute = _brute(a, b)
    stored = set(zip(*found.nonzero(), strict=True))
    inside = {tuple(ij) for ij in np.argwhere(brute <= radius * (1 - BORDER))}
    beyond = {tuple(ij) for ij in np.argwhere(brute > radius * (1 + BORDER))}
    assert inside <= stored
    assert not stored & beyond
    for i, j in stored:
        assert found[i, j] == pytest.approx(max(brute[i, j], 1e-9), rel=1e-7, abs=1e-6)


@PROPERTIES
@given(a=points, b=points)
def test_nearest_km_equal_brute_force(a, b):
    distance, index = nearest_km(*np.array(a).T, *np.array(b).T)
    brute = _brute(a, b)
    assert distance == pytest.approx(brute.min(axis=1), rel=1e-7, abs=1e-6)
    # The index found is at the nearest distance (several points may tie).
    chosen = brute[np.arange(len(a)), index]
    assert chosen == pytest.approx(brute.min(axis=1), rel=1e-7, abs=1e-6)
