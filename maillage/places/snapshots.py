"""The editable state of a place as plain JSON: what versions store and proposals carry.

One format serves history (diff, revert), moderation (a proposal is a snapshot to apply) and
validation (forms, API and imports all hand a snapshot-shaped dict to `place_clean`).
"""

from decimal import Decimal

from maillage.places.models import Place

SCALAR_FIELDS = [
    "name",
    "status",
    "opening_date",
    "address",
    "postal_code",
    "latitude",
    "longitude",
    "description",
    "operator",
    "email",
    "phone",
    "website",
    "opening_hours",
    "open_space_desks",
    "private_offices",
    "private_office_seats",
    "meeting_rooms",
    "visio_rooms",
    "price_notes",
    "price_half_day",
    "price_day",
    "price_month",
    "wheelchair",
    "accessibility_notes",
]
RELATION_FIELDS = ["kinds", "services", "labels"]
FIELDS = SCALAR_FIELDS + RELATION_FIELDS

FIELD_LABELS = {
    "name": "nom",
    "status": "statut",
    "opening_date": "date d'ouverture",
    "address": "adresse",
    "postal_code": "code postal",
    "latitude": "latitude",
    "longitude": "longitude",
    "description": "présentation",
    "operator": "structure gestionnaire",
    "email": "e-mail",
    "phone": "téléphone",
    "website": "site web",
    "opening_hours": "horaires",
    "open_space_desks": "postes en espace partagé",
    "private_offices": "bureaux fermés",
    "private_office_seats": "postes en bureaux fermés",
    "meeting_rooms": "salles de réunion",
    "visio_rooms": "salles de visioconférence",
    "price_notes": "tarifs",
    "price_half_day": "prix de la demi-journée",
    "price_day": "prix de la journée",
    "price_month": "prix du mois",
    "wheelchair": "accessibilité PMR",
    "accessibility_notes": "précisions sur l'accessibilité",
    "kinds": "types",
    "services": "services",
    "labels": "labels",
}


def _json_value(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def place_snapshot(place: Place, *, relations: dict[str, list[str]] | None = None) -> dict:
    """`relations` (slugs per relation field), when the caller has them, saves three queries."""
    data = {name: _json_value(getattr(place, name)) for name in SCALAR_FIELDS if name != "operator"}
    data["operator"] = place.operator_id
    for name in RELATION_FIELDS:
        slugs = relations[name] if relations is not None else None
        if slugs is None:
            slugs = getattr(place, name).values_list("slug", flat=True)
        data[name] = sorted(slugs)
    return data


def changed_fields(before: dict | None, after: dict) -> list[str]:
    if before is None:
        return [name for name in FIELDS if after.get(name) not in (None, "", [], 0)]
    return [name for name in FIELDS if before.get(name) != after.get(name)]
