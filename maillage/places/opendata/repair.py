"""Cell repairs for the place importer: normalise what has one meaning, refuse what has none.

Every function takes one raw cell (str, int, float, date… as a reader gives it) and returns a
`Repaired` value, or raises `RepairError` with a French message saying what was expected.

Notes: a note is written when the repair *interprets* the cell (adds a lost leading zero, keeps one
value out of several, drops text, reads a two-digit year, converts French opening hours). Purely
typographic normalisation (spaces, case, decimal comma, E.164 spelling of a well-formed French
number, canonical spelling of OSM hours) is silent. Repairing a repaired value changes nothing and
gives no note.

No database access here. Opening hours in words are read by hours_text.py.
"""

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from unidecode import unidecode

from maillage.places.opendata.hours_text import TIMES_ONLY_RULE, UnreadableHours, osm_from_text
from maillage.places.opening_hours import OpeningHoursError, validate

T = TypeVar("T")
PARIS = ZoneInfo("Europe/Paris")


class RepairError(ValueError):
    """A cell with no single meaning; the message (French) says what was expected."""


@dataclass(frozen=True, slots=True)
class Repaired(Generic[T]):
    value: T
    note: str = ""


@dataclass(frozen=True, slots=True)
class RepairedPostalCode(Repaired[str]):
    """A postal code; `cedex` is True when the cell was a CEDEX code (value = its 5 digits)."""

    cedex: bool = False


def _quote(raw: object) -> str:
    text = str(raw).strip()
    return f"« {text[:80]}{'…' if len(text) > 80 else ''} »"


def _text(raw: object) -> str:
    """One line of text with unicode spaces (non-breaking, thin…) folded to single spaces."""
    return " ".join(unicodedata.normalize("NFC", str(raw)).split())


# --- missing values ---------------------------------------------------------------------------

_MISSING = {
    "", "#n/d", "#n/a", "n/a", "n/d", "na", "nd", "n.c.", "n.c", "nc", "null", "none", "nan",
    "nil", "-", "--", "---", "?", "??", "/", ".", "néant", "neant", "non renseigné",
    "non renseigne", "non communiqué", "non communique", "inconnu", "#valeur!", "#value!",
    "#ref!", "#div/0!", "#nom?", "#name?", "0000-00-00",
}  # fmt: skip


def is_missing(raw: object) -> bool:
    """True for empty cells and the usual spreadsheet markers of « no value »."""
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if isinstance(raw, Decimal) and raw.is_nan():
        return True
    if isinstance(raw, str):
        return _text(raw).lower() in _MISSING
    return False


# --- integers written by spreadsheets (9500, 9500.0, "9500.0") --------------------------------


def _integral(raw: object) -> str | None:
    """Digits of an int, or of a float/str with a zero fraction (Excel turns codes into 9500.0)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw) if raw >= 0 else None
    if isinstance(raw, (float, Decimal)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return None
        return str(int(raw)) if raw == int(raw) and raw >= 0 else None
    match = re.fullmatch(r"(\d+)(?:[.,]0+)?", _text(raw))
    return match.group(1) if match else None


# --- postal and INSEE codes -------------------------------------------------------------------

_CEDEX = re.compile(r"\s*\bCEDEX\b(?:\s*\d{1,2})?\s*", re.IGNORECASE)
_BOX = re.compile(r"\b(?:CS|BP|TSA)\s*\d+\b", re.IGNORECASE)
_POSTAL_WITH_TOWN = re.compile(r"(\d{2} ?\d{3})\s+([^\d\s].*)")


def postal_code(raw: object) -> RepairedPostalCode:
    """Five digits, or "" when absent ("0", "00000" too). CEDEX codes keep their 5 digits and
    set `cedex`; a commune name or a CS/BP box number next to the code is dropped with a note."""
    if is_missing(raw):
        return RepairedPostalCode("")
    notes = []
    digits = _integral(raw)
    cedex = False
    if digits is None:
        text = _text(raw)
        if _CEDEX.search(text):
            cedex = True
            text = _CEDEX.sub(" ", text).strip()
        boxes = _BOX.findall(text)
        if boxes:
            text = " ".join(_BOX.sub(" ", text).split())
            if not text:
                raise RepairError(
                    f"code postal : 5 chiffres attendus, lu {_quote(raw)} "
                    "(numéro de boîte postale ou de course spéciale, sans code postal)"
                )
            notes.append(f"{', '.join(boxes)} retiré du code postal")
        town = _POSTAL_WITH_TOWN.fullmatch(text)
        if town:
            text = town.group(1)
            notes.append(f"commune « {town.group(2)} » retirée du code postal")
        if re.fullmatch(r"\d{2} \d{3}", text):
            text = text.replace(" ", "")
        digits = _integral(text)
        if digits is None:
            hint = ""
            if re.fullmatch(r"2[AB]\d{3}", text, re.IGNORECASE):
                hint = " (2A/2B sont des codes INSEE de la Corse, pas des codes postaux)"
            raise RepairError(f"code postal : 5 chiffres attendus, lu {_quote(raw)}{hint}")
    if int(digits) == 0:
        return RepairedPostalCode("", f"code postal {_quote(raw)} lu comme absent")
    if len(digits) == 4:
        notes.insert(0, f"code postal {digits} complété en 0{digits}")
        digits = "0" + digits
    if len(digits) != 5 or digits[:2] in ("00", "99"):
        raise RepairError(f"code postal : 5 chiffres attendus, lu {_quote(raw)}")
    if cedex:
        notes.append(f"code CEDEX {digits} : adresse de distribution, pas la commune du lieu")
    return RepairedPostalCode(digits, " ; ".join(notes), cedex=cedex)


_INSEE = re.compile(r"([013-9]\d|2[AB1-9])\d{3}")  # national schema v1.0.1, code_insee


def insee_code(raw: object) -> Repaired[str]:
    """The commune's official code (5 characters, Corsica 2A/2B), or "" when absent or 0."""
    if is_missing(raw):
        return Repaired("")
    note = ""
    digits = _integral(raw)
    if digits is None:
        text = _text(raw).upper()
        if re.fullmatch(r"\d{2} \d{3}", text):
            text = text.replace(" ", "")
        if not _INSEE.fullmatch(text):
            raise RepairError(
                f"code INSEE : 5 caractères attendus (chiffres, ou 2A/2B pour la Corse), "
                f"lu {_quote(raw)}"
            )
        return Repaired(text)
    if int(digits) == 0:
        return Repaired("", f"code INSEE {_quote(raw)} lu comme absent")
    if len(digits) == 4:
        note = f"code INSEE {digits} complété en 0{digits}"
        digits = "0" + digits
    if not _INSEE.fullmatch(digits):
        hint = " (la Corse s'écrit 2A ou 2B)" if digits.startswith("20") else ""
        raise RepairError(f"code INSEE : 5 caractères attendus, lu {_quote(raw)}{hint}")
    return Repaired(digits, note)


# --- telephone --------------------------------------------------------------------------------

# National schema v1.0.1 `telephone` pattern.
PHONE_PATTERN = re.compile(
    r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$"
)
# Digits after the country code, per ITU / ARCEP numbering plans.
_NATIONAL_LENGTHS = {
    "33": (9,), "590": (9,), "594": (9,), "262": (9,), "596": (9,), "269": (7,),
    "687": (6,), "689": (8, 6), "508": (6,), "681": (6,),
}  # fmt: skip
# Overseas numbers inside the French 10-digit plan (ARCEP): national prefix → country code.
# Mayotte (0269 fixed, 0639 mobile) is +262 since 2007; +269 is the Comoros.
_OVERSEAS = {
    "590": "590", "690": "590", "691": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "594": "594", "694": "594",  # Guyane
    "262": "262", "263": "262", "692": "262", "693": "262",  # La Réunion
    "269": "262", "639": "262",  # Mayotte
    "596": "596", "696": "596", "697": "596",  # Martinique
}  # fmt: skip
_PHONE_SPLIT = re.compile(r"\s*(?:/|;|\||,|\n|\bou\b|\bet\b)\s*", re.IGNORECASE)
_PHONE_LABEL = re.compile(
    r"^(?:t[ée]l[ée]?(?:phone)?|tel|fixe|portable|mobile|port|standard|accueil)\.?\s*:?\s*",
    re.IGNORECASE,
)
_PHONE_TRAILING_TEXT = re.compile(r"\s*\([^()\d]*\)\s*$")


def _phone_digits(chunk: str, raw: object) -> tuple[str, str, list[str]]:
    """(country code, national digits, notes) of one written number."""
    notes: list[str] = []
    text = _PHONE_TRAILING_TEXT.sub("", _PHONE_LABEL.sub("", chunk.strip()))
    if not re.fullmatch(r"\+?[\d\s.\-()]+", text):
        raise RepairError(f"téléphone : numéro attendu, lu {_quote(raw)}")
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if plus or digits.startswith("00"):
        digits = digits if plus else digits[2:]
        code = next((c for c in _NATIONAL_LENGTHS if digits.startswith(c)), None)
        if code is None:
            raise RepairError(
                f"téléphone : indicatif de France ou d'outre-mer attendu (+33, +262, +590…), "
                f"lu {_quote(raw)}"
            )
        national = digits[len(code) :]
        if national.startswith("0") and len(national) - 1 in _NATIONAL_LENGTHS[code]:
            national = national[1:]
            if "(0)" not in text:
                notes.append("0 après l'indicatif retiré")
        return code, national, notes
    if len(digits) == 9 and digits[0] != "0":
        notes.append(f"zéro initial rétabli (0{digits})")
        digits = "0" + digits
    if len(digits) == 10 and digits[0] == "0":
        if digits.startswith("0508"):
            return "508", digits[4:], notes
        return "33", digits[1:], notes
    for code, lengths in _NATIONAL_LENGTHS.items():
        if digits.startswith(code) and len(digits) - len(code) in lengths:
            notes.append(f"indicatif +{code} sans « + »")
            return code, digits[len(code) :], notes
    if len(digits) == 6:
        raise RepairError(
            f"téléphone : numéro à 6 chiffres sans indicatif, lu {_quote(raw)} "
            "(ajoutez +687, +681 ou +508)"
        )
    raise RepairError(f"téléphone : 10 chiffres ou numéro international attendu, lu {_quote(raw)}")


def phone_e164(raw: object) -> Repaired[str]:
    """International spelling required by the national schema (`+33231000000`), "" if absent.

    Overseas numbers written in the French plan (0590…, 0692…, 0639…) get their own country code;
    with several numbers in the cell, the first is kept and the others named in the note."""
    if is_missing(raw):
        return Repaired("")
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        digits = _integral(raw)
        if digits is None:
            raise RepairError(f"téléphone : numéro attendu, lu {_quote(raw)}")
        text = digits
    else:
        text = unicodedata.normalize("NFC", str(raw)).strip()
    chunks = [c for c in _PHONE_SPLIT.split(text) if re.search(r"\d", c)]
    if not chunks:
        raise RepairError(f"téléphone : numéro attendu, lu {_quote(raw)}")
    # "02 31 00 00 00 / 01" is one number with an extension-like tail, not two numbers.
    numbers = [c for c in chunks if len(re.sub(r"\D", "", c)) >= 6]
    if not numbers:
        raise RepairError(f"téléphone : numéro attendu, lu {_quote(raw)}")
    code, national, notes = _phone_digits(numbers[0], raw)
    tails = [_text(c) for c in chunks if c not in numbers]
    if tails:
        notes.append(f"texte ignoré : {' '.join(tails)}")
    if code == "33" and national[:3] in _OVERSEAS:
        code = _OVERSEAS[national[:3]]
        if re.match(r"\s*(?:\+|00)33", numbers[0]):
            notes.append(f"numéro d'outre-mer : indicatif +{code} au lieu de +33")
    if len(national) not in _NATIONAL_LENGTHS[code] or (code == "33" and national[0] == "0"):
        raise RepairError(
            f"téléphone : {_NATIONAL_LENGTHS[code][0]} chiffres attendus après +{code}, "
            f"lu {_quote(raw)}"
        )
    value = f"+{code}{national}"
    if len(numbers) > 1:
        others = ", ".join(_text(n) for n in numbers[1:])
        notes.append(f"{len(numbers)} numéros, le premier gardé (autres : {others})")
    assert PHONE_PATTERN.match(value), value
    return Repaired(value, " ; ".join(notes))


# --- booleans ---------------------------------------------------------------------------------

_TRUE = {"oui", "o", "vrai", "true", "yes", "y", "1", "1.0", "x", "✓", "✔", "☑", "ok"}
_FALSE = {"non", "n", "faux", "false", "no", "0", "0.0"}


def boolean(raw: object) -> Repaired[bool | None]:
    """oui/non, vrai/faux, yes/no, 1/0, x or ✓ for a ticked box; None when the cell is empty."""
    if isinstance(raw, bool):
        return Repaired(raw)
    if is_missing(raw):
        return Repaired(None)
    word = _text(raw).lower()
    if isinstance(raw, (int, float, Decimal)):
        word = str(raw)
    if word in _TRUE:
        return Repaired(True)
    if word in _FALSE:
        return Repaired(False)
    raise RepairError(f"oui ou non attendu, lu {_quote(raw)}")


# --- dates ------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_RANGE = (dt.date(1990, 1, 1), dt.date(2099, 12, 31))
_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12,
    "dec": 12,
}  # fmt: skip
_TIME_TAIL = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(rf"(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME_TAIL}")
_FRENCH = re.compile(rf"(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}|\d{{2}}){_TIME_TAIL}")
_WORDS = re.compile(r"(\d{1,2})(?:er)? ([a-z]+)\.? (\d{4})")


def _make_date(year: int, month: int, day: int, raw: object) -> dt.date:
    if not 1 <= month <= 12:
        hint = " (jour et mois inversés ?)" if 1 <= day <= 12 else ""
        raise RepairError(f"date : le mois {month} n'existe pas, lu {_quote(raw)}{hint}")
    if not 1900 <= year <= 2100:
        raise RepairError(f"date : année {year} invraisemblable, lu {_quote(raw)}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise RepairError(
            f"date : le {day:02d}/{month:02d}/{year} n'existe pas, lu {_quote(raw)}"
        ) from None


def _excel_serial(serial: float, raw: object) -> Repaired[dt.date | None]:
    day = _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    if not _EXCEL_RANGE[0] <= day <= _EXCEL_RANGE[1]:
        raise RepairError(
            f"date : nombre {_quote(raw)} hors des dates de tableur plausibles (1990 à 2099)"
        )
    return Repaired(day, f"nombre de tableur {int(serial)} lu comme le {day:%d/%m/%Y}")


def _in_paris(day: dt.date, groups: tuple, raw: object) -> dt.date:
    """A timestamp with an explicit offset is dated in Paris (23:30Z on the 30th is the 1st)."""
    hour, minute, second, zone = groups
    if zone is None:
        return day
    offset = dt.timedelta(0)
    if zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        zone = zone[1:].replace(":", "")
        offset = sign * dt.timedelta(hours=int(zone[:2]), minutes=int(zone[2:]))
    try:
        moment = dt.datetime.combine(
            day, dt.time(int(hour), int(minute), int(second or 0)), dt.timezone(offset)
        )
    except ValueError:
        raise RepairError(f"date : heure impossible, lu {_quote(raw)}") from None
    return moment.astimezone(PARIS).date()


def date(raw: object) -> Repaired[dt.date | None]:
    """A calendar date from ISO, French (30/06/2020, 30 juin 2020), timestamps, spreadsheet
    serial numbers or date objects; None when absent. Ambiguous or impossible dates are refused."""
    if isinstance(raw, dt.datetime):
        if raw.tzinfo is not None:
            return Repaired(raw.astimezone(PARIS).date())
        return Repaired(raw.date())
    if isinstance(raw, dt.date):
        return Repaired(raw)
    if is_missing(raw):
        return Repaired(None)
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return _excel_serial(float(raw), raw)
    text = _text(raw)
    folded = unidecode(text).lower()
    if re.fullmatch(r"\d{5}(?:[.,]\d+)?", text):
        return _excel_serial(float(text.replace(",", ".")), raw)
    if re.fullmatch(r"\d{8}", text):
        return Repaired(_make_date(int(text[:4]), int(text[4:6]), int(text[6:]), raw))
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups()[:3])
        return Repaired(_in_paris(_make_date(year, month, day, raw), match.groups()[3:], raw))
    if match := _FRENCH.fullmatch(text):
        day, month = int(match.group(1)), int(match.group(2))
        year_text, note = match.group(3), ""
        year = int(year_text)
        if len(year_text) == 2:
            this_year = dt.datetime.now(PARIS).year % 100
            year += 2000 if year <= this_year + 1 else 1900
            note = f"année « {year_text} » lue {year}"
        value = _in_paris(_make_date(year, month, day, raw), match.groups()[3:], raw)
        return Repaired(value, note)
    if (match := _WORDS.fullmatch(folded)) and match.group(2) in _MONTHS:
        return Repaired(
            _make_date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)), raw)
        )
    if re.fullmatch(r"\d{1,2}[-/.]\d{4}|\d{4}[-/.]\d{1,2}|\d{4}", text):
        raise RepairError(f"date : le jour manque, lu {_quote(raw)}")
    if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}", text):
        raise RepairError(f"date : l'année manque, lu {_quote(raw)}")
    raise RepairError(f"date attendue (ex. 30/06/2020 ou 2020-06-30), lu {_quote(raw)}")


# --- numbers ----------------------------------------------------------------------------------

_CURRENCY = re.compile(r"\s*(?:€|eur|euros?|ht|ttc)\.?\s*$", re.IGNORECASE)


def decimal_number(raw: object) -> Repaired[Decimal | None]:
    """12,50 / 12.50 € / 1 200,00 / 1.200,00 / 1,200.00 → Decimal; None when absent.

    A single `.` followed by exactly three digits (« 1.200 ») could be 1,2 or 1 200: refused."""
    if is_missing(raw):
        return Repaired(None)
    if isinstance(raw, bool):
        raise RepairError(f"nombre attendu, lu {_quote(raw)}")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise RepairError(f"nombre attendu, lu {_quote(raw)}")
        return Repaired(raw)
    if isinstance(raw, int):
        return Repaired(Decimal(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise RepairError(f"nombre attendu, lu {_quote(raw)}")
        return Repaired(Decimal(repr(raw)))
    text = _text(raw)
    while _CURRENCY.search(text):  # « 12,50 € HT »
        text = _CURRENCY.sub("", text, count=1)
    text = re.sub(r"^€\s*", "", text).replace(" ", "").replace("'", "")
    if not re.fullmatch(r"[-+]?[\d.,]*\d[\d.,]*", text):
        raise RepairError(f"nombre attendu (ex. 12,50), lu {_quote(raw)}")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        if text.count(decimal_mark) > 1:
            raise RepairError(f"nombre illisible, lu {_quote(raw)}")
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif dots > 1 or commas > 1:
        mark = "." if dots else ","
        if not re.fullmatch(rf"[-+]?\d{{1,3}}(?:\{mark}\d{{3}})+", text):
            raise RepairError(f"nombre illisible, lu {_quote(raw)}")
        text = text.replace(mark, "")
    elif dots == 1 and re.fullmatch(r"[-+]?\d{1,3}\.\d{3}", text):
        raise RepairError(f"nombre ambigu : {_quote(raw)} vaut-il {text.replace('.', ',')} ou "
                          f"{text.replace('.', ' ')} ? Écrivez la virgule décimale.")  # fmt: skip
    else:
        text = text.replace(",", ".")
    try:
        return Repaired(Decimal(text))
    except InvalidOperation:
        raise RepairError(f"nombre illisible, lu {_quote(raw)}") from None


_BOUNDS = {"latitude": 90.0, "longitude": 180.0}


def coordinate(raw: object, *, axis: Literal["latitude", "longitude"]) -> Repaired[float | None]:
    """Decimal degrees WGS84 (decimal comma accepted); None when absent; out of range refused.

    0 is kept: the Greenwich meridian crosses France; the caller judges a (0, 0) pair."""
    if is_missing(raw):
        return Repaired(None)
    if isinstance(raw, bool):
        raise RepairError(f"{axis} : nombre attendu, lu {_quote(raw)}")
    if isinstance(raw, (int, float, Decimal)):
        value = float(raw)
    else:
        text = _text(raw).replace("−", "-")
        if re.fullmatch(r"[-+]?\d+,\d+", text):
            text = text.replace(",", ".")
        if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", text):
            raise RepairError(f"{axis} : degrés décimaux attendus (ex. 49.18), lu {_quote(raw)}")
        value = float(text)
    if not math.isfinite(value):
        raise RepairError(f"{axis} : nombre attendu, lu {_quote(raw)}")
    bound = _BOUNDS[axis]
    if not -bound <= value <= bound:
        hint = (
            " (coordonnées en Lambert 93 ? attendu des degrés WGS84)" if abs(value) > 1000 else ""
        )
        raise RepairError(
            f"{axis} : entre -{bound:g} et {bound:g} degrés attendue, lu {_quote(raw)}{hint}"
        )
    return Repaired(value)


# --- lists, e-mails, websites -----------------------------------------------------------------


def _split_outside_parentheses(text: str, pattern: str) -> list[str]:
    """Split on `pattern` except inside (…): « Gratuit sous condition (situation familiale,
    convention…) » is one value of the national schema v0."""
    parts, depth, start = [], 0, 0
    regex = re.compile(pattern)
    position = 0
    while position < len(text):
        char = text[position]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and (match := regex.match(text, position)):
            parts.append(text[start:position])
            start = position = match.end()
            continue
        position += 1
    parts.append(text[start:])
    return parts


def multi_values(raw: object) -> list[str]:
    """Values of a multi-valued cell, in order, without empties, missing markers or duplicates.

    The strongest separator present wins: `|` (national schema v1, our export), else `;` (schema
    v0), else `,` and ` / `; newlines always separate. So « Impression, photocopie|Café » keeps
    its comma. Nothing is split inside parentheses. Not for URLs: see `multi_urls`."""
    if isinstance(raw, (list, tuple)):
        pieces = [value for item in raw for value in multi_values(item)]
    elif is_missing(raw):
        return []
    else:
        text = unicodedata.normalize("NFC", str(raw))
        if "|" in text:
            pattern = r"\s*[|\n\r]+\s*"
        elif ";" in text:
            pattern = r"\s*[;\n\r]+\s*"
        else:
            pattern = r"\s*(?:,|\s/\s|[\n\r]+)\s*"
        pieces = _split_outside_parentheses(text, pattern)
    values: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        value = " ".join(piece.split())
        if is_missing(value) or value.casefold() in seen:
            continue
        seen.add(value.casefold())
        values.append(value)
    return values


_URL = re.compile(
    r"(?:(?:https?://)[^\s/]+\.[^\s/]+|(?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,})(?:[/?#]\S*)?",
    re.IGNORECASE,
)
_URL_START = re.compile(r"\s*(?:https?://|www\.|[a-z0-9-]+\.[a-z]{2,}\b)", re.IGNORECASE)
_url_validator = URLValidator(schemes=["http", "https"])


def _split_urls(raw: object) -> tuple[list[str], list[str], bool]:
    """(URLs, ignored words, whether a scheme was added)."""
    if is_missing(raw):
        return [], [], False
    text = unicodedata.normalize("NFC", str(raw)).replace("[[", " ").replace("]]", " ")
    pieces = []
    for piece in re.split(r"[\s|;]+", text):
        # a comma separates two URLs only when a URL starts right after it
        start = 0
        for match in re.finditer(r",", piece):
            if _URL_START.match(piece, match.end()):
                pieces.append(piece[start : match.start()])
                start = match.end()
        pieces.append(piece[start:])
    urls, ignored, added, seen = [], [], False, set()
    for piece in pieces:
        piece = piece.strip().strip(".,;()<>\"'[]")
        if not piece:
            continue
        if "@" in piece.split("/")[0] or not _URL.fullmatch(piece):
            ignored.append(piece)
            continue
        if not re.match(r"https?://", piece, re.IGNORECASE):
            piece = "https://" + piece
            added = True
        try:
            _url_validator(piece)
        except ValidationError:
            ignored.append(piece)
            continue
        key = re.sub(r"^https?://(www\.)?", "", piece.lower()).rstrip("/")
        if key not in seen:
            seen.add(key)
            urls.append(piece)
    return urls, ignored, added


def multi_urls(raw: object) -> list[str]:
    """URLs of a cell ("a.fr|b.fr", "a.fr, b.fr", "a.fr b.fr"), https:// added when missing,
    words that are not URLs dropped, duplicates (same address over http/https/www) dropped."""
    return _split_urls(raw)[0]


def website(raw: object) -> Repaired[str]:
    """The first URL of the cell (the Place keeps one website)."""
    urls, ignored, added = _split_urls(raw)
    if not urls:
        if is_missing(raw):
            return Repaired("")
        raise RepairError(f"site web : adresse attendue (ex. https://exemple.fr), lu {_quote(raw)}")
    notes = []
    if added and not re.match(r"\s*https?://", str(raw), re.IGNORECASE):
        notes.append("https:// ajouté")
    if len(urls) > 1:
        notes.append(f"{len(urls)} adresses, la première gardée (autres : {', '.join(urls[1:])})")
    if ignored:
        notes.append(f"texte ignoré : {' '.join(ignored)}")
    return Repaired(urls[0], " ; ".join(notes))


_EMAIL = re.compile(r"[^\s@<>()\[\],;:|/\"']+@[^\s@<>()\[\],;:|/\"']+\.[a-z]{2,}", re.IGNORECASE)
_OBFUSCATED_AT = re.compile(r"\s*(?:\[at\]|\(at\)|\[arobase\]|\(arobase\))\s*", re.IGNORECASE)


def email(raw: object) -> Repaired[str]:
    """The first e-mail address of the cell (the Place keeps one), domain in lower case."""
    if is_missing(raw):
        return Repaired("")
    notes = []
    text = unicodedata.normalize("NFC", str(raw)).replace("mailto:", " ")
    if _OBFUSCATED_AT.search(text):
        text = _OBFUSCATED_AT.sub("@", text)
        notes.append("« [at] » lu comme @")
    found = []
    for address in _EMAIL.findall(text):
        local, domain = address.rsplit("@", 1)
        address = f"{local}@{domain.lower().rstrip('.')}"
        try:
            validate_email(address)
        except ValidationError:
            continue
        if address.lower() not in {a.lower() for a in found}:
            found.append(address)
    if not found:
        raise RepairError(f"adresse e-mail attendue (ex. contact@exemple.fr), lu {_quote(raw)}")
    if len(found) > 1:
        notes.append(f"{len(found)} adresses, la première gardée (autres : {', '.join(found[1:])})")
    rest = _EMAIL.sub(" ", text)
    leftover = [w for w in re.split(r"[\s|;,/<>()]+", rest) if w and w.lower() not in ("et", "ou")]
    if leftover:
        notes.append(f"texte ignoré : {' '.join(leftover)}")
    return Repaired(found[0], " ; ".join(notes))


# --- opening hours ----------------------------------------------------------------------------
# The reading rules of French and nearly-OSM text are in hours_text.py.


def opening_hours(raw: object) -> Repaired[str]:
    """OSM `opening_hours` (national schema `horaires`), "" when absent. French or nearly-OSM
    text is converted when it has one reading (rules in hours_text.py), with a note; prose
    is refused."""
    if is_missing(raw):
        return Repaired("")
    text = unicodedata.normalize("NFC", str(raw)).strip()
    try:
        if not re.search(r"[A-Za-z0-9]", text):
            raise UnreadableHours  # the parser reads « : » alone as 24/7
        try:
            if TIMES_ONLY_RULE.search(text):
                raise UnreadableHours
            value, converted, notes = validate(text), False, []
        except (UnreadableHours, OpeningHoursError):
            candidate, notes = osm_from_text(text)
            value, converted = validate(candidate), True
        if value in ("24/7 closed", "24/7 off"):
            raise UnreadableHours  # closed for good is a status, not opening hours
    except (UnreadableHours, OpeningHoursError):
        raise RepairError(
            f"horaires : syntaxe OpenStreetMap attendue (ex. « Mo-Fr 09:00-12:00,14:00-18:00; "
            f"Sa 10:00-12:00 »), lu {_quote(raw)} ; le lieu peut être importé sans horaires"
        ) from None
    if not converted or value == text:
        return Repaired(value)  # valid OSM: the parser's spelling is typographic only
    return Repaired(value, " ; ".join([f"horaires {_quote(raw)} convertis en « {value} »", *notes]))
