"""From what people say ("mardi matin", "le 29 mars de 9 h à 11 h") to exact UTC instants.

Local time is Europe/Paris. A wall-clock time that does not exist (the spring-forward hour) or
exists twice (the fall-back hour) is refused with a precise message rather than guessed. Durations
are always computed on UTC instants: subtracting two aware datetimes of the same zone in Python
gives wall-clock differences, wrong on DST days.
"""

from datetime import UTC, date, datetime, time, timedelta

from maillage.booking.errors import BookingError
from maillage.booking.models import Resource, Unit
from maillage.places.opening_hours import PARIS, open_spans


def _fr_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def local_instant(day: date, clock: time, field: str = "debut") -> datetime:
    """The UTC instant of a Paris wall-clock time, refusing nonexistent and ambiguous times."""
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=PARIS, fold=0)
    second = naive.replace(tzinfo=PARIS, fold=1)
    if first.utcoffset() != second.utcoffset():
        gap = first.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) != naive
        if gap:
            raise BookingError(
                f"L'heure {clock:%H:%M} n'existe pas le {_fr_day(day)} à Paris "
                "(passage à l'heure d'été : on passe de 2 h à 3 h).",
                field=field,
            )
        raise BookingError(
            f"L'heure {clock:%H:%M} existe deux fois le {_fr_day(day)} à Paris "
            "(passage à l'heure d'hiver) : choisissez une autre heure.",
            field=field,
        )
    return first.astimezone(UTC)


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() // 60)


def day_window(resource: Resource, day: date) -> tuple[datetime, datetime] | None:
    """First opening to last closing of the place that day, in UTC; None if closed."""
    spans = open_spans(resource.place.opening_hours, day)
    if not spans:
        return None
    return spans[0][0].astimezone(UTC), spans[-1][1].astimezone(UTC)


def half_day_split(resource: Resource, day: date) -> datetime:
    settings = getattr(resource.place, "booking_settings", None)
    clock = settings.half_day_split if settings else time(13, 0)
    return local_instant(day, clock)


SLOT_UNIT = {
    "day": Unit.DAY,
    "morning": Unit.HALF_DAY,
    "afternoon": Unit.HALF_DAY,
    "hours": Unit.HOUR,
}
SLOT_LABELS = {
    "day": "journée",
    "morning": "matinée",
    "afternoon": "après-midi",
    "hours": "à l'heure",
}


def slot_span(
    resource: Resource,
    day: date,
    slot: str,
    start: time | None = None,
    end: time | None = None,
) -> tuple[datetime, datetime]:
    """The UTC interval a request covers; the rules (hours, closures, lengths) are checked later."""
    if slot not in SLOT_UNIT:
        raise BookingError(
            "Choisissez la journée, la matinée, l'après-midi ou des heures.", field="creneau"
        )
    if slot == "hours":
        if start is None or end is None:
            raise BookingError("Indiquez l'heure de début et l'heure de fin.", field="debut")
        if end <= start:
            raise BookingError(
                "Une réservation se termine le jour où elle commence, après son début : "
                "pour une nuit ou plusieurs jours, faites une réservation par jour.",
                field="fin",
            )
        return local_instant(day, start, "debut"), local_instant(day, end, "fin")
    window = day_window(resource, day)
    if window is None:
        raise BookingError(f"Le lieu est fermé le {_fr_day(day)}.", field="date")
    if slot == "day":
        return window
    split = half_day_split(resource, day)
    morning, afternoon = (window[0], split), (split, window[1])
    span = morning if slot == "morning" else afternoon
    if span[1] <= span[0]:
        part = "le matin" if slot == "morning" else "l'après-midi"
        raise BookingError(
            f"Le lieu n'est pas ouvert {part} le {_fr_day(day)}.",
            field="creneau",
        )
    return span


def within_opening_hours(resource: Resource, starts_at: datetime, ends_at: datetime) -> bool:
    """True if the interval lies inside one open span of that day."""
    day = starts_at.astimezone(PARIS).date()
    return any(
        a.astimezone(UTC) <= starts_at and ends_at <= b.astimezone(UTC)
        for a, b in open_spans(resource.place.opening_hours, day)
    )


def local_day(instant: datetime) -> date:
    return instant.astimezone(PARIS).date()


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(count)]


def cancel_deadline(resource: Resource, starts_at: datetime) -> datetime:
    """The last instant the person may cancel online: the resource's notice before the start
    (elapsed hours, so a DST night counts as it lasts)."""
    return starts_at - timedelta(hours=resource.cancel_hours)
