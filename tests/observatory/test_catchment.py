"""Catchments and need vs offer (2SFCA): a hand-computed example, the refused values, and the
properties the method guarantees (more offer never widens a gap; desks are conserved).

No database. Hypothesis runs without its example database so the tests write nothing to the
working tree.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import sparse

from maillage.core.geo import haversine_km
from maillage.observatory.catchment import (
    Catchment,
    catchment_validate,
    gaps_by_group,
    need_vs_offer,
    reach,
    underserved,
)
from maillage.observatory.errors import CatchmentError, ObservatoryError

PROPERTIES = settings(database=None, max_examples=100, deadline=None)

# --- the catchment -----------------------------------------------------------------------------


def test_catchment_distance_radius_and_description():
    catchment = Catchment(radius_km=15)
    assert catchment.radius_km == 15.0
    assert isinstance(catchment.radius_km, float)
    assert catchment.straight_line_km() == pytest.approx(15 / 1.3)
    assert catchment.per_straight_km() == pytest.approx(1.3)
    assert catchment.unit == "km"
    assert catchment.limit == 15.0
    assert catchment.describe() == "15 km par la route (vol d'oiseau × 1,3)"


def test_catchment_time_radius_and_description():
    # 20 minutes at 50 km/h = 16.67 road km = 12.82 straight-line km; 1 straight km = 1.56 min.
    catchment = Catchment(mode="time", minutes=20)
    assert catchment.road_km() == pytest.approx(50 / 3)
    assert catchment.straight_line_km() == pytest.approx(50 / 3 / 1.3)
    assert catchment.per_straight_km() == pytest.approx(1.56)
    assert catchment.unit == "min"
    assert catchment.describe() == (
        "20 minutes de trajet à 50 km/h de moyenne (hypothèse ; vol d'oiseau × 1,3)"
    )


def test_catchment_ignores_the_fields_of_the_other_mode():
    assert Catchment(mode="time", minutes=30, radius_km=-1).minutes == 30.0
    assert Catchment(radius_km=10, minutes=None, speed_kmh=-3).radius_km == 10.0


def test_catchment_validate_returns_the_checked_values():
    catchment = Catchment(radius_km=12, detour=1.2)
    assert catchment_validate(catchment) == {"detour": 1.2, "radius_km": 12.0}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "radius_km", "Rayon (km par la route) : valeur manquante."),
        (
            {"radius_km": 0},
            "radius_km",
            "Rayon (km par la route) : 0 ; une valeur strictement positive est attendue.",
        ),
        (
            {"radius_km": -5},
            "radius_km",
            "Rayon (km par la route) : -5 ; une valeur strictement positive est attendue.",
        ),
        (
            {"radius_km": 250},
            "radius_km",
            "Rayon (km par la route) : 250 est hors de propos ; au plus 200.",
        ),
        ({"radius_km": float("nan")}, "radius_km", "Rayon (km par la route) : valeur manquante."),
        (
            {"radius_km": "dix"},
            "radius_km",
            "Rayon (km par la route) : « dix » n'est pas un nombre.",
        ),
        (
            {"radius_km": 15, "detour": 0.9},
            "detour",
            "Facteur de détour : 0,9 est inférieur à 1 ; la route n'est jamais plus courte que "
            "la ligne droite (1,3 est usuel).",
        ),
        (
            {"radius_km": 15, "detour": 4},
            "detour",
            "Facteur de détour : 4 est hors de propos ; au plus 3.",
        ),
        (
            {"mode": "vélo", "radius_km": 15},
            "mode",
            "Zone de chalandise : « vélo » inconnu ; choisir la distance par la route ou le "
            "temps de trajet.",
        ),
        ({"mode": "time"}, "minutes", "Temps de trajet (minutes) : valeur manquante."),
        (
            {"mode": "time", "minutes": 200},
            "minutes",
            "Temps de trajet (minutes) : 200 est hors de propos ; au plus 180.",
        ),
        (
            {"mode": "time", "minutes": 20, "speed_kmh": 0},
            "speed_kmh",
            "Vitesse moyenne (km/h) : 0 ; une valeur strictement positive est attendue.",
        ),
        (
            {"mode": "time", "minutes": 20, "speed_kmh": 150},
            "speed_kmh",
            "Vitesse moyenne (km/h) : 150 est hors de propos ; au plus 130.",
        ),
        (
            {"mode": "time", "minutes": 180, "speed_kmh": 100},
            "minutes",
            "Temps de trajet (minutes) : 180 minutes à 100 km/h font 300 km par la route, hors "
            "de propos ; au plus 200 km.",
        ),
    ],
)
def test_catchment_refused_values_name_the_field(values, field, message):
    with pytest.raises(CatchmentError) as caught:
        Catchment(**values)
    assert caught.value.field == field
    assert caught.value.message == message
    assert isinstance(caught.value, ObservatoryError)


# --- reach -------------------------------------------------------------------------------------


def test_reach_distance_in_road_km_inclusive_and_zero_kept():
    # A commune at (49, 0); places on its meridian 0, 0.1 and 0.11 degrees north, and one on it.
    catchment = Catchment(radius_km=15)  # straight line 11.538 km
    lat = np.array([49.0, 49.1, 49.11, 49.0])
    lon = np.zeros(4)
    found = reach([49.0], [0.0], lat, lon, catchment)
    assert found.shape == (1, 4)
    # 0.1° = 11.12 km straight = 14.455 road km: in; 0.11° = 12.23 km straight: out.
    assert sorted(found.indices.tolist()) == [0, 1, 3]
    assert found[0, 1] == pytest.approx(haversine_km(49.0, 0.0, 49.1, 0.0) * 1.3)
    assert 0 < found[0, 0] < 1e-6
    assert 0 < found[0, 3] < 1e-6


def test_reach_time_in_minutes():
    catchment = Catchment(mode="time", minutes=20)  # 12.82 straight km, 1.56 min per km
    found = reach([49.0], [0.0], [49.1, 49.2], [0.0, 0.0], catchment)
    assert found.indices.tolist() == [0]
    assert found[0, 0] == pytest.approx(haversine_km(49.0, 0.0, 49.1, 0.0) * 1.56)


def test_reach_exactly_at_the_radius_is_in():
    straight = haversine_km(49.0, 0.0, 49.1, 0.1)
    catchment = Catchment(radius_km=straight * 1.3)
    found = reach([49.0], [0.0], [49.1], [0.1], catchment)
    assert found.nnz == 1
    assert found[0, 0] <= catchment.limit


# --- 2SFCA by hand -----------------------------------------------------------------------------
#
# Communes need D = (10, 20, 30) desks. Place 0 (12 desks) reaches communes 0 and 1, place 1
# (6 desks) communes 1 and 2.
#   R0 = 12 / (10 + 20) = 0.4        R1 = 6 / (20 + 30) = 0.12
#   A = (0.4, 0.4 + 0.12, 0.12) = (0.4, 0.52, 0.12)
#   accessible = A × D = (4, 10.4, 3.6)   (total 18 = 12 + 6)
#   gap = (6, 9.6, 26.4) = unmet

NEED = np.array([10.0, 20.0, 30.0])
CAPACITY = np.array([12.0, 6.0])
REACH = sparse.csr_matrix(np.array([[3.0, 0.0], [5.0, 8.0], [0.0, 2.0]]))


def test_need_vs_offer_three_communes_by_hand():
    balance = need_vs_offer(NEED, CAPACITY, REACH)
    assert balance.place_ratio == pytest.approx([0.4, 0.12])
    assert balance.ratio == pytest.approx([0.4, 0.52, 0.12])
    assert balance.accessible == pytest.approx([4.0, 10.4, 3.6])
    assert balance.gap == pytest.approx([6.0, 9.6, 26.4])
    assert balance.unmet == pytest.approx([6.0, 9.6, 26.4])
    assert balance.idle.tolist() == [False, False]


def test_need_vs_offer_surplus_gives_a_negative_gap():
    # Place 0 now has 40 desks: R0 = 40/30 = 4/3; commune 0 gets 13.33 desks for 10 needed.
    balance = need_vs_offer(NEED, np.array([40.0, 6.0]), REACH)
    assert balance.accessible == pytest.approx([40 / 3, 80 / 3 + 2.4, 3.6])
    assert balance.gap == pytest.approx([10 - 40 / 3, 20 - 80 / 3 - 2.4, 26.4])
    assert balance.unmet == pytest.approx([0.0, 0.0, 26.4])
    assert balance.accessible.sum() == pytest.approx(46.0)


def test_need_vs_offer_place_without_demand_around_is_idle():
    # A third place (50 desks) reaches only a fourth commune that needs nothing.
    need = np.append(NEED, 0.0)
    capacity = np.append(CAPACITY, 50.0)
    matrix = sparse.csr_matrix(np.array([[3, 0, 0], [5, 8, 0], [0, 2, 0], [0, 0, 1.0]]))
    balance = need_vs_offer(need, capacity, matrix)
    assert balance.idle.tolist() == [False, False, True]
    assert balance.place_ratio == pytest.approx([0.4, 0.12, 0.0])
    assert balance.accessible == pytest.approx([4.0, 10.4, 3.6, 0.0])
    assert balance.gap == pytest.approx([6.0, 9.6, 26.4, 0.0])


def test_need_vs_offer_explicit_zero_is_not_a_pair():
    matrix = REACH.copy()
    matrix.data[matrix.data == 2.0] = 0.0  # commune 2 – place 1 stored as 0: not a pair
    balance = need_vs_offer(NEED, CAPACITY, matrix)
    assert balance.place_ratio == pytest.approx([0.4, 0.3])
    assert balance.accessible == pytest.approx([4.0, 14.0, 0.0])


@pytest.mark.parametrize(
    ("need", "capacity", "matrix", "field", "message"),
    [
        (
            [10.0, -1.0, 30.0],
            CAPACITY,
            REACH,
            "need",
            "Besoin en postes : valeurs négatives ou manquantes (rang 1).",
        ),
        (
            NEED,
            [12.0, float("nan")],
            REACH,
            "capacity",
            "Capacité des lieux : valeurs négatives ou manquantes (rang 1).",
        ),
        (
            NEED,
            [12.0, 6.0, 1.0],
            REACH,
            "reach",
            "Paires commune–lieu : dimensions (3, 2) reçues, (3, 3) attendues (3 communes, "
            "3 lieux).",
        ),
    ],
)
def test_need_vs_offer_refused_arrays(need, capacity, matrix, field, message):
    with pytest.raises(CatchmentError) as caught:
        need_vs_offer(need, capacity, matrix)
    assert (caught.value.field, caught.value.message) == (field, message)


# --- properties --------------------------------------------------------------------------------


@st.composite
def markets(draw):
    """Needs, capacities and a random pattern of pairs (n communes × m places)."""
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 6))
    amounts = st.floats(0, 100, allow_nan=False, allow_infinity=False)
    need = draw(hnp.arrays(np.float64, n, elements=amounts))
    capacity = draw(hnp.arrays(np.float64, m, elements=amounts))
    pairs = draw(hnp.arrays(np.bool_, (n, m)))
    return need, capacity, pairs


@PROPERTIES
@given(
    market=markets(),
    new_capacity=st.floats(0, 100, allow_nan=False),
    new_pairs=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_adding_a_place_never_increases_a_gap(market, new_capacity, new_pairs):
    need, capacity, pairs = market
    before = need_vs_offer(need, capacity, sparse.csr_matrix(pairs))
    column = np.array(new_pairs[: need.shape[0]])[:, None]
    after = need_vs_offer(
        need, np.append(capacity, new_capacity), sparse.csr_matrix(np.hstack([pairs, column]))
    )
    assert (after.gap <= before.gap + 1e-9).all()
    assert (after.unmet <= before.unmet + 1e-9).all()


@PROPERTIES
@given(market=markets(), place=st.integers(0, 5), extra=st.floats(0, 100, allow_nan=False))
def test_raising_a_capacity_never_increases_a_gap(market, place, extra):
    need, capacity, pairs = market
    before = need_vs_offer(need, capacity, sparse.csr_matrix(pairs))
    raised = capacity.copy()
    raised[place % capacity.shape[0]] += extra
    after = need_vs_offer(need, raised, sparse.csr_matrix(pairs))
    assert (after.gap <= before.gap + 1e-9).all()


@PROPERTIES
@given(market=markets())
def test_accessible_desks_are_conserved(market):
    need, capacity, pairs = market
    balance = need_vs_offer(need, capacity, sparse.csr_matrix(pairs))
    reached = (pairs & (need[:, None] > 0)).any(axis=0)
    assert balance.idle.tolist() == (~reached).tolist()
    assert balance.accessible.sum() == pytest.approx(capacity[reached].sum(), abs=1e-9)
    assert (balance.unmet >= 0).all()
    assert balance.gap == pytest.approx(need - balance.accessible)


# --- ranking and aggregation -------------------------------------------------------------------


def test_underserved_ranks_by_unmet_then_code_and_drops_zeros():
    codes = ["14002", "14001", "14003", "14004", "14005"]
    unmet = [3.0, 3.0, 0.0, 7.5, 1.0]
    assert underserved(codes, unmet) == ["14004", "14001", "14002", "14005"]
    assert underserved(codes, unmet, limit=2) == ["14004", "14001"]


def test_gaps_by_group_gives_both_sums():
    # E1: gaps 5 and -3 (net 2, unmet 5); E2: -1 (net -1, unmet 0).
    totals = gaps_by_group(["E1", "E2", "E1"], np.array([5.0, -1.0, -3.0]))
    assert totals.groups.tolist() == ["E1", "E2"]
    assert totals.gap.tolist() == [2.0, -1.0]
    assert totals.unmet.tolist() == [5.0, 0.0]
