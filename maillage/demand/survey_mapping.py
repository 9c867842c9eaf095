"""Survey answers → demand fields: guess the columns from their headers, read each cell the way
survey tools and spreadsheets write it (« 2 jours », « 3j/sem », « Oui, certainement »,
« Voiture (conducteur) », « #N/D », a postcode that lost its leading zero) and say what was
repaired or why a row is left out.

A cell is read into a value and, when it was not taken as written, a `Note` (the repair made or
why the value was dropped); only the commune is required per row.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from maillage.demand.models import CommuteMode, Need, Willingness
from maillage.territory.selectors import commune_resolve

# Field key → (French label, required).
FIELDS: dict[str, tuple[str, bool]] = {
    "commune": ("Commune de résidence (nom, code postal ou code INSEE)", True),
    "jours": ("Jours par semaine dans un lieu", False),
    "besoins": ("Besoins (poste, bureau, salle, atelier)", False),
    "mode": ("Mode de déplacement actuel", False),
    "km": ("Trajet actuel (km, aller)", False),
    "minutes": ("Trajet actuel (minutes, aller)", False),
    "volonte": ("Prêt à utiliser un lieu (oui, peut-être, non)", False),
}

# Header patterns (on folded text: lower case, no accents), first match wins, one column per field.
_HEADER_PATTERNS: dict[str, tuple[str, str | None]] = {
    # (pattern, excluded)
    "commune": (
        r"commune|ville|code postal|\bcp\b|insee|habitez|residence|domicile|localite",
        r"travail|travaillez|employeur|jours?\b|km|minutes|distance|temps",
    ),
    "jours": (r"jours?\b|frequence|combien de (jours|fois)|j ?/ ?sem", r"km|minutes"),
    "besoins": (r"besoin|type d.espace|quel(s)? espace|equipement|service", None),
    "mode": (
        r"mode|moyen de (transport|deplacement)|comment (vous )?(vous )?rendez|vehicule",
        r"km|minutes|temps|duree|distance",
    ),
    "km": (r"\bkm\b|kilometre|distance", None),
    "minutes": (r"minutes?|\bmin\b|temps|duree", r"jours?\b|plein temps|temps partiel"),
    "volonte": (
        r"pret|seriez|utiliseriez|interesse|frequenter|envisag|souhait|volont",
        r"km|minutes",
    ),
}

_MISSING = {"", "#n/d", "#n/a", "n/a", "na", "nd", "-", "--", "?", "non renseigne", "(vide)", "."}
_WORD_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_RANGE = re.compile(r"(\d+)\s*(?:-|a|ou|/)\s*(\d+)\s*(?:j|jours?)?\b")
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")
_LOST_ZERO = re.compile(r"^\d{4}$")
_HOURS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*h(?:eures?)?\s*(\d+)?\s*(?:min)?")


@dataclass(frozen=True)
class Note:
    column: str
    reason: str
    repair: str = ""


@dataclass
class ParsedRow:
    values: dict = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    error: Note | None = None


def folded(text: str) -> str:
    """Lower case, accents and apostrophes' variants removed, spaces squeezed."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'")).encode("ascii", "ignore")
    return " ".join(text.decode().lower().split())


def guess_mapping(columns: Sequence[str]) -> dict[str, int | None]:
    """The column index each field most likely comes from, by its header (None: not found)."""
    taken: set[int] = set()
    mapping: dict[str, int | None] = {}
    for key, (pattern, excluded) in _HEADER_PATTERNS.items():
        mapping[key] = None
        for index, column in enumerate(columns):
            text = folded(column)
            if index in taken or not re.search(pattern, text):
                continue
            if excluded and re.search(excluded, text):
                continue
            mapping[key] = index
            taken.add(index)
            break
    return mapping


def header_score(cells: Sequence[str]) -> int:
    """How many fields a row's cells would name, to find the header among the first rows."""
    return sum(value is not None for value in guess_mapping(cells).values())


def _missing(text: str) -> bool:
    return folded(text) in _MISSING


def _number(text: str) -> float | None:
    text = _THOUSANDS.sub("", text)  # « 1 200 »: a French thousands separator
    match = _NUMBER.search(text)
    return float(match.group().replace(",", ".")) if match else None


def read_days(text: str, column: str) -> tuple[int | None, Note | None]:
    words = folded(text)
    if "tous les jours" in words or "temps plein" in words:
        return 5, Note(column, f"« {text} »", "lu 5 jours (semaine de travail)")
    ranged = _RANGE.search(words)
    value = _number(words)
    if value is None:
        for word, number in _WORD_NUMBERS.items():
            if re.search(rf"\b{word}\b", words):
                value = float(number)
                break
    if value is None:
        return None, Note(column, f"« {text} » n'est pas un nombre de jours", "ignoré")
    if value > 31:  # not even per month (and never an overflow on a 400-digit cell)
        return None, Note(column, f"« {text} » : trop de jours", "ignoré")
    note = None
    if ranged:
        note = Note(column, f"fourchette « {text} »", f"{int(value)} retenu (le bas)")
    if "mois" in words:
        monthly = value
        value = max(1.0, round(value / 4.33))
        note = Note(
            column, f"« {text} » (par mois)", f"{monthly:g} par mois lu {value:g} par semaine"
        )
    days = int(value + 0.5)
    if days != value and note is None:
        note = Note(column, f"« {text} »", f"arrondi à {max(days, 1)}")
    days = max(days, 1) if value > 0 else 0
    if days == 0:
        return None, Note(column, f"« {text} » : aucun jour", "laissé vide")
    if days > 7:
        return None, Note(column, f"« {text} » : plus de 7 jours par semaine", "ignoré")
    return days, note


_NEED_PATTERNS = (
    (Need.FABLAB, r"fab ?lab|atelier|machine|impression 3d|makerspace"),
    (Need.ROOM, r"salle|reunion"),
    (Need.OFFICE, r"bureau(x)? (ferme|prive|privatif|individuel|independant)|bureau(x)?$"),
    (Need.DESK, r"poste|coworking|open ?space|partage|espace de travail"),
)


def read_needs(text: str, column: str) -> tuple[list[str], Note | None]:
    found = []
    for part in re.split(r"[,;|/\n]| et ", folded(text)):
        part = part.strip()
        if not part:
            continue
        for need, pattern in _NEED_PATTERNS:
            if re.search(pattern, part):
                if need.value not in found:
                    found.append(need.value)
                break
    if not found:
        return [], Note(column, f"besoin non reconnu « {text} »", "ignoré")
    return found, None


_MODE_PATTERNS = (
    (CommuteMode.CAR, r"voiture|auto\b|automobile|covoiturage|vehicule"),
    (CommuteMode.TRANSIT, r"train|\bter\b|\bbus\b|\bcar\b|tram|metro|\brer\b|transport"),
    (CommuteMode.ACTIVE, r"velo|marche|a pied|trottinette"),
    (CommuteMode.OTHER, r"moto|scooter|deux.roues|autre"),
)


def read_mode(text: str, column: str) -> tuple[str, Note | None]:
    words = folded(text)
    hits = []
    for mode, pattern in _MODE_PATTERNS:
        match = re.search(pattern, words)
        if match:
            hits.append((match.start(), mode.value))
    if not hits:
        return CommuteMode.OTHER.value, Note(column, f"mode non reconnu « {text} »", "lu « autre »")
    hits.sort()
    note = None
    if len({mode for _, mode in hits}) > 1:
        note = Note(column, f"plusieurs modes « {text} »", f"le premier cité retenu ({hits[0][1]})")
    return hits[0][1], note


def read_km(text: str, column: str) -> tuple[int | None, Note | None]:
    value = _number(folded(text))
    if value is None:
        return None, Note(column, f"« {text} » n'est pas une distance", "ignoré")
    if value > 1000:
        return None, Note(column, f"{text} : plus de 1 000 km", "ignoré")
    km = int(value + 0.5)
    return km, Note(column, f"« {text} »", f"arrondi à {km} km") if km != value else None


def read_minutes(text: str, column: str) -> tuple[int | None, Note | None]:
    words = folded(text)
    hours = _HOURS.match(words)
    if hours:
        value = float(hours.group(1).replace(",", ".")) * 60 + int(hours.group(2) or 0)
    else:
        value = _number(words)
    if value is None:
        return None, Note(column, f"« {text} » n'est pas une durée", "ignoré")
    if value > 600:
        return None, Note(column, f"{text} : plus de 10 heures", "ignoré")
    minutes = int(value + 0.5)
    note = Note(column, f"« {text} »", f"lu {minutes} minutes") if hours else None
    return minutes, note


def read_willingness(text: str, column: str) -> tuple[str, Note | None]:
    words = folded(text)
    if re.search(r"plutot pas|plutot non|pas du tout", words):
        return Willingness.NO.value, None
    if re.search(r"peut.etre|ne sais pas|sais pas|eventuellement|selon|a voir", words):
        return Willingness.MAYBE.value, None
    if re.search(r"\boui\b|certainement|surement|absolument|tout a fait|probablement", words):
        return Willingness.YES.value, None
    if re.search(r"\bnon\b|jamais|\bpas\b", words):
        return Willingness.NO.value, None
    return Willingness.UNKNOWN.value, Note(
        column, f"réponse non reconnue « {text} »", "non comptée"
    )


_READERS: dict[str, tuple[str, Callable]] = {
    "jours": ("days_per_week", read_days),
    "besoins": ("needs", read_needs),
    "mode": ("commute_mode", read_mode),
    "km": ("commute_km", read_km),
    "minutes": ("commute_minutes", read_minutes),
    "volonte": ("willingness", read_willingness),
}


class CommuneResolver:
    """`commune_resolve` once per distinct text of a file (a survey repeats its communes)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str | None, str, str]] = {}

    def __call__(self, text: str) -> tuple[str | None, str, str]:
        """(INSEE code or None, how it was read or why it is refused, repair made)."""
        if text not in self._seen:
            typed, repair = text.strip(), ""
            if _LOST_ZERO.match(typed):
                typed = "0" + typed
                repair = f"zéro initial perdu par le tableur : « {text} » lu « {typed} »"
            try:
                match = commune_resolve(text=typed)
            except ValidationError as error:
                self._seen[text] = (None, " ".join(error.messages), "")
            else:
                if match is None:
                    self._seen[text] = (None, "commune vide", "")
                else:
                    self._seen[text] = (match.code, match.notice, repair)
        return self._seen[text]


def parse_row(
    cells: Sequence[str],
    mapping: dict[str, int | None],
    columns: Sequence[str],
    resolve: CommuneResolver,
) -> ParsedRow:
    """One answer: its values for `DemandStatement`, the notes, or the error that leaves it out."""
    parsed = ParsedRow()
    commune_index = mapping["commune"]
    commune_column = columns[commune_index]
    text = cells[commune_index] if commune_index < len(cells) else ""
    if _missing(text):
        parsed.error = Note(commune_column, "commune non renseignée")
        return parsed
    code, reading, repair = resolve(text)
    if code is None:
        parsed.error = Note(commune_column, reading)
        return parsed
    parsed.values["commune_code"] = code
    if repair or reading:
        parsed.notes.append(Note(commune_column, reading or f"« {text} »", repair or "lu ainsi"))
    for key, (attribute, reader) in _READERS.items():
        index = mapping.get(key)
        if index is None:
            continue
        raw = cells[index] if index < len(cells) else ""
        if _missing(raw):
            continue
        value, note = reader(raw, columns[index])
        if value not in (None, "", []):
            parsed.values[attribute] = value
        if note:
            parsed.notes.append(note)
    return parsed
