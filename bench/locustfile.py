"""Locust users of the load test (bench/load_test.py starts the stack and then this file).

A realistic mix for a regional platform: most visitors look at the map and the directory,
some open a place and its availability, some read the observatory; members book and look at
their bookings. The plan (ports of the application processes, places, sessions) comes from the
JSON file named by MAILLAGE_LOAD_PLAN. Each user talks to one application process, the users
spread over them as a reverse proxy would spread connections.
"""

import itertools
import json
import os
import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["MAILLAGE_LOAD_PLAN"]).read_text(encoding="utf-8"))
_next_port = itertools.cycle(PLAN["ports"])
_next_member = itertools.cycle(PLAN["sessions"])
HEADERS = {"Host": "localhost", "Accept-Encoding": "gzip"}


def _day(offset_max: int = 20) -> str:
    return (
        date.fromisoformat(PLAN["today"]) + timedelta(days=random.randint(1, offset_max))
    ).isoformat()


class _OnOneProcess(FastHttpUser):
    abstract = True
    host = "http://127.0.0.1"

    def on_start(self) -> None:
        self.client.base_url = f"http://127.0.0.1:{next(_next_port)}"


class Visitor(_OnOneProcess):
    """Anonymous: the map, the directory, a place, the observatory."""

    weight = 4
    wait_time = between(0.5, 2)

    @task(6)
    def map(self) -> None:
        dep = random.choice(PLAN["departements"])
        self.client.get(f"/api/lieux/carte.geojson?departement={dep}", headers=HEADERS,
                        name="/api/lieux/carte.geojson")  # fmt: skip

    @task(2)
    def home(self) -> None:
        self.client.get("/", headers=HEADERS, name="/ (accueil)")

    @task(4)
    def directory(self) -> None:
        dep = random.choice(PLAN["departements"])
        self.client.get(f"/lieux/?departement={dep}", headers=HEADERS, name="/lieux/")

    @task(3)
    def place(self) -> None:
        place = random.choice(PLAN["places"])
        self.client.get(f"/lieux/{place}/", headers=HEADERS, name="/lieux/<lieu>/")

    @task(4)
    def availability(self) -> None:
        place = random.choice(PLAN["bookable_places"])
        self.client.get(f"/api/reservations/disponibilites?lieu={place}&date={_day()}&jours=7",
                        headers=HEADERS, name="/api/reservations/disponibilites")  # fmt: skip

    @task(2)
    def observatory(self) -> None:
        dep = random.choice(PLAN["departements"])
        self.client.get(f"/observatoire/departement/{dep}/", headers=HEADERS,
                        name="/observatoire/departement/<code>/")  # fmt: skip

    @task(1)
    def basemap(self) -> None:
        self.client.get("/api/territoires/regions/28/contours", headers=HEADERS,
                        name="/api/territoires/regions/<code>/contours")  # fmt: skip


class Member(_OnOneProcess):
    """Signed in: looks for a slot, books it, looks at their bookings."""

    weight = 1
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        super().on_start()
        self.session = next(_next_member)
        self.token = secrets.token_hex(16)
        self.cookies = {
            **HEADERS,
            "Cookie": f"sessionid={self.session}; csrftoken={self.token}",
        }

    @task(3)
    def availability(self) -> None:
        self.client.get(
            f"/api/reservations/disponibilites?lieu={PLAN['booking_place']}&date={_day()}&jours=7",
            headers=self.cookies, name="/api/reservations/disponibilites",
        )  # fmt: skip

    @task(3)
    def book(self) -> None:
        body = {"ressource": random.choice(PLAN["resources"]), "date": _day(60),
                "creneau": random.choice(["journee", "matin", "apres-midi"])}  # fmt: skip
        with self.client.post(
            "/api/reservations", json=body, name="POST /api/reservations", catch_response=True,
            headers={**self.cookies, "X-CSRFToken": self.token,
                     "Idempotency-Key": secrets.token_hex(12)},
        ) as response:  # fmt: skip
            # 409: the member already holds that slot (a real answer, not a failure).
            if response.status_code in (201, 409):
                response.success()

    @task(1)
    def my_bookings(self) -> None:
        self.client.get("/reserver/mes-reservations/", headers=self.cookies,
                        name="/reserver/mes-reservations/")  # fmt: skip
