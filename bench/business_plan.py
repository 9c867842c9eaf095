"""The business-plan engine and its workbook on a large plan: 15 years, 20 products, 30 charges.

Issue 15: a place's provisional P&L must compute instantly and its XLSX must download without
waiting. A synthetic plan (fixed seed: 3 pools, 20 products, 30 charge lines, 5 other revenues,
4 investments, an operator fee, three scenarios) goes through `engine.plan_compute` and
`workbook.plan_workbook`; the median of a few runs is printed. No database. Prints, never
asserts.

    .venv/bin/python bench/business_plan.py [--repeat 7]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from maillage.economics.engine import (  # noqa: E402  (after the sys.path line)
    VAT_RATES_BP,
    AmountLine,
    Capacity,
    ChargeKind,
    Investment,
    OperatorFee,
    PlanInput,
    Pool,
    Product,
    RevenueKind,
    Scenario,
    plan_compute,
)
from maillage.economics.workbook import plan_workbook  # noqa: E402

YEARS = 15


def large_plan(products: int = 20, charges: int = 30, seed: int = 2026) -> PlanInput:
    """A plausible big place: shares of each pool sum to 1, occupancy ramps up to a plateau."""
    rng = random.Random(seed)
    pools = list(Pool)
    per_pool = {
        pool: [i for i in range(products) if i % len(pools) == n] for n, pool in enumerate(pools)
    }
    items = []
    for pool, indexes in per_pool.items():
        share = 100 // len(indexes)  # whole percents; the last product takes the remainder
        for index in indexes:
            percent = share if index != indexes[-1] else 100 - share * (len(indexes) - 1)
            items.append(
                Product(
                    key=f"produit-{index}",
                    label=f"Produit {index}",
                    pool=pool,
                    unit_price_ht_cents=rng.randrange(500, 60000, 50),
                    vat_rate_bp=rng.choice(VAT_RATES_BP),
                    units_per_capacity=rng.choice((12, 220, 440, 1760)),
                    mix=percent / 100,
                )
            )

    def ramp(start: int, plateau: int) -> tuple[float, ...]:
        return tuple(min(plateau, start + 5 * y) / 100 for y in range(YEARS))

    occupancy = {
        Scenario.PRUDENT: {pool: ramp(15, 55) for pool in pools},
        Scenario.CENTRAL: {pool: ramp(25, 70) for pool in pools},
        Scenario.OPTIMISTIC: {pool: ramp(35, 85) for pool in pools},
    }

    def amounts() -> tuple[int, ...]:
        return tuple(rng.randrange(10_000, 2_000_000, 100) for _ in range(YEARS))

    kinds = list(ChargeKind)
    return PlanInput(
        years=YEARS,
        first_year=2027,
        vat_liable=True,
        capacities=(
            Capacity(Pool.SEATS, "Postes", 60),
            Capacity(Pool.OFFICES, "Bureaux", 12),
            Capacity(Pool.ROOMS, "Salles", 4),
        ),
        products=tuple(items),
        occupancy=occupancy,
        revenues=tuple(
            AmountLine(f"Recette {i}", list(RevenueKind)[i % 5], amounts(), 2000) for i in range(5)
        ),
        charges=tuple(
            AmountLine(f"Charge {i}", kinds[i % len(kinds)], amounts(), rng.choice(VAT_RATES_BP))
            for i in range(charges)
        ),
        investments=tuple(
            Investment(
                f"Investissement {i}", rng.randrange(1_000_000, 50_000_000), 2000, 1 + i, 5 + i
            )
            for i in range(4)
        ),
        operator_fee=OperatorFee("Exploitant", 0.06, 2000),
    )


def timed(function, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    plan = large_plan()
    compute = timed(lambda: plan_compute(plan), args.repeat)
    workbook = timed(lambda: plan_workbook(plan, title="Plan d'affaires"), args.repeat)
    size = len(plan_workbook(plan, title="Plan d'affaires"))
    print(
        f"{plan.years} ans, {len(plan.products)} produits, {len(plan.charges)} charges, "
        f"{len(plan.investments)} investissements, 3 scénarios, {args.repeat} passes"
    )
    print(
        f"  plan_compute   médiane {statistics.median(compute) * 1000:8.1f} ms "
        f"(min {min(compute) * 1000:.1f})"
    )
    print(
        f"  plan_workbook  médiane {statistics.median(workbook) * 1000:8.1f} ms "
        f"(min {min(workbook) * 1000:.1f}) ; {size / 1024:.0f} Kio"
    )


if __name__ == "__main__":
    main()
