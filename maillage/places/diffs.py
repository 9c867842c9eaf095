"""Readable differences between two snapshots of a place, for moderation and history.

Both pages show the same rows: French labels, names instead of slugs and ids, hours in words,
relations compared as sets (a different order is no change), numbers compared as numbers
(« 12.5 » and « 12.50 » are the same price), an empty capacity equal to zero (as place_clean
saves it).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format

from maillage.places import opening_hours
from maillage.places.models import Kind, Label, Organisation, Place, Service
from maillage.places.snapshots import FIELD_LABELS, FIELDS, RELATION_FIELDS

_NUMBER_FIELDS = ("latitude", "longitude", "price_half_day", "price_day", "price_month")
_PRICE_FIELDS = ("price_half_day", "price_day", "price_month")
_CAPACITY_FIELDS = (
    "open_space_desks",
    "private_offices",
    "private_office_seats",
    "meeting_rooms",
    "visio_rooms",
)
_CHOICES = {"status": dict(Place.Status.choices), "wheelchair": dict(Place.Wheelchair.choices)}


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str  # « Services »
    before: str  # readable text, "" when empty
    after: str


@dataclass(frozen=True)
class DiffNames:
    """Names for the slugs and ids found in snapshots: loaded once per page."""

    relations: dict[str, dict[str, str]]  # "services" → slug → name
    operators: dict[int, str]


def field_label(name: str) -> str:
    """The French label of a snapshot field with a capital (« Accessibilité PMR », which
    str.capitalize would lower to « pmr »)."""
    label = FIELD_LABELS[name]
    return label[:1].upper() + label[1:]


def diff_names_load(snapshots: Iterable[dict]) -> DiffNames:
    """Four queries whatever the number of snapshots (the catalogue is small, inactive entries
    included: an old version may name a retired service)."""
    operator_ids = {s.get("operator") for s in snapshots} - {None, ""}
    return DiffNames(
        relations={
            name: dict(model.objects.values_list("slug", "name"))
            for name, model in (("kinds", Kind), ("services", Service), ("labels", Label))
        },
        operators=dict(
            Organisation.objects.filter(
                pk__in=[i for i in operator_ids if str(i).isdigit()]
            ).values_list("pk", "name")
        ),
    )


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _hours_key(value) -> str:
    try:
        return opening_hours.validate(value or "")
    except opening_hours.OpeningHoursError:
        return (value or "").strip()


def _comparable(name: str, value):
    """The value as it should be compared: equal keys mean no change."""
    if name in RELATION_FIELDS:
        return frozenset(value or [])
    if name in _NUMBER_FIELDS:
        number = _number(value)
        return number if number is not None else (value or None)
    if name in _CAPACITY_FIELDS:
        return int(value or 0) if str(value or 0).isdigit() else value
    if name == "opening_hours":
        return _hours_key(value)
    if name == "operator":
        return int(value) if str(value or "").isdigit() else None
    return value if value not in (None, "") else None


def _decimal_fr(value) -> str:
    return str(value).replace(".", ",")


def _readable(name: str, value, names: DiffNames) -> str:
    if value in (None, "", []):
        return ""
    if name in RELATION_FIELDS:
        known = names.relations.get(name, {})
        return ", ".join(sorted((known.get(slug, slug) for slug in value), key=str.casefold))
    if name == "operator":
        key = int(value) if str(value).isdigit() else value
        return names.operators.get(key, f"structure n° {value}")
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))
    if name == "opening_hours":
        return " ; ".join(opening_hours.describe_fr(value))
    if name == "opening_date":
        try:
            return date_format(date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    if name in _PRICE_FIELDS:
        number = _number(value)
        return f"{_decimal_fr(f'{number:.2f}')} €" if number is not None else str(value)
    if name in ("latitude", "longitude"):
        return _decimal_fr(value)
    return str(value)


def snapshot_diff(before: dict | None, after: dict, *, names: DiffNames) -> list[DiffRow]:
    """Rows for the fields that differ, in form order; `before` None is a new place (its filled
    fields only)."""
    rows = []
    for name in FIELDS:
        new = after.get(name)
        if before is None:
            if _comparable(name, new) in (None, frozenset(), 0, ""):
                continue
            old = None
        else:
            old = before.get(name)
            if _comparable(name, old) == _comparable(name, new):
                continue
        rows.append(
            DiffRow(
                field=name,
                label=field_label(name),
                before=_readable(name, old, names),
                after=_readable(name, new, names),
            )
        )
    return rows
