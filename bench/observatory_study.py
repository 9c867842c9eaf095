"""A région study end to end: 3 scenarios × 3 horizons with P10–P90 bands, on two cores.

Target (observatory issue 11): a région study with 3 scenarios × 3 horizons and uncertainty
bands in under 10 s on two cores. Runs `study.compute.study_compute` as the page and the
`observatoire_etude` command do: database reads (communes, ring, INSEE imports, places), inputs
with typed figures, 2SFCA, impacts and 256-sample bands for every cell. Throwaway SQLite
database with the région loaded (`load_territories --region 28`), two external zones, typed
desks. The process is pinned to two cores (sched_setaffinity, BLAS threads = 2). Prints, never
asserts.

    .venv/bin/python bench/observatory_study.py [--region 28] [--repeat 3] [--smoke]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_territories import drop_database, fresh_database  # noqa: E402  (sibling bench module)

TARGET_S = 10.0

CHILD = r"""
import os, statistics, time, tracemalloc, django
if hasattr(os, "sched_setaffinity"):
    cores = sorted(os.sched_getaffinity(0))[:2]
    os.sched_setaffinity(0, cores)
django.setup()
from maillage.observatory.study.compute import study_compute
from maillage.observatory.study.document import study_from_dict

document = {{
    "nom": "bench-region",
    "perimetre": {perimeter},
    "zones_externes": [
        {{"id": "jersey", "nom": "Jersey", "latitude": 49.21, "longitude": -2.13,
          "population": 103000, "donnees": {{"teletravailleurs": 4000, "independants": 2500}}}},
        {{"id": "guernesey", "nom": "Guernesey", "latitude": 49.45, "longitude": -2.58,
          "population": 64000, "donnees": {{"distance_km": 8}}}},
    ],
    "annee_base": 2026,
    "horizons": [{{"annee": 2026}}, {{"annee": 2031, "croissance_annuelle": 0.003}},
                 {{"annee": 2036, "croissance_annuelle": 0.003}}],
    "offre": {{"postes": [
        {{"nom": "Projet", "zone": "jersey", "postes": 30, "statut": "projet"}},
    ]}},
    "scenarios": ["actuel", "tendanciel", "rupture"],
    "zone_de_chalandise": {{"mode": "distance", "rayon_km": 20}},
    "incertitude": {{"echantillons": {samples}, "graine": 2026}},
}}
study = study_from_dict(document)
timings = []
for run in range({repeat}):
    tracemalloc.start()
    started = time.perf_counter()
    result = study_compute(study)
    timings.append(time.perf_counter() - started)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
cells = len(result.cells)
desks = result.cell(2036, "tendanciel").totals["postes"]
band = result.cell(2036, "tendanciel").bands["postes"]
used = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
print(f"  {{len(result.rows)}} lignes (communes + zones), {{cells}} cellules scénario × horizon, "
      f"{{study.samples}} tirages, cœurs {{used}}")
print(f"  étude complète : min {{min(timings):.2f}} s  "
      f"médiane {{statistics.median(timings):.2f}} s  max {{max(timings):.2f}} s  "
      f"(cible < {target} s)  pic Python {{peak:.0f}} Mo")
print(f"  tendanciel 2036 : {{desks:,.0f}} postes nécessaires (P10 {{band.p10:,.0f}} – "
      f"P90 {{band.p90:,.0f}})".replace(",", " "))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="28")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--smoke", action="store_true", help="un département, 64 tirages, 1 essai")
    args = parser.parse_args()
    if args.smoke:
        perimeter, samples, repeat = {"echelon": "departement", "code": "14"}, 64, 1
    else:
        perimeter = {"echelon": "region", "code": args.region}
        samples, repeat = args.samples, args.repeat
    print(f"maillage — bench d'une étude ({perimeter['echelon']} {perimeter['code']})", flush=True)
    url = fresh_database("sqlite")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "OPENBLAS_NUM_THREADS": "2",
        "OMP_NUM_THREADS": "2",
        "MKL_NUM_THREADS": "2",
    }
    py = sys.executable
    try:
        subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        region = "28" if args.smoke else args.region
        subprocess.run(
            [py, "manage.py", "load_territories", "--region", region, "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        child = CHILD.format(
            perimeter=repr(perimeter), samples=samples, repeat=repeat, target=TARGET_S
        )
        subprocess.run([py, "-c", child], cwd=ROOT, env=env, check=True)
    finally:
        drop_database("sqlite", url)


if __name__ == "__main__":
    main()
