"""The weekly hours editor: a week of at most two ranges a day, read from and written to the
OpenStreetMap `opening_hours` syntax.

People who do not know the OSM syntax fill a week; experts keep the raw field. The editor reads
only what it can show without loss (days, up to two ranges a day, closed days, « PH off »); any
other expression (months, weeks, comments, overnight ranges…) is left to the raw field. A reading
is checked against the project's parser (opening_hours.py) on an ordinary week, so the editor never
shows something the place page would evaluate differently. The browser editor (static
places/place_form.js) follows the same rules.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from maillage.places import opening_hours

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_NAMES = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
MAX_RANGES = 2
# A week without French public holidays: the reading is checked against the parser on it.
_CHECK_MONDAY = date(2025, 1, 13)

_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
_RANGE = re.compile(rf"^({_TIME})-({_TIME})$")
_DAY_PART = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")

Range = tuple[str, str]  # ("09:00", "12:30"), opening before closing, same day


@dataclass(frozen=True)
class Week:
    """Ranges per day, Monday first; an empty tuple is a closed day."""

    days: tuple[tuple[Range, ...], ...] = field(default=((),) * 7)
    holidays_closed: bool = False


class WeekError(ValueError):
    """A week the editor cannot write; the message is for the person who filled it."""


def week_check(week: Week) -> None:
    """Each day: at most two ranges, each opening before it closes, the second after the first."""
    for name, ranges in zip(DAY_NAMES, week.days, strict=True):
        if len(ranges) > MAX_RANGES:
            raise WeekError(f"{name} : deux plages horaires au plus.")
        previous_end = ""
        for opens, closes in ranges:
            if not (_RANGE.match(f"{opens}-{closes}")):
                raise WeekError(f"{name} : heure invalide (HH:MM attendu).")
            if opens >= closes:
                raise WeekError(f"{name} : l'heure de fermeture doit suivre l'heure d'ouverture.")
            if previous_end and opens <= previous_end:
                raise WeekError(
                    f"{name} : la seconde plage doit commencer après la fin de la première."
                )
            previous_end = closes


def _days_text(indexes: list[int]) -> str:
    """« Mo-Tu,Th »: runs of consecutive days, Monday first."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ",".join(
        DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}" for run in runs
    )


def week_to_osm(week: Week) -> str:
    """OSM syntax, days with the same ranges in one rule: « Mo-Fr 09:00-18:00; PH off »."""
    week_check(week)
    by_ranges: dict[tuple[Range, ...], list[int]] = {}
    for index, ranges in enumerate(week.days):
        if ranges:
            by_ranges.setdefault(ranges, []).append(index)
    rules = [
        f"{_days_text(indexes)} " + ",".join(f"{a}-{b}" for a, b in ranges)
        for ranges, indexes in by_ranges.items()
    ]
    if rules and week.holidays_closed:
        rules.append("PH off")
    return "; ".join(rules)


def _day_indexes(text: str) -> list[int] | None:
    indexes: list[int] = []
    for part in text.split(","):
        match = _DAY_PART.match(part)
        if not match:
            return None
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        span = (last - first) % 7
        indexes.extend((first + step) % 7 for step in range(span + 1))
    return indexes


def _ranges(text: str) -> tuple[Range, ...] | None:
    ranges = []
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            return None
        ranges.append((match.group(1), match.group(2)))
    return tuple(ranges)


def _read(expression: str) -> Week | None:
    days: list[tuple[Range, ...]] = [()] * 7
    holidays_closed = False
    for rule in (r.strip() for r in expression.split(";")):
        if not rule:
            continue
        words = rule.split()
        if words in (["PH", "off"], ["PH", "closed"]):
            holidays_closed = True
            continue
        if len(words) == 1:  # « 09:00-18:00 »: every day
            indexes, body = list(range(7)), words[0]
        elif len(words) == 2:
            indexes, body = _day_indexes(words[0]), words[1]
        else:
            return None
        if indexes is None:
            return None
        ranges = () if body in ("off", "closed") else _ranges(body)
        if ranges is None:
            return None
        for index in indexes:  # a later rule replaces an earlier one for its days (OSM)
            days[index] = ranges
    week = Week(days=tuple(days), holidays_closed=holidays_closed)
    try:
        week_check(week)
    except WeekError:
        return None
    return week


def _evaluated(expression: str) -> tuple[tuple[Range, ...], ...]:
    """What the parser opens on each day of an ordinary week."""
    return tuple(
        tuple(
            (a.strftime("%H:%M"), b.strftime("%H:%M"))
            for a, b in opening_hours.open_spans(expression, _CHECK_MONDAY + timedelta(days=d))
        )
        for d in range(7)
    )


def week_from_osm(expression: str) -> Week | None:
    """The week an expression describes (an empty one for no hours), or None when the editor
    cannot show it faithfully (unreadable, or beyond days and two ranges a day)."""
    expression = (expression or "").strip()
    if not expression:
        return Week()
    try:
        expression = opening_hours.validate(expression)
    except opening_hours.OpeningHoursError:
        return None
    week = _read(expression)
    if week is None or _evaluated(expression) != week.days:
        return None
    return week
