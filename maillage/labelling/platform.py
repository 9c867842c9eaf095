"""Figures the platform already knows about a place, shown beside the answer to a criterion
and frozen on the answer when the place submits (the coordination audits what was true then)."""

from datetime import datetime, timedelta

from django.utils import timezone

from maillage.booking.figures import place_figures
from maillage.events.models import Event
from maillage.labelling.models import Criterion
from maillage.places import opening_hours
from maillage.places.models import Place

Figure = Criterion.PlatformFigure


def _hours(place: Place, now: datetime) -> str:
    if not place.opening_hours:
        return "Horaires non publiés."
    try:
        lines = opening_hours.describe_fr(place.opening_hours)
    except opening_hours.OpeningHoursError:
        return f"Horaires publiés (syntaxe non lue) : {place.opening_hours}"
    return " ; ".join(lines) or "Horaires non publiés."


def _services(place: Place, now: datetime) -> str:
    names = sorted(place.services.values_list("name", flat=True))
    return ", ".join(names) if names else "Aucun service publié."


def _accessibility(place: Place, now: datetime) -> str:
    text = place.get_wheelchair_display()
    if place.accessibility_notes:
        text += f" — {place.accessibility_notes[:300]}"
    return text


def _events(place: Place, now: datetime) -> str:
    count = Event.objects.filter(
        place=place,
        status=Event.Status.PUBLISHED,
        starts_at__gte=now - timedelta(days=365),
        starts_at__lt=now,
    ).count()
    plural = "s" if count > 1 else ""
    return f"{count} événement{plural} publié{plural} sur les 12 derniers mois."


def _occupancy(place: Place, now: datetime) -> str:
    today = timezone.localdate(now)
    report = place_figures(
        place, today - timedelta(days=365), today - timedelta(days=1), "month", now=now
    )
    ratio = report.scope.total.seat_occupancy
    if ratio is None:
        return "Aucun poste réservable publié sur les 12 derniers mois."
    return f"Occupation des postes sur les 12 derniers mois : {round(ratio * 100, 1)} %".replace(
        ".", ","
    )


def _freshness(place: Place, now: datetime) -> str:
    return f"Fiche mise à jour le {timezone.localtime(place.updated_at):%d/%m/%Y}."


_COMPUTE = {
    Figure.OPENING_HOURS: _hours,
    Figure.SERVICES: _services,
    Figure.ACCESSIBILITY: _accessibility,
    Figure.EVENTS: _events,
    Figure.OCCUPANCY: _occupancy,
    Figure.DATA_FRESHNESS: _freshness,
}


def platform_figure(place: Place, figure: str, *, now: datetime | None = None) -> dict | None:
    """`{"text": …, "at": ISO instant}` for the criterion's figure, None when it has none."""
    compute = _COMPUTE.get(figure)
    if compute is None:
        return None
    now = now or timezone.now()
    return {"text": compute(place, now), "at": now.isoformat()}
