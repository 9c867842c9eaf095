"""What each column of a directory file means: our fields, and guesses from names and content.

Guesses are only a starting point that the user sees and can change on the import page; a saved
mapping (models.ImportMapping) wins over any guess.
"""

import re
from collections.abc import Callable

from maillage.places.opendata.repair import is_missing
from maillage.territory.search_names import fold_name

IGNORE = "ignorer"
EXTRA = "texte_libre"

# Target key → French label, in the order the import page lists them.
TARGETS: dict[str, str] = {
    IGNORE: "(ignorer cette colonne)",
    EXTRA: "garder en texte libre sur la fiche",
    "source_id": "identifiant dans la source",
    "origin": "source d'origine du lieu (structure qui a collecté la donnée)",
    "pivot": "SIRET / RNA de la structure (pivot)",
    "name": "nom du lieu",
    "kinds": "type de lieu",
    "typologie": "typologie (schéma national)",
    "status": "statut (ouvert, en projet, fermé)",
    "opening_date": "date d'ouverture",
    "address": "adresse",
    "address_extra": "complément d'adresse",
    "postal_code": "code postal",
    "city": "commune (nom)",
    "insee_code": "code INSEE de la commune",
    "latitude": "latitude",
    "longitude": "longitude",
    "phone": "téléphone",
    "email": "e-mail",
    "website": "site web",
    "opening_hours": "horaires",
    "description": "présentation",
    "description_short": "présentation courte",
    "services": "services",
    "publics": "publics accueillis",
    "access": "conditions et modalités d'accès",
    "labels": "labels et programmes",
    "structure": "structure gestionnaire (nom)",
    "open_space_desks": "postes en espace partagé",
    "private_offices": "bureaux fermés",
    "private_office_seats": "postes en bureaux fermés",
    "meeting_rooms": "salles de réunion",
    "visio_rooms": "salles de visioconférence",
    "price_notes": "tarifs (texte)",
    "price_half_day": "prix de la demi-journée",
    "price_day": "prix de la journée",
    "price_month": "prix du mois",
    "wheelchair": "accessibilité en fauteuil",
    "accessibility_notes": "précisions sur l'accessibilité",
    "source_date": "date de mise à jour dans la source",
}
MULTI_TARGETS = {"kinds", "typologie", "services", "publics", "access", "labels"}

# Column names seen in real files (our export, the national schema v0/v1, CGET 2019, France
# Tiers-Lieux 2023, OpenStreetMap tags, regional maps), folded with fold_name.
_NAMES: dict[str, tuple[str, ...]] = {
    "source_id": ("id", "identifiant", "id unique", "@id", "uuid", "ref", "code lieu"),
    "origin": ("source",),
    "pivot": ("pivot", "siret", "rna", "siren", "ridet"),
    "name": ("nom", "nom tl", "name", "nom du lieu", "libelle", "nom lieu", "raison sociale",
             "titre", "title", "denomination", "nom structure", "lieu"),
    "kinds": ("types", "type", "typo", "type de lieu", "categorie", "amenity", "office",
              "leisure", "nature"),
    "typologie": ("typologie",),
    "status": ("statut", "etat", "status"),
    "opening_date": ("date ouverture", "ouverture", "date de creation", "annee ouverture"),
    "address": ("adresse", "address", "adresse postale", "voie", "rue", "adresse 1",
                "addr street", "adresse complete", "numero et voie"),
    "address_extra": ("complement adresse", "complement d adresse", "adresse 2", "complement"),
    "postal_code": ("code postal", "cp", "codpost", "codepostal", "postcode", "addr postcode",
                    "zip", "code post"),
    "city": ("commune", "ville", "nomcom", "cominit", "city", "addr city", "localite",
             "nom commune", "libelle commune", "municipalite"),
    "insee_code": ("code insee", "insee", "inseecom", "codgeo", "code commune", "citycode",
                   "code insee commune", "com"),
    "latitude": ("latitude", "lat", "y", "@lat", "geo lat", "coord y", "wgs84 lat"),
    "longitude": ("longitude", "long", "lon", "lng", "x", "@lon", "geo lon", "coord x",
                  "wgs84 long"),
    "phone": ("telephone", "tel", "phone", "contact phone", "numero de telephone", "tel fixe"),
    "email": ("courriels", "courriel", "mail", "email", "e mail", "contact email", "adresse mail"),
    "website": ("site web", "web", "site", "website", "url", "internet", "contact website",
                "site internet"),
    "opening_hours": ("horaires", "opening hours", "horaires d ouverture", "heures d ouverture"),
    "description": ("presentation detail", "description", "presentation", "descriptif"),
    "description_short": ("presentation resume", "resume", "accroche"),
    "services": ("services", "equipements", "offre"),
    "publics": ("publics specifiquement adresses", "publics accueillis", "publics",
                "prise en charge specifique"),
    "access": ("modalites acces", "conditions acces", "modalites accompagnement",
               "frais a charge"),
    "labels": ("labels", "formations labels", "labels nationaux", "dispositif programmes nationaux",
               "labels autres", "autres formations labels", "label"),
    "structure": ("structure", "structure parente", "nom strc port", "operator", "gestionnaire",
                  "structure porteuse"),
    "open_space_desks": ("postes espace partage", "postes", "nombre de postes", "capacite",
                         "postes de travail"),
    "private_offices": ("bureaux fermes", "bureaux"),
    "private_office_seats": ("postes bureaux fermes",),
    "meeting_rooms": ("salles reunion", "salles de reunion"),
    "visio_rooms": ("salles visio",),
    "price_notes": ("tarifs", "tarif", "prix"),
    "price_half_day": ("prix demi journee", "tarif demi journee"),
    "price_day": ("prix journee", "tarif journee"),
    "price_month": ("prix mois", "tarif mois", "tarif mensuel"),
    "wheelchair": ("accessibilite fauteuil", "wheelchair", "pmr", "accessible pmr", "acces pmr",
                   "accessibilite pmr", "acces handicapes"),
    "accessibility_notes": ("accessibilite details", "accessibilite"),
    "source_date": ("date maj", "date de mise a jour", "mise a jour", "updated at", "maj",
                    "date modification", "last update", "date"),
    EXTRA: ("fiche acces libre", "prise rdv", "itinerance", "twitter", "facebook", "contact",
            "cle ban"),
    IGNORE: ("demo", "geocod", "precision", "metro", "nommetro", "inseereg", "nomreg", "inseemetro",
             "inseedep", "nomcommetro", "popcom", "comclass", "insee ze", "nom ze", "class ze",
             "pop ze", "osm", "@type", "code insee region", "region", "departement", "dep"),
}  # fmt: skip
_BY_NAME = {name: target for target, names in _NAMES.items() for name in names}

_POSTAL = re.compile(r"^\d{4,5}(\s*cedex(\s*\d+)?)?$", re.IGNORECASE)
_INSEE = re.compile(r"^(\d{4,5}|2[AB]\d{3})$", re.IGNORECASE)
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
_URL = re.compile(r"^(https?://|www\.)\S+|^\S+\.(fr|com|org|net|eu|bzh|coop|io)(/\S*)?$", re.I)
_PHONE = re.compile(r"^(\+|00)?[\d .()-]{9,20}$")
_HOURS = re.compile(r"\b(mo|tu|we|th|fr|sa|su|lun|mar|mer|jeu|ven|sam|dim)\w*\b.*\d", re.I)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_DATE = re.compile(r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})")
_STREET = re.compile(
    r"\b(rue|avenue|av|bd|boulevard|place|chemin|route|allee|impasse|quai|cours|zi|za|lieu dit)\b"
)


def target_for_name(column: str) -> str | None:
    folded = fold_name(column.replace("@", " @").replace(":", " "))
    return _BY_NAME.get(folded) or _BY_NAME.get(fold_name(column))


def _share(values: list[str], pattern: re.Pattern) -> float:
    return sum(1 for v in values if pattern.search(v)) / len(values) if values else 0.0


def _floats(values: list[str]) -> list[float]:
    out = []
    for value in values:
        if _NUMBER.match(value):
            out.append(float(value.replace(",", ".")))
    return out


def _content_guess(values: list[str], taken: set[str]) -> str | None:
    """The field a column's sample values look like, among those not already taken."""
    # "0" also stands for « unknown » in code columns (CGET's CP and INSEECOM).
    values = [v for v in values if not is_missing(v) and v.strip() != "0"]
    if not values:
        return None
    folded = [fold_name(v) for v in values]
    numbers = _floats(values)
    checks: list[tuple[str, bool]] = [
        ("source_id", _share(values, _UUID) > 0.8),
        ("email", _share(values, _EMAIL) > 0.7),
        ("website", _share(values, _URL) > 0.7),
        ("opening_hours", _share(values, _HOURS) > 0.6 and _share(values, _URL) < 0.2),
        ("postal_code", _share(values, _POSTAL) > 0.8),
        ("insee_code", _share(values, _INSEE) > 0.8),
        ("phone", _share(values, _PHONE) > 0.8 and len(numbers) < len(values) * 0.5),
        ("source_date", _share(values, _DATE) > 0.8),
        (
            "latitude",
            len(numbers) > 0.8 * len(values)
            and all(40 < n < 52 for n in numbers)
            and any("." in v or "," in v for v in values),
        ),
        (
            "longitude",
            len(numbers) > 0.8 * len(values)
            and all(-6 < n < 10 for n in numbers)
            and any("." in v or "," in v for v in values),
        ),
        ("address", sum(1 for f in folded if _STREET.search(f)) > 0.5 * len(values)),
    ]
    for target, matched in checks:
        if matched and target not in taken:
            return target
    return None


def guess_mapping(
    keys: list[str],
    rows: list[list[str]],
    *,
    has_header: bool,
    is_commune: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Column key → target. Names first, then content for what names did not place;
    `is_commune` (a gazetteer lookup) recognises a column of commune names."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    if has_header:
        for key in keys:
            target = target_for_name(key)
            if target and (target not in taken or target in (EXTRA, IGNORE, *MULTI_TARGETS)):
                mapping[key] = target
                taken.add(target)
    sample = rows[:200]
    for index, key in enumerate(keys):
        if key in mapping:
            continue
        target = _content_guess([row[index] for row in sample if index < len(row)], taken)
        if target:
            mapping[key] = target
            taken.add(target)
    if is_commune is not None and "city" not in taken:
        for index, key in enumerate(keys):
            values = [row[index] for row in sample if index < len(row) and row[index].strip()]
            named = sum(1 for value in values if is_commune(value))
            if key not in mapping and values and not _floats(values) and named > 0.6 * len(values):
                mapping[key] = "city"
                taken.add("city")
                break
    if "name" not in taken:
        # The first column of mostly distinct, non-numeric text is the name.
        for index, key in enumerate(keys):
            values = [row[index] for row in sample if row[index].strip()]
            if (
                key not in mapping
                and values
                and not _floats(values)
                and len(set(values)) > 0.8 * len(values)
            ):
                mapping[key] = "name"
                break
    for key in keys:
        mapping.setdefault(key, EXTRA if has_header else IGNORE)
    return mapping


def looks_like_header(first: list[str], following: list[list[str]]) -> bool:
    """A first row is a header when it names known columns, or when it holds no value shaped like
    data while the rows after it do (numbers, codes, e-mails in the same positions)."""
    if sum(1 for cell in first if cell and target_for_name(cell)) >= 2:
        return True
    if not following:
        return bool(first) and not any(_NUMBER.match(cell) for cell in first)
    for index, cell in enumerate(first):
        below = [row[index] for row in following if index < len(row) and row[index]]
        if not below:
            continue
        shaped = (_NUMBER, _EMAIL, _URL)
        for pattern in shaped:
            if _share(below, pattern) > 0.8 and not pattern.search(cell):
                return True
            if pattern.search(cell):
                return False
    return False


def mapping_errors(mapping: dict[str, str], keys: list[str]) -> list[str]:
    """What makes a mapping unusable, in French; empty when it can be tried."""
    errors = []
    unknown = sorted({target for target in mapping.values() if target not in TARGETS})
    if unknown:
        errors.append(f"Champs inconnus dans la correspondance : {', '.join(unknown)}.")
    used = [target for key, target in mapping.items() if key in keys]
    if "name" not in used:
        errors.append("Choisissez la colonne qui donne le nom du lieu.")
    has_position = {"latitude", "longitude"} <= set(used)
    if not has_position and not ({"postal_code", "city", "insee_code"} & set(used)):
        errors.append(
            "Il faut soit la latitude et la longitude, soit de quoi trouver la commune "
            "(code postal, nom de commune ou code INSEE)."
        )
    for target in set(used) - {IGNORE, EXTRA} - MULTI_TARGETS:
        columns = [key for key, value in mapping.items() if value == target and key in keys]
        if len(columns) > 1:
            errors.append(
                f"« {TARGETS[target]} » est choisi pour plusieurs colonnes : {', '.join(columns)}."
            )
    return errors
