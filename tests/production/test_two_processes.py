"""The production recipe, for real: two gunicorn processes and the worker on one PostgreSQL and one
Redis (issue 12, point 14; docs/utilisateur/installation.md).

Runs on PostgreSQL only (the recipe's database): it creates its own database beside the test
one, migrates it, loads the Calvados, starts Redis, two application servers and the worker as
separate processes, then checks what only shows across processes:
- the one-run-at-a-time guard held by one process is seen by the other;
- a body cached by one process is served by the other, and a change of the data is seen by both;
- a burst of bookings spread over both processes never double-books;
- the confirmation e-mails of that burst are delivered by the worker, not by the requests.
"""

import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.production.stack import RedisMissing, production_stack

DEPARTEMENT = "14"

SETUP_SCRIPT = """
import json
from tests.production.seed import MEETING_ROOM, OPEN_SPACE, bookable_place, members_with_sessions

place, (room, desks) = bookable_place("Tiers-lieu du test de production", desks=3, resources=[
    {"kind": MEETING_ROOM, "name": "Salle Orne", "capacity": 1, "horizon_days": 60},
    {"kind": OPEN_SPACE, "name": "Open space", "capacity": 3, "horizon_days": 60},
])
print("SETUP=" + json.dumps({"place": str(place.public_id), "room": room, "desks": desks,
                              "sessions": members_with_sessions(24, "production.test")}))
"""

RENAME_SCRIPT = """
from maillage.places.models import Place
from maillage.places.services import place_update
place = Place.objects.get(name="Tiers-lieu du test de production")
place_update(place=place, data={"name": "Tiers-lieu renommé"})
"""


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("la recette de production se teste sur PostgreSQL (DATABASE_URL)")
    return url


@pytest.fixture(scope="module")
def stack():
    url = _postgres_url()
    try:
        with production_stack(
            url,
            name=f"maillage_production_{os.getpid()}",
            load=["--departement", DEPARTEMENT],
            setup_script=SETUP_SCRIPT,
        ) as (running, out):
            running.data = json.loads(out.split("SETUP=", 1)[1])
            yield running
    except RedisMissing as missing:
        if os.environ.get("MAILLAGE_REQUIRE_REDIS") == "1":
            pytest.fail(f"{missing}, alors que MAILLAGE_REQUIRE_REDIS=1")
        pytest.skip(str(missing))


def test_the_guard_held_by_one_process_is_seen_by_the_other(stack):
    first = stack.data["sessions"][0]
    path = f"/api/observatoire/territoires/departement/{DEPARTEMENT}/implantation"
    key = f"maillage:1:observatory-siting:{first['user']}"
    # Another process is running this account's siting: it holds the guard in Redis.
    stack.redis().set(key, "autre-processus", ex=60)
    for port in stack.ports:
        status, body = stack.request(port, "POST", path, session=first["session"], body={"k": 2})
        assert status == 429, body[:300]
        assert "déjà en cours" in json.loads(body)["detail"]
    stack.redis().delete(key)
    status, body = stack.request(
        stack.ports[1], "POST", path, session=first["session"], body={"k": 2}
    )
    assert status == 200, body[:300]
    assert len(json.loads(body)["sites"]) == 2
    assert stack.redis().exists(key) == 0  # released after the run


def test_a_cached_body_is_shared_and_a_change_is_seen_by_both(stack):
    path = f"/api/lieux/carte.geojson?departement={DEPARTEMENT}"
    status_a, body_a = stack.request(stack.ports[0], "GET", path)
    assert status_a == 200, body_a[:300]
    assert stack.redis().keys("maillage:1:places-map:*") != []
    cached = len(stack.redis().keys("maillage:1:places-map:*"))
    status_b, body_b = stack.request(stack.ports[1], "GET", path)
    assert (status_b, body_b) == (200, body_a)
    # Process B served A's body: it built nothing new.
    assert len(stack.redis().keys("maillage:1:places-map:*")) == cached
    names = {f["properties"]["nom"] for f in json.loads(body_a)["features"]}
    assert "Tiers-lieu du test de production" in names

    stack.manage("shell", script=RENAME_SCRIPT)
    for port in stack.ports:
        status, body = stack.request(port, "GET", path)
        assert status == 200
        names = {f["properties"]["nom"] for f in json.loads(body)["features"]}
        assert "Tiers-lieu renommé" in names
        assert "Tiers-lieu du test de production" not in names


def _burst(stack, resource: int, day: str, sessions: list[dict]) -> Counter:
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(sessions))

    def book(n: int, member: dict) -> None:
        start.wait()
        status, _ = stack.request(
            stack.ports[n % 2],
            "POST",
            "/api/reservations",
            session=member["session"],
            body={"ressource": resource, "date": day, "creneau": "journee"},
            key=f"rafale-{resource}-{n}",
        )
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=book, args=(n, m)) for n, m in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _day(offset: int) -> str:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    return (today + timedelta(days=offset)).isoformat()


def _sent_subjects(stack) -> list[str]:
    """Subjects of the messages Django's file backend wrote (one file per connection, messages
    separated by a line of 79 dashes)."""
    from email import message_from_string, policy

    subjects = []
    for path in sorted(stack.mail_dir.glob("*.log")):
        for raw in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            if raw.strip():
                subjects.append(str(message_from_string(raw, policy=policy.default)["Subject"]))
    return subjects


def _wait_for_empty_outbox(stack, seconds: float = 60) -> None:
    import psycopg
    from post_office.models import STATUS

    deadline = time.monotonic() + seconds
    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                "SELECT count(*) FROM post_office_email WHERE status IS NULL OR status = %s",
                [STATUS.queued],
            ).fetchone()[0]
            if waiting == 0:
                return
            time.sleep(0.3)
    raise AssertionError("le worker n'a pas vidé la file d'e-mails en une minute")


def test_a_burst_over_both_processes_never_double_books(stack):
    expected = "Réservation confirmée — Tiers-lieu"

    def confirmations() -> int:
        return sum(expected in subject for subject in _sent_subjects(stack))

    # Other tests of the module (any order) may have queued confirmations: let the worker drain
    # them first, then count from there.
    _wait_for_empty_outbox(stack)
    already = confirmations()
    members = stack.data["sessions"][:20]
    room = _burst(stack, stack.data["room"], _day(7), members)
    assert room == Counter({201: 1, 409: 19})
    desks = _burst(stack, stack.data["desks"], _day(8), members)
    assert desks == Counter({201: 3, 409: 17})

    # The four confirmations are queued by the requests and delivered by the worker.
    _wait_for_empty_outbox(stack)
    assert confirmations() == already + 4
    assert stack.worker.poll() is None  # still running


def _counts(url: str) -> dict[str, int]:
    import psycopg

    tables = ["accounts_user", "places_place", "places_placeversion", "booking_booking",
              "booking_resource", "post_office_email", "territory_commune"]  # fmt: skip
    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in tables
        }


def test_a_backup_restores_into_an_empty_database(stack, tmp_path):
    import subprocess

    from tests.production.stack import ROOT, _admin, with_database

    # A booking of its own, whatever the other tests of the module did before (random order).
    member = stack.data["sessions"][-1]
    status, body = stack.request(
        stack.ports[0],
        "POST",
        "/api/reservations",
        session=member["session"],
        body={"ressource": stack.data["desks"], "date": _day(20), "creneau": "journee"},
        key="sauvegarde-1",
    )
    assert status == 201, body[:300]
    media = tmp_path / "media"
    (media / "places").mkdir(parents=True)
    photo = media / "places" / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo")
    env = {**stack.env, "MEDIA_ROOT": str(media), "MAILLAGE_OUTBOX_DIR": str(tmp_path / "outbox")}
    done = subprocess.run(
        [str(ROOT / "scripts" / "backup"), str(tmp_path / "sauvegardes")],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.strip().splitlines()[-1])
    archive = Path(str(dump).removesuffix(".dump") + ".files.tar.gz")
    assert dump.stat().st_size > 0 and archive.exists()

    before = _counts(stack.env["DATABASE_URL"])
    assert before["territory_commune"] > 500 and before["booking_booking"] >= 1
    photo.unlink()
    restored_name = stack.env["DATABASE_URL"].rsplit("/", 1)[1] + "_restauree"
    _admin(stack.env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    _admin(stack.env["DATABASE_URL"], f'CREATE DATABASE "{restored_name}"')
    restored_url = with_database(stack.env["DATABASE_URL"], restored_name)
    try:
        done = subprocess.run(
            [str(ROOT / "scripts" / "restore"), str(dump), str(archive)],
            env={**env, "DATABASE_URL": restored_url, "PYTHON": sys.executable},
            capture_output=True, text=True, timeout=600, cwd=ROOT,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        assert _counts(restored_url) == before
        assert photo.read_bytes() == b"\xff\xd8\xff photo"
    finally:
        _admin(stack.env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
