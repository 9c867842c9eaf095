"""Default commute estimate (gravity model over the employment poles): hand-checked small cases,
monotony in distance, the Paris ring, the rural calibration, and MOBPRO winning where imported,
flows abroad included."""

import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.core.geo import EARTH_RADIUS_KM
from maillage.observatory import defaults
from maillage.observatory.inputs import commune_inputs, employment_poles, territory_communes
from maillage.observatory.services import census_import
from maillage.territory.models import Commune
from tests.observatory.test_imports import FLUX21_HEADER, csv_bytes
from tests.observatory.test_inputs import import_activity_and_flows

# 0.1° along a meridian, straight line and by road (× 1.3).
TENTH_KM = EARTH_RADIUS_KM * math.pi / 1800
TENTH_ROAD_KM = 1.3 * TENTH_KM


def bins(**shares: float) -> list[float]:
    row = [0.0] * 12
    for name, share in shares.items():
        row[int(name[1:])] = share
    return row


# --- hand-checked small cases ------------------------------------------------------------------


def test_a_satellite_mostly_goes_to_its_pole_and_a_lone_pole_stays_home():
    # Pole of 100,000 at (0, 0); satellite of 1,000 at 0.1° north (11.12 km, 14.46 by road).
    mean_km, mix = defaults.estimate_commute(
        [0.0, 0.1], [0.0, 0.0], [100_000, 1_000], [0.0], [0.0], [100_000]
    )

    stay = 0.5 * 1_000 / (1_000 + 600)  # 0.3125 work in the satellite
    assert round(TENTH_ROAD_KM, 4) == 14.4554
    assert mean_km[1] == pytest.approx(stay * 2 + (1 - stay) * TENTH_ROAD_KM, rel=1e-12)
    assert mean_km[1] == pytest.approx(10.5631, abs=1e-4)
    # 2 km is bin [2, 5), 14.46 km bin [10, 15).
    np.testing.assert_allclose(mix[1], bins(b1=0.3125, b3=0.6875), rtol=1e-12)
    # The pole's own centroid is its own commune, counted once; no other pole within reach.
    assert mean_km[0] == 2.0
    assert mix[0].tolist() == bins(b1=1.0)


def test_the_residents_of_a_pole_next_to_another_are_not_all_at_2_km():
    # Two poles: A of 100,000 at (0, 0), B of 20,000 at 0.1° north; C of 400 at 0.1° south.
    mean_km, mix = defaults.estimate_commute(
        [0.0, 0.1, -0.1],
        [0.0, 0.0, 0.0],
        [100_000, 20_000, 400],
        [0.0, 0.1],
        [0.0, 0.0],
        [100_000, 20_000],
    )

    b_stays = 0.5 * 20_000 / 20_600  # 0.4854
    assert mean_km[1] == pytest.approx(b_stays * 2 + (1 - b_stays) * TENTH_ROAD_KM, rel=1e-12)
    assert mean_km[1] == pytest.approx(8.4091, abs=1e-4)
    a_stays = 0.5 * 100_000 / 100_600  # 0.4970
    np.testing.assert_allclose(mix[0], bins(b1=a_stays, b3=1 - a_stays), rtol=1e-12)
    # C: 0.2 of its workers stay; the others split between A (14.46 km) and B (28.91 km) by
    # population × exp(−km / 8).
    to_a, to_b = 100_000 * math.exp(-TENTH_ROAD_KM / 8), 20_000 * math.exp(-2 * TENTH_ROAD_KM / 8)
    share_a = 0.8 * to_a / (to_a + to_b)
    np.testing.assert_allclose(mix[2], bins(b1=0.2, b3=share_a, b5=0.8 - share_a), rtol=1e-12)
    assert mean_km[2] == pytest.approx(
        0.2 * 2 + share_a * TENTH_ROAD_KM + (0.8 - share_a) * 2 * TENTH_ROAD_KM, rel=1e-12
    )
    assert share_a == pytest.approx(0.7746, abs=1e-4)


def test_a_commune_without_a_pole_within_100_km_or_without_centroid_works_at_home():
    # 1° north of the only pole: 111 km, beyond the search radius.
    mean_km, mix = defaults.estimate_commute(
        [1.0, math.nan], [0.0, math.nan], [500, 500], [0.0], [0.0], [100_000]
    )

    assert mean_km.tolist() == [2.0, 2.0]
    assert mix[0].tolist() == bins(b1=1.0)
    assert mix[1].tolist() == bins()


def test_no_pole_at_all_leaves_everyone_in_their_commune():
    mean_km, mix = defaults.estimate_commute([45.0], [5.0], [800], [], [], [])

    assert mean_km.tolist() == [2.0]
    assert mix[0].tolist() == bins(b1=1.0)


# --- property ----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    poles=st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=0.2), st.integers(min_value=10_000, max_value=10**6)
        ),
        min_size=1,
        max_size=6,
    ),
    population=st.integers(min_value=0, max_value=200_000),
    near=st.floats(min_value=0.02, max_value=0.2),
    further=st.floats(min_value=0.0, max_value=0.2),
)
def test_a_commune_farther_from_every_pole_never_gets_a_shorter_mean(
    poles, population, near, further
):
    # On the equator, longitude is distance: moving west adds the same km to every pole. The
    # commune stays ≥ 2.2 km from every pole and within 67 km of each (search radius 100 km).
    pole_lon = np.asarray([lon for lon, _ in poles])
    jobs = np.asarray([people for _, people in poles], dtype=float)
    lons = [-near, -near - further]

    mean_km, _ = defaults.estimate_commute(
        [0.0, 0.0], lons, [population, population], np.zeros(len(poles)), pole_lon, jobs
    )

    assert mean_km[1] >= mean_km[0] - 1e-9


# --- the whole of France (test database) -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "at_least"), [("92", 6.0), ("94", 6.0), ("93", 6.0)])
def test_the_paris_ring_is_no_longer_at_2_km(code, at_least):
    rows = territory_communes(level="departement", code=code)

    inputs = commune_inputs(communes=rows)

    people = np.asarray([row.population for row in rows], dtype=float)
    mean = float((inputs.commute_km * people).sum() / people.sum())
    assert mean >= at_least
    assert inputs.commute_km.min() > 2
    np.testing.assert_allclose(inputs.commute_mix.sum(axis=1), 1.0, rtol=1e-12)


@pytest.mark.django_db
def test_rural_residents_near_insee_premiere_1948():
    """Insee Première n°1948 (2023): half of rural residents travel more than 13 km, 25 % work
    in their commune. Rural ≈ under 2,000 inhabitants here; the estimate gives ≈ 59 % and
    ≈ 28 % (defaults.py says why)."""
    lat, lon, people = map(
        np.asarray,
        zip(
            *Commune.objects.filter(centroid_lat__isnull=False).values_list(
                "centroid_lat", "centroid_lon", "population"
            ),
            strict=True,
        ),
    )
    people = np.nan_to_num(people.astype(float))

    _, mix = defaults.estimate_commute(lat, lon, people, *employment_poles())

    rural = people < 2_000
    shares = (mix[rural] * people[rural, None]).sum(axis=0) / people[rural].sum()
    # Share beyond 13 km: bins from 15 km, plus 2/5 of [10, 15) (uniform inside the bin).
    beyond = shares[4:].sum() + shares[3] * 2 / 5
    assert 0.5 <= beyond <= 0.62
    # Bin [2, 5) holds those who stay (and the few with a pole within 3.8 km).
    assert 0.25 <= shares[1] <= 0.31


# --- MOBPRO is the truth where imported, flows abroad counted ----------------------------------


@pytest.mark.django_db
def test_mobpro_wins_over_the_estimate_and_keeps_work_abroad():
    import_activity_and_flows()
    rows = [
        row
        for row in territory_communes(level="departement", code="14")
        if row.code in {"14118", "14001"}
    ]
    estimate = defaults.estimate_commute(
        [row.lat for row in rows],
        [row.lon for row in rows],
        [row.population for row in rows],
        *employment_poles(),
    )

    inputs = commune_inputs(communes=rows)

    assert [row.code for row in rows] == ["14001", "14118"]
    # Caen (14118): 100 stay (2 km), 10 to Paris and 5 to Switzerland (DCLT 99140), both in
    # the last bin; no estimated bin survives (the estimate has none there).
    assert inputs.commute_mix[1].tolist() == pytest.approx(bins(b1=100 / 115, b11=15 / 115))
    assert estimate[1][1][11] == 0
    assert inputs.commute_km[1] != estimate[0][1]
    # Ablon (14001), not in the file: the estimate.
    assert inputs.commute_km[0] == estimate[0][0]
    np.testing.assert_array_equal(inputs.commute_mix[0], estimate[1][0])


@pytest.mark.django_db
def test_a_commune_working_mostly_abroad_keeps_those_workers():
    census_import(
        kind="mobpro",
        file=io.BytesIO(
            csv_bytes(
                FLUX21_HEADER,
                [
                    ["74012", "Annemasse", "74012", "Annemasse", "40"],
                    ["74012", "Annemasse", "99140", "Suisse", "60"],
                ],
            )
        ),
        filename="base-flux-mobilite-domicile-lieu-travail-2021.csv",
    )
    rows = [
        row for row in territory_communes(level="departement", code="74") if row.code == "74012"
    ]

    inputs = commune_inputs(communes=rows)

    # Work in Switzerland is measured to Genève, the nearest of its cross-border poles
    # (≈ 10 km by road from Annemasse: bin [10, 15)), and counts in the mean distance.
    from tests.observatory.test_imports import abroad_km

    geneva_km = abroad_km("74012", "99140")
    assert 10 <= geneva_km < 15
    assert inputs.commute_mix[0].tolist() == pytest.approx(bins(b1=0.4, b3=0.6))
    assert inputs.commute_km[0] == pytest.approx(0.4 * 2 + 0.6 * geneva_km, rel=1e-9)
