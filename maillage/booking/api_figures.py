"""JSON of the occupancy and attendance figures (see `booking.figures` for the definitions).

Meant to be mounted under /api/reservations. Same rule as the pages: a place's figures for its
team and the coordinators, the network's for coordinators; otherwise 404, as for an unknown id.
Rates are ratios between 0 and 1 (null when undefined), hours are decimal hours.
"""

from datetime import date
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.booking import figures
from maillage.booking.bounds import BookingDay
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import local_day
from maillage.core.lookups import get_or_404
from maillage.places.models import Place
from maillage.places.permissions import is_coordinator

router = Router(tags=["Réservations — chiffres"])


class FiguresQuery(Schema):
    du: BookingDay | None = None
    au: BookingDay | None = None
    pas: Literal["jour", "semaine", "mois"] = "jour"

    def period(self) -> tuple[date, date, figures.Grain]:
        default_first, default_last = figures.default_range(local_day(timezone.now()))
        first_day, last_day = self.du or default_first, self.au or default_last
        try:
            figures.check_range(first_day, last_day)
        except figures.FiguresError as error:
            raise HttpError(422, str(error)) from error
        return first_day, last_day, figures.GRAIN_NAMES[self.pas]


class FiguresOut(Schema):
    heures_ouverture: float
    salles_heures_ouverture: float
    salles_heures_reservees: float
    salles_taux_occupation: float | None
    postes_heures_disponibles: float
    postes_heures_reservees: float
    postes_taux_occupation: float | None
    reservations: int
    reservations_terminees: int
    presences: int
    absences: int
    taux_absence: float | None
    utilisateurs: int
    nouveaux_utilisateurs: int
    unites_pass_reseau: int | None
    unites_carnets_lieu: int | None


class PeriodOut(Schema):
    periode: str
    du: date
    au: date
    chiffres: FiguresOut


class LineOut(Schema):
    total: FiguresOut
    periodes: list[PeriodOut]


class ResourceOut(LineOut):
    id: int
    nom: str
    type: str
    places: int


class PlaceLineOut(LineOut):
    id: UUID
    nom: str
    labellise: bool = Field(description="détenait le label régional le dernier jour de la période")


class GroupOut(LineOut):
    labellise: bool
    nombre_lieux: int


class PlaceRef(Schema):
    id: UUID
    nom: str


class PlaceFiguresOut(LineOut):
    du: date
    au: date
    pas: str
    calcule_le: str
    lieu: PlaceRef
    ressources: list[ResourceOut]


class NetworkFiguresOut(LineOut):
    du: date
    au: date
    pas: str
    calcule_le: str
    lieux: list[PlaceLineOut]
    # Labelled places (label held on the last day) compared with the others.
    groupes: list[GroupOut]


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figures_out(f: figures.Figures, *, passes: bool = True) -> dict:
    return {
        "heures_ouverture": f.open_hours,
        "salles_heures_ouverture": f.room_open_hours,
        "salles_heures_reservees": f.room_booked_hours,
        "salles_taux_occupation": _ratio(f.occupancy),
        "postes_heures_disponibles": f.seat_capacity_hours,
        "postes_heures_reservees": f.seat_booked_hours,
        "postes_taux_occupation": _ratio(f.seat_occupancy),
        "reservations": f.bookings,
        "reservations_terminees": f.ended,
        "presences": f.checked_in,
        "absences": f.no_shows,
        "taux_absence": _ratio(f.no_show_rate),
        "utilisateurs": f.users,
        "nouveaux_utilisateurs": f.new_users,
        "unites_pass_reseau": f.network_pass_units if passes else None,
        "unites_carnets_lieu": f.place_pass_units if passes else None,
    }


def line_out(report: figures.Report, line: figures.Line) -> dict:
    passes = line.level != "resource"
    return {
        "total": figures_out(line.total, passes=passes),
        "periodes": [
            {
                "periode": period.label,
                "du": period.first_day,
                "au": period.last_day,
                "chiffres": figures_out(f, passes=passes),
            }
            for period, f in zip(report.periods, line.periods, strict=True)
        ],
    }


def _report_out(report: figures.Report, pas: str) -> dict:
    return {
        "du": report.first_day,
        "au": report.last_day,
        "pas": pas,
        "calcule_le": report.now.isoformat(),
        **line_out(report, report.scope),
    }


@router.get(
    "/chiffres/lieu/{place_id}",
    response=PlaceFiguresOut,
    auth=django_auth,
    summary="Occupation et fréquentation d'un lieu (équipe du lieu)",
)
def place_figures(request: HttpRequest, place_id: UUID, query: Query[FiguresQuery]):
    place = get_or_404(Place.objects.all(), "Lieu introuvable.", public_id=place_id)
    if not can_manage_bookings(request.auth, place):
        raise Http404("Lieu introuvable.")
    first_day, last_day, grain = query.period()
    report = figures.place_figures(place, first_day, last_day, grain)
    return {
        **_report_out(report, query.pas),
        "lieu": {"id": place.public_id, "nom": place.name},
        "ressources": [
            {
                "id": line.resource.pk,
                "nom": line.resource.name,
                "type": line.resource.kind,
                "places": line.resource.capacity,
                **line_out(report, line),
            }
            for line in report.lines
        ],
    }


@router.get(
    "/chiffres/reseau",
    response=NetworkFiguresOut,
    auth=django_auth,
    summary="Occupation et fréquentation du réseau (coordination)",
)
def network_figures(request: HttpRequest, query: Query[FiguresQuery]):
    if not is_coordinator(request.auth):
        raise Http404("Ressource introuvable.")
    first_day, last_day, grain = query.period()
    report = figures.network_figures(first_day, last_day, grain)
    return {
        **_report_out(report, query.pas),
        "lieux": [
            {
                "id": line.place.public_id,
                "nom": line.place.name,
                "labellise": line.labelled,
                **line_out(report, line),
            }
            for line in report.lines
        ],
        "groupes": [
            {"labellise": line.labelled, "nombre_lieux": line.place_count, **line_out(report, line)}
            for line in report.groups
        ],
    }
