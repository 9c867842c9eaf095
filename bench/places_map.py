"""Map data endpoint with 5,000 places: latency (p50, p95) and payload, on SQLite and PostgreSQL.

Target (issue 3): p95 under 100 ms and payload under 500 KB for `/api/lieux/carte.geojson`.
Places are inserted in bulk (the bench measures reading, not writing). Prints, never asserts.

    .venv/bin/python bench/places_map.py [--places N] [--requests N] [--databases sqlite,postgres]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_territories import drop_database, fresh_database  # noqa: E402  (sibling bench module)

CHILD = r"""
import random, statistics, time, django
django.setup()
from django.test import Client
from maillage.places.models import Kind, Place, Service
from maillage.territory.models import Commune

count, requests = {count}, {requests}
rng = random.Random(5000)
communes = list(
    Commune.objects.filter(centroid_lat__isnull=False).only("id", "centroid_lat", "centroid_lon")
)
kinds, services = list(Kind.objects.all()), list(Service.objects.all())
places = []
for n in range(count):
    c = rng.choice(communes)
    places.append(Place(name=f"Lieu {{n}}", latitude=c.centroid_lat + rng.uniform(-0.005, 0.005),
                        longitude=c.centroid_lon + rng.uniform(-0.005, 0.005), commune_id=c.id,
                        open_space_desks=rng.randint(2, 40), opening_hours="Mo-Fr 09:00-18:00"))
Place.objects.bulk_create(places, batch_size=1000)
ids = list(Place.objects.values_list("id", flat=True))
Place.kinds.through.objects.bulk_create(
    [Place.kinds.through(place_id=i, kind_id=rng.choice(kinds).id) for i in ids], batch_size=2000)
Place.services.through.objects.bulk_create(
    [Place.services.through(place_id=i, service_id=s.id)
     for i in ids for s in rng.sample(services, 3)],
    batch_size=2000)
from django.core.cache import cache
client = Client(HTTP_HOST="localhost")
for label, url, headers, cold in [
    ("tous, à froid (cache vidé)", "/api/lieux/carte.geojson", {{}}, True),
    ("tous, à froid, gzip", "/api/lieux/carte.geojson", {{"HTTP_ACCEPT_ENCODING": "gzip"}}, True),
    ("tous, en cache, gzip", "/api/lieux/carte.geojson", {{"HTTP_ACCEPT_ENCODING": "gzip"}}, False),
    ("?service=…, à froid", "/api/lieux/carte.geojson?service=" + services[0].slug, {{}}, True),
    ("ouverts maintenant (jamais en cache)", "/api/lieux/carte.geojson?ouvert_maintenant=true",
     {{}}, False),
]:
    for _ in range(3):
        client.get(url, **headers)
    times = []
    for _ in range(requests):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"  {{label:34}} p50 {{statistics.median(times):7.1f}} ms  p95 {{p95:7.1f}} ms  "
          f"{{len(response.content) / 1024:8.1f}} Ko")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"maillage — bench de la carte des lieux ({args.places} lieux, {os.cpu_count()} cœurs)")
    for kind in args.databases.split(","):
        url = fresh_database(kind)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        py = sys.executable
        subprocess.run([py, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [py, "manage.py", "load_territories", "--all", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        print(f"== {kind}", flush=True)
        code = CHILD.format(count=args.places, requests=args.requests)
        subprocess.run([py, "-c", code], cwd=ROOT, env=env, check=True)
        drop_database(kind, url)
    print("Cible : p95 < 100 ms et < 500 Ko pour 5 000 lieux, sur SQLite et PostgreSQL.")


if __name__ == "__main__":
    main()
