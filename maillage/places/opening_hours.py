"""Opening hours in OpenStreetMap `opening_hours` syntax: validation, evaluation, French display.

The syntax is the one of OSM and of the national schema of « lieux de médiation numérique »
(`horaires`). Evaluation uses the `opening-hours-py` parser, in Europe/Paris local time, with the
French public holidays (PH). The French wording covers the common forms; anything else is shown as
written rather than translated wrongly.
"""

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours as _oh

PARIS = ZoneInfo("Europe/Paris")
EXAMPLE = "Mo-Fr 09:00-18:00; Sa 09:00-12:00"

_DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_DAY_TOKEN = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAY_PART = rf"{_DAY_TOKEN}(?:-{_DAY_TOKEN})?"
_DAYS_RE = re.compile(rf"^{_DAY_PART}(?:,{_DAY_PART})*$")
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_TIMES_RE = re.compile(rf"^{_TIME}-{_TIME}(?:,{_TIME}-{_TIME})*$")


class OpeningHoursError(ValueError):
    """An expression the OSM syntax rejects; the message is for the person who typed it."""


@lru_cache(maxsize=4096)
def _parse(expression: str) -> "_oh.OpeningHours":
    try:
        return _oh.OpeningHours(expression, timezone=PARIS, country="FR")
    except (_oh.ParserError, SyntaxError, ValueError) as error:
        raise OpeningHoursError(
            f"Horaires illisibles : « {expression} » ne suit pas la syntaxe OpenStreetMap. "
            f"Exemple attendu : {EXAMPLE}"
        ) from error


def validate(expression: str) -> str:
    """The expression, stripped and with canonical spelling of days (`mo-fr` → `Mo-Fr`)."""
    expression = (expression or "").strip()
    if not expression:
        return ""
    return str(_parse(expression))


def is_open(expression: str, at: datetime) -> bool | None:
    """Open at this instant (aware datetime), judged in Paris local time; None if hours unknown."""
    if not expression:
        return None
    try:
        return _parse(expression).is_open(at.astimezone(PARIS))
    except OpeningHoursError:
        return None


def next_change(expression: str, at: datetime) -> datetime | None:
    if not expression:
        return None
    try:
        return _parse(expression).next_change(at.astimezone(PARIS))
    except OpeningHoursError:
        return None


def _time_fr(value: str) -> str:
    hours, minutes = value.split(":")
    return f"{int(hours)} h" + ("" if minutes == "00" else f" {minutes}")


def _times_fr(times: str) -> str:
    return ", ".join(
        f"{_time_fr(start)} – {_time_fr(end)}"
        for start, end in (span.split("-") for span in times.split(","))
    )


def _days_fr(days: str) -> str:
    parts = []
    for part in days.split(","):
        if "-" in part:
            first, last = part.split("-")
            parts.append(f"du {_DAY_NAMES[_DAYS.index(first)]} au {_DAY_NAMES[_DAYS.index(last)]}")
        else:
            parts.append(_DAY_NAMES[_DAYS.index(part)])
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    return text[0].upper() + text[1:]


def _rule_fr(rule: str) -> str | None:
    if rule == "24/7":
        return "Ouvert 24 h/24, 7 j/7"
    if rule in ("PH off", "PH closed"):
        return "Fermé les jours fériés"
    words = rule.split()
    if len(words) == 1 and _TIMES_RE.match(words[0]):
        return f"Tous les jours : {_times_fr(words[0])}"
    if len(words) == 2 and _DAYS_RE.match(words[0]):
        if words[1] in ("off", "closed"):
            return f"{_days_fr(words[0])} : fermé"
        if _TIMES_RE.match(words[1]):
            return f"{_days_fr(words[0])} : {_times_fr(words[1])}"
    if len(words) == 1 and _DAYS_RE.match(words[0]):
        return f"{_days_fr(words[0])} : toute la journée"
    return None


def describe_fr(expression: str) -> list[str]:
    """Lines to show on a place page, e.g. « Du lundi au vendredi : 9 h – 12 h, 14 h – 18 h 30 »."""
    expression = (expression or "").strip()
    if not expression:
        return []
    lines = [_rule_fr(rule.strip()) for rule in expression.split(";") if rule.strip()]
    if any(line is None for line in lines):
        return [f"Horaires : {expression}"]
    return lines


def week_table_fr(expression: str, week_of: date) -> list[tuple[str, str]]:
    """(Day, hours) for the 7 days of the week of `week_of`, computed by evaluating the expression.

    Right for any expression the parser accepts, holidays included.
    """
    monday = week_of - timedelta(days=week_of.weekday())
    rows = []
    parsed = _parse(expression) if expression else None
    for offset in range(7):
        day = monday + timedelta(days=offset)
        label = _DAY_NAMES[offset].capitalize()
        if parsed is None:
            rows.append((label, "Non renseigné"))
            continue
        start = datetime.combine(day, time(0), PARIS)
        end = datetime.combine(day + timedelta(days=1), time(0), PARIS)
        spans = [
            (max(a, start), min(b or end, end))
            for a, b, state, _comment in parsed.intervals(start, end)
            if state == _oh.State.OPEN
        ]
        if not spans:
            rows.append((label, "Fermé"))
        else:
            rows.append(
                (
                    label,
                    ", ".join(
                        f"{_clock_fr(a)} – {_clock_fr(b, end_of_day=b >= end)}" for a, b in spans
                    ),
                )
            )
    return rows


def _clock_fr(moment: datetime, end_of_day: bool = False) -> str:
    if end_of_day:
        return "24 h"
    return f"{moment.hour} h" + ("" if moment.minute == 0 else f" {moment.minute:02d}")


def open_spans(expression: str, day: date) -> list[tuple[datetime, datetime]]:
    """The open intervals of one local day, as aware datetimes (holidays included).

    Empty when the hours are unknown or unreadable: nothing can be booked then.
    """
    if not expression:
        return []
    try:
        parsed = _parse(expression)
    except OpeningHoursError:
        return []
    start = datetime.combine(day, time(0), PARIS)
    end = datetime.combine(day + timedelta(days=1), time(0), PARIS)
    return [
        (max(a, start), min(b or end, end))
        for a, b, state, _comment in parsed.intervals(start, end)
        if state == _oh.State.OPEN
    ]
