"""Open-data export of the directory: CSV, GeoJSON, JSON; documented in docs/opendata-lieux.md.

Column names follow the national schema of « lieux de médiation numérique » where fields overlap,
with `|` between multiple values as that schema does.
"""

import csv
import io
import json

from django.db.models import QuerySet

from maillage.places.models import Place

COLUMNS = [
    "id", "nom", "typologie", "types", "statut", "date_ouverture", "adresse", "code_postal",
    "commune", "code_insee", "latitude", "longitude", "telephone", "courriels", "site_web",
    "horaires", "presentation_detail", "structure", "postes_espace_partage", "bureaux_fermes",
    "postes_bureaux_fermes", "salles_reunion", "salles_visio", "services", "labels", "tarifs",
    "prix_demi_journee", "prix_journee", "prix_mois", "accessibilite_fauteuil",
    "accessibilite_details", "source", "date_maj", "demo",
]  # fmt: skip


def exported_places(*, include_demo: bool = False) -> QuerySet[Place]:
    places = Place.objects.select_related("commune", "operator").prefetch_related(
        "kinds", "services", "labels"
    )
    if not include_demo:
        places = places.filter(is_demo=False)
    return places.order_by("name", "id")


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def place_row(place: Place) -> dict[str, str | float | int]:
    kinds = [k.slug for k in place.kinds.all()]
    typologie = ["TIERS_LIEUX"] + (["FABLAB"] if "fablab" in kinds else [])
    return {
        "id": str(place.public_id),
        "nom": place.name,
        "typologie": "|".join(typologie),
        "types": "|".join(kinds),
        "statut": place.status,
        "date_ouverture": place.opening_date.isoformat() if place.opening_date else "",
        "adresse": place.address,
        "code_postal": place.postal_code,
        "commune": place.commune.name,
        "code_insee": place.commune.code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "telephone": place.phone,
        "courriels": place.email,
        "site_web": place.website,
        "horaires": place.opening_hours,
        "presentation_detail": place.description,
        "structure": place.operator.name if place.operator_id else "",
        "postes_espace_partage": place.open_space_desks,
        "bureaux_fermes": place.private_offices,
        "postes_bureaux_fermes": place.private_office_seats,
        "salles_reunion": place.meeting_rooms,
        "salles_visio": place.visio_rooms,
        "services": "|".join(s.slug for s in place.services.all()),
        "labels": "|".join(lb.slug for lb in place.labels.all()),
        "tarifs": place.price_notes,
        "prix_demi_journee": _money(place.price_half_day),
        "prix_journee": _money(place.price_day),
        "prix_mois": _money(place.price_month),
        "accessibilite_fauteuil": place.wheelchair,
        "accessibilite_details": place.accessibility_notes,
        "source": place.source,
        "date_maj": place.updated_at.date().isoformat(),
        "demo": "oui" if place.is_demo else "non",
    }


def export_csv(places) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for place in places:
        writer.writerow(place_row(place))
    return buffer.getvalue()


def export_json(places) -> str:
    return json.dumps([place_row(p) for p in places], ensure_ascii=False, indent=1)


def export_geojson(places) -> str:
    features = []
    for place in places:
        properties = place_row(place)
        osm = [k.osm_tag for k in place.kinds.all() if k.osm_tag]
        if osm:
            properties["osm"] = "|".join(osm)
        features.append(
            {
                "type": "Feature",
                "id": properties["id"],
                "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                "properties": properties,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


EXPORTERS = {"csv": export_csv, "json": export_json, "geojson": export_geojson}
