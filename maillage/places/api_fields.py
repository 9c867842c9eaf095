"""French API field names ↔ snapshot field names: the API speaks French like the open data."""

API_TO_SNAPSHOT = {
    "nom": "name",
    "types": "kinds",
    "statut": "status",
    "date_ouverture": "opening_date",
    "adresse": "address",
    "code_postal": "postal_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "presentation": "description",
    "structure": "operator",
    "courriel": "email",
    "telephone": "phone",
    "site_web": "website",
    "horaires": "opening_hours",
    "postes_espace_partage": "open_space_desks",
    "bureaux_fermes": "private_offices",
    "postes_bureaux_fermes": "private_office_seats",
    "salles_reunion": "meeting_rooms",
    "salles_visio": "visio_rooms",
    "services": "services",
    "labels": "labels",
    "tarifs": "price_notes",
    "prix_demi_journee": "price_half_day",
    "prix_journee": "price_day",
    "prix_mois": "price_month",
    "accessibilite_fauteuil": "wheelchair",
    "accessibilite_details": "accessibility_notes",
}
SNAPSHOT_TO_API = {value: key for key, value in API_TO_SNAPSHOT.items()}


def snapshot_from_api(payload: dict) -> dict:
    data = {}
    for api_name, value in payload.items():
        if api_name in API_TO_SNAPSHOT:
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif value is not None and not isinstance(value, (str, int, float, list)):
                value = str(value)
            data[API_TO_SNAPSHOT[api_name]] = value
    return data


def errors_to_api(message_dict: dict[str, list[str]]) -> list[dict]:
    return [
        {"champ": SNAPSHOT_TO_API.get(name, name), "message": " ".join(messages)}
        for name, messages in message_dict.items()
    ]
