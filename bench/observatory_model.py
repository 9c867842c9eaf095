"""The observatory's demand model for every commune of France under the three default scenarios.

Target (observatory issue): the whole model for 34,875 communes under three scenarios in under
5 s on 2 cores. Synthetic communes (log-normal populations, random pole distances, fixed seed)
go through the default estimate, then `model.run` per scenario and `model.aggregate` to ≈ 1,250
EPCI. No database. Prints, never asserts.

    .venv/bin/python bench/observatory_model.py [--communes 34875] [--repeat 20]
"""

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from maillage.observatory import defaults, model  # noqa: E402  (after the sys.path line)
from maillage.observatory.scenarios import default_scenarios, validate  # noqa: E402

TARGET_S = 5.0
EPCI_COUNT = 1_254


def synthetic_communes(count: int, seed: int = 2026) -> tuple[np.ndarray, ...]:
    """Codes, populations (median ≈ 450, like French communes), pole distances and EPCI codes."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"{i:05d}" for i in range(count)])
    population = np.round(rng.lognormal(mean=6.1, sigma=1.3, size=count))
    pole_km = rng.gamma(shape=2.0, scale=8.0, size=count)
    epci = np.array([f"EPCI{i:04d}" for i in rng.integers(0, EPCI_COUNT, size=count)])
    return codes, population, pole_km, epci


def whole_model(codes, population, pole_km, epci, scenarios) -> dict:
    """What a page would do: estimate inputs, validate and run each scenario, total by EPCI."""
    inputs = defaults.estimate_inputs(codes, population, pole_km)
    out = {}
    for name, scenario in scenarios.items():
        validate(scenario, date.today())  # noqa: DTZ011  (a bench's own clock is fine)
        results = model.run(inputs, scenario)
        out[name] = (model.aggregate(results, epci), model.total(results))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=34_875)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    data = synthetic_communes(args.communes)
    scenarios = default_scenarios(date.today().year)  # noqa: DTZ011  (see above)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        out = whole_model(*data, scenarios)
        timings.append(time.perf_counter() - started)

    best, median = min(timings), statistics.median(timings)
    print(f"{args.communes} communes, {len(scenarios)} scénarios, {args.repeat} passes")
    print(
        f"modèle complet (estimation + 3 scénarios + agrégation EPCI) : min {best * 1000:.1f} ms,"
    )
    print(f"  médiane {median * 1000:.1f} ms ; cible < {TARGET_S:.0f} s : ", end="")
    print("OK" if median < TARGET_S else "MISSED")
    for name, (_, totals) in out.items():
        people, desks = totals["teleworkers"], totals["desks"]
        print(f"  {name:<11} {people:>12,.0f} télétravailleurs, {desks:>9,.0f} postes")


if __name__ == "__main__":
    main()
