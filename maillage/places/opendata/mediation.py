"""The directory in the national schema « Lieux de médiation numérique » (v1.0.1 and v1.0.2).

One row per place, the schema's 32 columns, `|` between multiple values. The schema's closed
vocabularies are read from its own files (`schemas/`, the patterns of each field), so a value
goes out only if both versions accept it. A place that cannot fill a required field is left out
of the file with a French reason (the schema has no value for « unknown »; for `pivot` we follow
the national cartography's fourteen zeros, with a warning);
a value that cannot be converted (a phone number) is dropped from its row with a warning.
Documented in docs/opendata-lieux.md.
"""

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from maillage.places.models import Place
from maillage.places.opendata.repair import RepairError, phone_e164

SCHEMA_DIR = Path(__file__).with_name("schemas")
SCHEMA_FILES = ("schema-v1.0.1.json", "schema-v1.0.2-main.json")
SUMMARY_MAX = 280  # `presentation_resume`

COLUMNS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
    "latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires",
    "presentation_resume", "presentation_detail", "source", "itinerance", "structure_parente",
    "date_maj", "services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
    "frais_a_charge", "dispositif_programmes_nationaux", "formations_labels",
    "autres_formations_labels", "modalites_acces", "modalites_accompagnement",
    "fiche_acces_libre", "prise_rdv",
]  # fmt: skip

# Our catalogue → the schema's values, where the meaning is the same.
SERVICES = {
    "mediation-numerique": ["Maîtrise des outils numériques du quotidien"],
    "tres-haut-debit": ["Accès internet et matériel informatique"],
    "impression": ["Accès internet et matériel informatique"],
    "imprimante-3d": ["Loisirs et créations numériques"],
}
LABELS = {
    "france-services": ("dispositif_programmes_nationaux", "France Services"),
    "fabrique-de-territoire": ("formations_labels", "Fabriques de Territoire"),
    "fabrique-numerique": ("formations_labels", "Fabriques de Territoire"),
}
# Columns a source may have given us that we keep in `source_extra` and have no field for:
# a key naming the column (its name or French title) sends its values back out.
EXTRA_COLUMNS = (
    "complement_adresse", "typologie", "itinerance", "structure_parente",
    "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
    "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv", "services",
)  # fmt: skip
REQUIRED = "champ obligatoire du schéma national"


@dataclass
class MediationRows:
    rows: list[dict[str, str | float]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # one French sentence per place
    warnings: list[str] = field(default_factory=list)  # values dropped from a kept row


@functools.cache
def schema_descriptors() -> tuple[dict, ...]:
    """The schema files as published (both versions), for the vocabularies and for validators."""
    return tuple(
        json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) for name in SCHEMA_FILES
    )


@functools.cache
def _patterns() -> dict[str, list[re.Pattern]]:
    patterns: dict[str, list[re.Pattern]] = {}
    for descriptor in schema_descriptors():
        for column in descriptor["fields"]:
            pattern = column.get("constraints", {}).get("pattern")
            if pattern:
                patterns.setdefault(column["name"], []).append(re.compile(pattern))
    return patterns


@functools.cache
def _titles() -> dict[str, str]:
    """Folded column name or French title → column name."""
    titles = {}
    for column in schema_descriptors()[0]["fields"]:
        titles[_fold(column["name"])] = column["name"]
        titles[_fold(column.get("title", column["name"]))] = column["name"]
    return titles


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").casefold().split())


def accepts(column: str, value: str) -> bool:
    """Whether every version of the schema accepts this one value in this column."""
    return all(pattern.fullmatch(value) for pattern in _patterns().get(column, []))


def typologie(place: Place) -> list[str]:
    """data.inclusion structure types: every place is a tiers-lieu, some are also a fablab."""
    kinds = {kind.slug for kind in place.kinds.all()}
    return ["TIERS_LIEUX"] + (["FABLAB"] if "fablab" in kinds else [])


def summary(text: str, limit: int = SUMMARY_MAX) -> str:
    """One paragraph of at most `limit` characters, cut between words and ended by « … »."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and cut[-1].isalnum() and text[limit - 1].isalnum():  # inside a word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _postal_code(place: Place) -> str:
    if place.postal_code:
        return place.postal_code
    codes = {postal.code for postal in place.commune.postal_codes.all()}
    return codes.pop() if len(codes) == 1 else ""


def _extra(place: Place) -> dict[str, list[str]]:
    """Schema values kept in `source_extra`: by the key (a column's name or title) or, for the
    closed vocabularies, by the value itself wherever it was kept."""
    found: dict[str, list[str]] = {}
    closed = [name for name in EXTRA_COLUMNS if name in _patterns()]
    for key, values in (place.source_extra or {}).items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            continue
        named = _titles().get(_fold(str(key)))
        for value in values:
            for part in str(value).split("|"):
                part = part.strip()
                if not part:
                    continue
                if named in EXTRA_COLUMNS and accepts(named, part):
                    found.setdefault(named, []).append(part)
                    continue
                for column in closed:
                    if accepts(column, part):
                        found.setdefault(column, []).append(part)
                        break
    return found


def _join(values: Iterable[str]) -> str:
    return "|".join(dict.fromkeys(value for value in values if value))


def _described(place: Place) -> str:
    return f"« {place.name} » (id {place.public_id})"


# The `source` of a place created on the platform itself (imported places keep theirs).
PLATFORM_SOURCE = "maillage"

# The schema requires `pivot` and gives no value for « unknown »; the national cartography of
# médiation places (data.inclusion, cartographie nationale) writes fourteen zeros for a SIRET not
# yet known, which the schema's pattern accepts. We follow it and say so in a warning.
UNKNOWN_PIVOT = "00000000000000"


def _pivot(place: Place, warnings: list[str]) -> str:
    pivot = place.pivot or (place.operator.siret if place.operator_id else "")
    if not pivot:
        warnings.append(
            f"ni SIRET ni RNA connu : pivot « {UNKNOWN_PIVOT} » (convention de la cartographie "
            "nationale pour un SIRET à trouver)"
        )
    return pivot or UNKNOWN_PIVOT


def _missing(place: Place, row: dict) -> list[str]:
    if place.is_demo:
        return ["lieu de démonstration"]
    if place.status == Place.Status.PROJECT:
        return ["lieu en projet, pas encore ouvert au public"]
    if place.status == Place.Status.CLOSED:
        return ["lieu fermé"]
    reasons = []
    if not row["adresse"]:
        reasons.append(f"adresse manquante ({REQUIRED})")
    if not row["code_postal"]:
        reasons.append(
            "code postal manquant, et la commune n'en a pas un seul qui le remplacerait "
            f"({REQUIRED})"
        )
    return reasons


def mediation_row(place: Place) -> tuple[dict[str, str | float], list[str]]:
    """The place's row and the warnings about values left out of it."""
    warnings = []
    extra = _extra(place)
    phone = ""
    if place.phone:
        try:
            repaired = phone_e164(place.phone)
        except RepairError as error:
            reason = str(error).removeprefix("téléphone : ")
            warnings.append(f"téléphone « {place.phone} » non repris ({reason})")
        else:
            phone = repaired.value
            if not accepts("telephone", phone):
                warnings.append(
                    f"téléphone « {place.phone} » non repris (indicatif hors du schéma national)"
                )
                phone = ""
            elif repaired.note:
                warnings.append(f"téléphone « {place.phone} » : {repaired.note}")
    # Our « médiation numérique » stands for any national service: when the source's own national
    # services are known, they say it better (and a round trip gives the same file back).
    generic = {"mediation-numerique"} if extra.get("services") else set()
    services = [
        value
        for s in place.services.all()
        if s.slug not in generic
        for value in SERVICES.get(s.slug, [])
    ]
    labels: dict[str, list[str]] = {}
    for label in place.labels.all():
        if label.slug in LABELS:
            column, value = LABELS[label.slug]
            labels.setdefault(column, []).append(value)
    prices = [
        p for p in (place.price_half_day, place.price_day, place.price_month) if p is not None
    ]
    fees = ["Payant"] if any(prices) else (["Gratuit"] if prices else [])
    row: dict[str, str | float] = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "id": str(place.public_id),
            "pivot": _pivot(place, warnings),
            "nom": place.name,
            "commune": place.commune.name,
            "code_postal": _postal_code(place),
            "code_insee": place.commune.code,
            "adresse": place.address.strip(),
            "latitude": place.latitude,
            "longitude": place.longitude,
            "typologie": _join(typologie(place) + extra.get("typologie", [])),
            "telephone": phone,
            "courriels": place.email,
            "site_web": place.website,
            "horaires": place.opening_hours,
            "presentation_resume": summary(place.description),
            "presentation_detail": place.description,
            "source": place.source or PLATFORM_SOURCE,
            "structure_parente": place.operator.name if place.operator_id else "",
            "date_maj": timezone.localdate(place.updated_at).isoformat(),
            "services": _join(services + extra.get("services", [])),
            "frais_a_charge": _join(fees + extra.get("frais_a_charge", [])),
            "dispositif_programmes_nationaux": _join(
                labels.get("dispositif_programmes_nationaux", [])
                + extra.get("dispositif_programmes_nationaux", [])
            ),
            "formations_labels": _join(
                labels.get("formations_labels", []) + extra.get("formations_labels", [])
            ),
        }
    )
    for column in EXTRA_COLUMNS:
        if not row[column]:
            row[column] = _join(extra.get(column, []))
    # The regional label is not in the schema's closed list `formations_labels`; its free field
    # `autres_formations_labels` takes it (the label in force on the export's day, when known).
    regional = getattr(place, "label_scheme", None)
    if regional:
        others = [v for v in row["autres_formations_labels"].split("|") if v and v != regional]
        row["autres_formations_labels"] = _join([regional, *others])
    return row, warnings


def mediation_rows(places: Iterable[Place]) -> MediationRows:
    """Rows of the places that fill the schema's required fields; reasons for the others."""
    result = MediationRows()
    for place in places:
        row, warnings = mediation_row(place)
        reasons = _missing(place, row)
        if reasons:
            result.left_out.append(f"{_described(place)} : laissé de côté, " + " ; ".join(reasons))
            continue
        result.rows.append(row)
        result.warnings += [f"{_described(place)} : {warning}" for warning in warnings]
    return result
