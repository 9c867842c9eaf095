"""French and nearly-OSM opening hours → OSM `opening_hours` text (for repair.opening_hours).

Nearly-OSM and French hours are read by a small tokenizer and rebuilt in OSM syntax; the
`opening-hours-py` parser (through opening_hours.validate) stays the only judge of the result.
Rules of reading:
- days: OSM (Mo…Su), English and French names and abbreviations (lundi, lun., Lu…),
  « du lundi au vendredi », « lundi à vendredi », « tous les jours » (Mo-Su), jours fériés (PH);
- a chain of three days or more joined by dashes, « Tu-Th-Fr », is not valid OSM and in real
  files means the list Tu,Th,Fr (Tuesday, Thursday, Friday): it is read as that list, with a note;
  two days joined by a dash or « à/au » are a range;
- times: 9h, 9h00, 13h30, 9:00, « midi », « minuit »; a bare hour (9-12h) only next to a
  written one; ranges with -, –, —, « à », « au »;
- between ranges: « , », « et », « & », « / » or a space; between rules: « ; », a newline, a
  full stop, or a new day list after hours (« Lu 9h-12h, Ma 14h-18h » → two rules);
- « fermé », « closed », « off » → off; 24/7, 24h/24, 7j/7 → 24/7;
- « Mo-Fr 09:00-12:00; 14:00-18:00 » (valid OSM, but the second rule would mean every day) and
  days on one line with hours on the next are joined into one rule, with a note;
- anything else (« sur rendez-vous », « horaires variables », parentheses, months) is refused
  unless the whole text is already valid OSM, which is kept as the parser spells it.

The result is a candidate: the caller has it judged by opening_hours.validate.
"""

import re
import unicodedata

from unidecode import unidecode

_OH_DAYS = {
    "Mo": ("lundi", "lundis", "lun", "lu", "mo", "mon", "monday"),
    "Tu": ("mardi", "mardis", "mar", "ma", "tu", "tue", "tues", "tuesday"),
    "We": ("mercredi", "mercredis", "mer", "me", "we", "wed", "wednesday"),
    "Th": ("jeudi", "jeudis", "jeu", "je", "th", "thu", "thur", "thurs", "thursday"),
    "Fr": ("vendredi", "vendredis", "ven", "ve", "fr", "fri", "friday"),
    "Sa": ("samedi", "samedis", "sam", "sa", "sat", "saturday"),
    "Su": ("dimanche", "dimanches", "dim", "di", "su", "sun", "sunday"),
}
_OH_KINDS = {
    "off": ("ferme", "fermee", "fermes", "fermees", "closed", "off"),
    "range": ("a", "au", "to", "jusqu"),
    "list": ("et", "and"),
    "filler": ("de", "du", "des", "le", "les", "l", "d", "ouvert", "ouverte", "ouverture", "open",
               "from", "inclus", "h"),
}  # fmt: skip
_OH_WORDS = {word: ("day", day) for day, words in _OH_DAYS.items() for word in words}
_OH_WORDS |= {word: (kind, "") for kind, words in _OH_KINDS.items() for word in words}
_OH_WORDS |= {"ph": ("day", "PH"), "everyday": ("day", "Mo-Su")}
_OH_WORDS |= {"midi": ("time", "12:00"), "minuit": ("time", "24:00")}
_OH_PHRASES = [
    (re.compile(r"24\s*/\s*7|24\s*h?\s*/\s*24(?:\s*(?:,|et)?\s*7\s*j?\s*/\s*7)?"
                r"|7\s*j?\s*/\s*7\s*(?:,|et)?\s*24\s*h?\s*/\s*24"), " 24/7 "),
    (re.compile(r"\btous les jours\b|\bdaily\b|\b7\s*j(?:ours)?\s*(?:/|sur)\s*7\b(?!\s*,?\s*24)"),
     " everyday "),
    (re.compile(r"\b(?:les\s+)?jours?\s+feries?\b|\bferies?\b"), " ph "),
]  # fmt: skip
_OH_TOKEN = re.compile(
    r"""
    (?P<always>24/7)
    |(?P<time>(?P<h1>\d{1,2})\s*(?::|h)(?P<m1>\d{2})(?!\d)|(?P<h2>\d{1,2})\s*h(?![a-z0-9]))
    |(?P<num>\d{1,2})(?![\d:])
    |(?P<word>[a-z]+)\.?
    |(?P<range>-+)
    |(?P<list>[,&+/])
    |(?P<rule>[;|\n]|\.(?=\s|$))
    |(?P<skip>[:'\s]+)
    """,
    re.VERBOSE,
)
TIMES_ONLY_RULE = re.compile(
    r";\s*\d{1,2}:\d{2}-\d{1,2}:\d{2}(?:\s*,\s*\d{1,2}:\d{2}-\d{1,2}:\d{2})*\s*(?:;|$)"
)


class UnreadableHours(ValueError):
    """No single OSM reading of the text."""


def _oh_tokens(text: str) -> list[tuple[str, str]]:
    folded = unidecode(unicodedata.normalize("NFC", text)).lower().replace("\r", "\n")
    for pattern, replacement in _OH_PHRASES:
        folded = pattern.sub(replacement, folded)
    tokens, position = [], 0
    while position < len(folded):
        match = _OH_TOKEN.match(folded, position)
        if not match:
            raise UnreadableHours
        position = match.end()
        kind = match.lastgroup
        if kind in ("h1", "m1", "h2"):
            kind = "time"
        if kind == "skip":
            continue
        if kind == "always":
            tokens.append(("always", "24/7"))
        elif kind == "time":
            hour = match.group("h1") or match.group("h2")
            tokens.append(("time", f"{int(hour):02d}:{match.group('m1') or '00'}"))
        elif kind == "num":
            tokens.append(("num", f"{int(match.group('num')):02d}:00"))
        elif kind == "word":
            if match.group("word") not in _OH_WORDS:
                raise UnreadableHours
            token = _OH_WORDS[match.group("word")]
            if token[0] != "filler":
                tokens.append(token)
        else:
            tokens.append((kind, match.group(kind)))
    return tokens


def _oh_rules(tokens: list[tuple[str, str]], notes: list[str]) -> list[tuple[list[str], object]]:
    """Rules as (day items, times list | "off" | "24/7" | None)."""
    rules: list[tuple[list[str], object]] = []
    days: list[str] = []
    times: object = None

    def flush():
        nonlocal days, times
        if days or times is not None:
            rules.append((days, times))
        days, times = [], None

    i, count = 0, len(tokens)
    while i < count:
        kind, value = tokens[i]
        if kind == "always":
            if days and times is None:
                times = "24/7"  # « lundi-vendredi 24h/24 »
            else:
                flush()
                rules.append(([], "24/7"))
            i += 1
        elif kind == "day":
            if times is not None:
                flush()
            chain, j = [value], i + 1
            while j + 1 < count and tokens[j][0] == "range" and tokens[j + 1][0] == "day":
                chain.append(tokens[j + 1][1])
                j += 2
            if len(chain) > 1 and any(d in ("PH", "Mo-Su") for d in chain):
                raise UnreadableHours
            if len(chain) == 1:
                days.append(chain[0])
            elif len(chain) == 2:
                days.append(f"{chain[0]}-{chain[1]}")
            else:
                days.extend(chain)
                notes.append(f"« {'-'.join(chain)} » lu comme la liste {','.join(chain)}")
            i = j
        elif kind in ("time", "num"):
            if not (i + 2 < count and tokens[i + 1][0] == "range"
                    and tokens[i + 2][0] in ("time", "num")):  # fmt: skip
                raise UnreadableHours
            start, end = value, tokens[i + 2][1]
            if kind == "num" and tokens[i + 2][0] == "num":
                raise UnreadableHours  # « 9 à 12 » could be ages or anything
            if start == "24:00":
                start = "00:00"
            if start == end:
                raise UnreadableHours
            if times == "off" or times == "24/7":
                raise UnreadableHours
            times = (times or []) + [f"{start}-{end}"]
            i += 3
        elif kind == "off":
            if times not in (None, "off"):
                raise UnreadableHours
            times = "off"
            i += 1
        elif kind == "list":
            i += 1
        elif kind == "rule":
            flush()
            i += 1
        else:
            raise UnreadableHours
    flush()
    return rules


def _oh_join(
    rules: list[tuple[list[str], object]], notes: list[str]
) -> list[tuple[list[str], object]]:
    """Days on one rule and hours on the next, and hours split off by « ; », are one rule."""
    joined: list[tuple[list[str], object]] = []
    for days, times in rules:
        previous = joined[-1] if joined else None
        if not days and isinstance(times, list) and previous and previous[0]:
            if previous[1] is None:
                joined[-1] = (previous[0], times)
                continue
            if isinstance(previous[1], list):
                joined[-1] = (previous[0], previous[1] + times)
                notes.append(f"plages {', '.join(times)} rattachées à {','.join(previous[0])}")
                continue
            raise UnreadableHours
        joined.append((days, times))
    if any(days and times is None for days, times in joined):
        raise UnreadableHours  # days without hours: all day, or hours forgotten?
    return joined


def osm_from_text(text: str) -> tuple[str, list[str]]:
    notes: list[str] = []
    rules = _oh_join(_oh_rules(_oh_tokens(text), notes), notes)
    if not rules:
        raise UnreadableHours
    parts = []
    for days, times in rules:
        spec = ",".join(days)
        if times == "24/7":
            parts.append("24/7" if not days else f"{spec} 00:00-24:00")
        elif times == "off":
            if not days:
                raise UnreadableHours  # « fermé » alone: closed for good, or hours unknown?
            parts.append(f"{spec} off")
        else:
            parts.append(f"{spec} {','.join(times)}".strip())
    return "; ".join(dict.fromkeys(parts)), notes
