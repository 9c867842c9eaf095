"""One validation of a place's data for every way in: web forms, API, proposals, imports.

Input is snapshot-shaped (see snapshots.py) with raw values; output is typed values plus the commune
found at the coordinates. Errors are collected per field, in French, all at once.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from maillage.places import opening_hours
from maillage.places.models import Kind, Label, Organisation, Place, Service
from maillage.places.snapshots import SCALAR_FIELDS
from maillage.territory.models import Commune
from maillage.territory.selectors import commune_at_point

_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,19}$")
MAX_DESCRIPTION = 5000
# A place opened (or opens) between 1800 and 2100; 9999-12-31 is a slip, not a project.
OPENING_DATE_RANGE = "Date d'ouverture entre 1800 et 2100 attendue."
_CAPACITY_FIELDS = (
    "open_space_desks",
    "private_offices",
    "private_office_seats",
    "meeting_rooms",
    "visio_rooms",
)


@cache
def _fields() -> dict[str, forms.Field]:
    """Built once: form fields keep no state between `clean` calls, and imports validate
    thousands of places."""
    price = {"required": False, "min_value": Decimal(0), "max_digits": 8, "decimal_places": 2}
    count = {"required": False, "min_value": 0, "max_value": 100_000}
    return {
        "name": forms.CharField(max_length=200),
        "status": forms.ChoiceField(choices=Place.Status.choices),
        "opening_date": forms.DateField(
            required=False,
            validators=[
                MinValueValidator(date(1800, 1, 1), message=OPENING_DATE_RANGE),
                MaxValueValidator(date(2100, 12, 31), message=OPENING_DATE_RANGE),
            ],
        ),
        "address": forms.CharField(max_length=250, required=False),
        "postal_code": forms.RegexField(
            r"^[0-9]{5}$", required=False, error_messages={"invalid": "5 chiffres attendus."}
        ),
        "latitude": forms.FloatField(min_value=-90, max_value=90),
        "longitude": forms.FloatField(min_value=-180, max_value=180),
        "description": forms.CharField(max_length=MAX_DESCRIPTION, required=False, strip=True),
        "email": forms.EmailField(required=False),
        "phone": forms.RegexField(
            _PHONE, required=False, error_messages={"invalid": "Numéro de téléphone invalide."}
        ),
        "website": forms.URLField(required=False, assume_scheme="https"),
        "opening_hours": forms.CharField(max_length=500, required=False),
        "open_space_desks": forms.IntegerField(**count),
        "private_offices": forms.IntegerField(**count),
        "private_office_seats": forms.IntegerField(**count),
        "meeting_rooms": forms.IntegerField(**count),
        "visio_rooms": forms.IntegerField(**count),
        "price_notes": forms.CharField(max_length=2000, required=False),
        "price_half_day": forms.DecimalField(**price),
        "price_day": forms.DecimalField(**price),
        "price_month": forms.DecimalField(**price),
        "wheelchair": forms.ChoiceField(choices=Place.Wheelchair.choices, required=False),
        "accessibility_notes": forms.CharField(max_length=2000, required=False),
    }


@dataclass
class CleanPlace:
    values: dict  # typed scalar values, ready for the model (operator as an Organisation or None)
    kinds: list[Kind]
    services: list[Service]
    labels: list[Label]
    commune: Commune


Catalogue = dict[str, dict[str, Kind | Service | Label]]  # "kinds" → slug → active entry


def catalogue_load() -> Catalogue:
    """The active catalogue, once, for callers that validate many places (imports)."""
    return {
        name: {entry.slug: entry for entry in model.objects.filter(is_active=True)}
        for name, model in (("kinds", Kind), ("services", Service), ("labels", Label))
    }


def place_clean(
    data: dict,
    *,
    allowed_operator_ids: set[int] | None = None,
    commune: Commune | None = None,
    catalogue: Catalogue | None = None,
) -> CleanPlace:
    """Validate a snapshot-shaped dict. `allowed_operator_ids` None means any organisation.

    Imports pass the `commune` they already placed (a point a few hundred metres outside the
    commune a file names, or a CEDEX postal code, are their decisions, reported there) and the
    `catalogue` loaded once."""
    errors: dict[str, list[str]] = {}
    values: dict = {}
    data = {**data, "status": data.get("status") or Place.Status.OPEN}
    for name, field in _fields().items():
        raw = data.get(name)
        if raw is None and not field.required:
            raw = ""
        try:
            values[name] = field.clean(raw)
        except ValidationError as error:
            errors[name] = list(error.messages)
    for name in _CAPACITY_FIELDS:  # an empty capacity means none
        if name in values and values[name] is None:
            values[name] = 0

    if values.get("opening_hours"):
        try:
            values["opening_hours"] = opening_hours.validate(values["opening_hours"])
        except opening_hours.OpeningHoursError as error:
            errors["opening_hours"] = [str(error)]

    values["operator"] = None
    operator_id = data.get("operator")
    if operator_id not in (None, ""):
        organisation = Organisation.objects.filter(pk=operator_id).first()
        if organisation is None:
            errors["operator"] = ["Structure inconnue."]
        elif allowed_operator_ids is not None and organisation.pk not in allowed_operator_ids:
            errors["operator"] = ["Vous ne pouvez rattacher un lieu qu'à vos propres structures."]
        else:
            values["operator"] = organisation

    related = {}
    for name, model, required in (
        ("kinds", Kind, True),
        ("services", Service, False),
        ("labels", Label, False),
    ):
        slugs = data.get(name) or []
        if isinstance(slugs, str):
            slugs = [s.strip() for s in re.split(r"[|;,]", slugs) if s.strip()]
        if catalogue is not None:
            found = [
                catalogue[name][slug] for slug in dict.fromkeys(slugs) if slug in catalogue[name]
            ]
        else:
            found = list(model.objects.filter(slug__in=slugs, is_active=True))
        unknown = sorted(set(slugs) - {entry.slug for entry in found})
        if unknown:
            errors[name] = [f"Valeur inconnue : {', '.join(unknown)}."]
        elif required and not found:
            errors[name] = ["Choisissez au moins un type de lieu."]
        related[name] = found

    if commune is None and "latitude" in values and "longitude" in values:
        commune = commune_at_point(latitude=values["latitude"], longitude=values["longitude"])
        if commune is None:
            errors["latitude"] = [
                "Ces coordonnées ne tombent dans aucune commune du territoire chargé "
                "(en mer, hors de France, ou latitude et longitude inversées ?)."
            ]
        elif values.get("postal_code"):
            codes = set(commune.postal_codes.values_list("code", flat=True))
            if codes and values["postal_code"] not in codes:
                errors["postal_code"] = [
                    f"Le code postal {values['postal_code']} ne correspond pas à la commune située "
                    f"à ces coordonnées ({commune.name} : {', '.join(sorted(codes))})."
                ]
    if errors:
        raise ValidationError(errors)
    return CleanPlace(
        values={name: values[name] for name in SCALAR_FIELDS},
        commune=commune,
        **related,
    )
