"""Plausible demo places in real communes, so a fresh installation shows a living map.

Every demo place is flagged (`is_demo`, source "demo"): a badge says so on every page, and open-data
exports leave them out unless asked. Reproducible: a fixed random seed, ids "demo-<n>".
"""

import random
from dataclasses import dataclass

import shapely
from django.db import transaction

from maillage.places.models import Organisation, Place
from maillage.places.services import place_create, place_update
from maillage.territory.models import Commune
from maillage.territory.names import with_de

DEMO_SOURCE = "demo"
# {of_commune}: the name after « de » ("du Havre", "des Andelys"), see territory/names.py.
_NAMES = [
    ("Coworking {commune}", ["coworking"], ["tres-haut-debit", "visioconference", "cafe"]),
    (
        "Le Relais numérique {of_commune}",
        ["tiers-lieu", "epn"],
        ["mediation-numerique", "impression"],
    ),
    ("Fablab {commune}", ["fablab"], ["imprimante-3d", "atelier", "animation"]),
    ("Télécentre {of_commune}", ["telecentre"], ["tres-haut-debit", "casiers", "parking"]),
    ("La Ruche {of_commune}", ["coworking", "tiers-lieu"], ["cafe", "animation", "domiciliation"]),
]
_HOURS = [
    "Mo-Fr 08:30-18:30",
    "Mo-Fr 09:00-12:30,13:30-18:00; PH off",
    "Tu-Sa 09:00-19:00",
    "Mo-Th 09:00-17:00; Fr 09:00-12:00",
    "24/7",
]


@dataclass
class DemoReport:
    created: int
    updated: int


def _point_in(commune: Commune, rng: random.Random) -> tuple[float, float]:
    boundary = shapely.from_wkb(bytes(commune.boundary))
    for _ in range(20):
        lat = commune.centroid_lat + rng.uniform(-0.01, 0.01)
        lon = commune.centroid_lon + rng.uniform(-0.015, 0.015)
        if boundary.contains(shapely.Point(lon, lat)):
            return round(lat, 5), round(lon, 5)
    point = boundary.representative_point()
    return round(point.y, 5), round(point.x, 5)


@transaction.atomic
def demo_places_create(*, count: int = 40, region: str = "28") -> DemoReport:
    communes = list(
        Commune.objects.filter(
            departement__region__code=region, boundary__isnull=False, population__gte=1500
        ).order_by("code")
    )
    if not communes:
        raise ValueError(f"Aucune commune chargée pour la région {region}.")
    rng = random.Random(2026)
    chosen = rng.choices(communes, weights=[c.population for c in communes], k=count)
    operator, _ = Organisation.objects.get_or_create(name="Réseau démo")
    created = updated = 0
    for n, commune in enumerate(chosen, start=1):
        name, kinds, services = _NAMES[n % len(_NAMES)]
        lat, lon = _point_in(commune, rng)
        desks = rng.choice([6, 8, 12, 15, 20, 30])
        data = {
            "name": name.format(commune=commune.name, of_commune=with_de(commune.name)),
            "kinds": kinds,
            "services": services,
            "status": "projet" if n % 9 == 0 else "ouvert",
            "latitude": lat,
            "longitude": lon,
            "address": "Adresse de démonstration",
            "description": "Lieu fictif, créé pour la démonstration de la plateforme.",
            "opening_hours": _HOURS[n % len(_HOURS)],
            "open_space_desks": desks,
            "private_offices": desks // 6,
            "private_office_seats": (desks // 6) * 2,
            "meeting_rooms": 1 + n % 2,
            "visio_rooms": n % 2,
            "price_half_day": f"{rng.choice([6, 8, 10])}.00",
            "price_day": f"{rng.choice([10, 12, 15, 18])}.00",
            "price_month": f"{rng.choice([120, 150, 180, 220])}.00",
            "wheelchair": rng.choice(["yes", "limited", ""]),
            "operator": operator.pk,
        }
        existing = Place.objects.filter(source=DEMO_SOURCE, source_id=f"demo-{n}").first()
        if existing:
            place_update(place=existing, data=data, comment="Données de démonstration")
            updated += 1
        else:
            place_create(
                data=data,
                is_demo=True,
                source=DEMO_SOURCE,
                source_id=f"demo-{n}",
                comment="Données de démonstration",
            )
            created += 1
    return DemoReport(created=created, updated=updated)


def demo_places_clear() -> int:
    deleted, _ = Place.objects.filter(is_demo=True).delete()
    return deleted
