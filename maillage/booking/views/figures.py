"""Occupancy and attendance dashboards: a place's team sees its place, coordinators the network.

The same page answers a download (`format=csv|xlsx`). A wrong parameter gives the page again with
the message and HTTP 400, never a silently different period.
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from maillage.booking import exports, figures
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import local_day
from maillage.core.lookups import get_or_404
from maillage.places.models import Place
from maillage.places.permissions import is_coordinator

GRAIN_LABELS = {"jour": "Jour", "semaine": "Semaine", "mois": "Mois"}
FORMATS = ("csv", "xlsx")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

# Chart geometry, in SVG user units (the drawing scales to the width of the page).
CHART_WIDTH = 680
LABEL_WIDTH = 150
BAR_SPACE = 300  # 100 %
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14


@dataclass(frozen=True)
class Query:
    first_day: date
    last_day: date
    grain_name: str
    export: str

    @property
    def grain(self) -> figures.Grain:
        return figures.GRAIN_NAMES[self.grain_name]

    def link(self, **extra) -> str:
        params = {
            "du": self.first_day.isoformat(),
            "au": self.last_day.isoformat(),
            "pas": self.grain_name,
        }
        return "?" + urlencode(params | extra)


def _read_day(raw: str, default: date, which: str) -> date:
    if not raw:
        return default
    try:
        if not _ISO_DAY.fullmatch(raw):
            raise ValueError(raw)  # fromisoformat also takes 20261130 or 2026-W48-1
        return date.fromisoformat(raw)
    except ValueError:
        raise figures.FiguresError(
            f"Date {which} illisible : « {raw[:20]} ». "
            "Écrivez-la sous la forme AAAA-MM-JJ, par exemple 2026-10-01."
        ) from None


def read_query(params) -> Query:
    """The period, grain and format asked for; FiguresError with a French message otherwise."""
    default_first, default_last = figures.default_range(local_day(timezone.now()))
    first_day = _read_day(params.get("du", "").strip(), default_first, "de début")
    last_day = _read_day(params.get("au", "").strip(), default_last, "de fin")
    figures.check_range(first_day, last_day)
    grain_name = params.get("pas", "").strip() or "jour"
    if grain_name not in figures.GRAIN_NAMES:
        raise figures.FiguresError("Pas inconnu : choisissez jour, semaine ou mois.")
    export = params.get("format", "").strip()
    if export and export not in FORMATS:
        raise figures.FiguresError("Format de téléchargement inconnu : choisissez csv ou xlsx.")
    return Query(first_day, last_day, grain_name, export)


def _number_fr(value: float | int, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _percent_fr(ratio: float | None) -> str:
    value = figures.percent(ratio)
    return "—" if value is None else _number_fr(value, 1) + " %"


def columns(report: figures.Report) -> list[str]:
    """Headers of the on-screen tables; the rooms or seats columns only when the scope has some."""
    headers = ["Heures d'ouverture"]
    if report.has_rooms:
        headers += ["Salles et bureaux : heures réservées", "Salles et bureaux : occupation"]
    if report.has_seats:
        headers += ["Postes : heures-postes réservées", "Postes : occupation"]
    return [
        *headers,
        "Réservations",
        "Terminées",
        "Absences",
        "Taux d'absence",
        "Utilisateurs",
        "Nouveaux utilisateurs",
        "Unités de pass réseau",
        "Unités de carnets du lieu",
    ]


def cells(report: figures.Report, line: figures.Line, f: figures.Figures) -> list[str]:
    """The display values of one row, in the order of `columns`; "—" when not applicable."""
    values = [_number_fr(f.open_hours, 1)]
    if report.has_rooms:
        rooms = f.room_open_seconds or f.room_booked_seconds
        values += [
            _number_fr(f.room_booked_hours, 1) if rooms else "—",
            _percent_fr(f.occupancy),
        ]
    if report.has_seats:
        seats = f.seat_capacity_seconds or f.seat_booked_seconds
        values += [
            _number_fr(f.seat_booked_hours, 1) if seats else "—",
            _percent_fr(f.seat_occupancy),
        ]
    values += [
        _number_fr(f.bookings),
        _number_fr(f.ended),
        _number_fr(f.no_shows),
        _percent_fr(f.no_show_rate),
        _number_fr(f.users),
        _number_fr(f.new_users),
    ]
    if line.level == "resource":
        return [*values, "—", "—"]
    return [*values, _number_fr(f.network_pass_units), _number_fr(f.place_pass_units)]


def key_figures(report: figures.Report) -> list[tuple[str, str, str]]:
    """(Term, value, detail) of the whole range, for the top of the page."""
    total = report.scope.total
    keys = []
    if report.has_rooms:
        keys.append(
            (
                "Occupation des salles et bureaux",
                _percent_fr(total.occupancy),
                f"{_number_fr(total.room_booked_hours, 1)} h réservées sur "
                f"{_number_fr(total.room_open_hours, 1)} h d'ouverture",
            )
        )
    if report.has_seats:
        keys.append(
            (
                "Occupation des postes en espace partagé",
                _percent_fr(total.seat_occupancy),
                f"{_number_fr(total.seat_booked_hours, 1)} heures-postes réservées sur "
                f"{_number_fr(total.seat_capacity_hours, 1)} disponibles",
            )
        )
    return [
        *keys,
        ("Réservations confirmées", _number_fr(total.bookings), ""),
        (
            "Taux d'absence",
            _percent_fr(total.no_show_rate),
            f"{_number_fr(total.no_shows)} sans présence constatée sur "
            f"{_number_fr(total.ended)} réservations terminées",
        ),
        ("Utilisateurs distincts", _number_fr(total.users), ""),
        (
            "Nouveaux utilisateurs",
            _number_fr(total.new_users),
            "première réservation "
            + ("dans le réseau" if report.scope.level == "network" else "dans ce lieu"),
        ),
        (
            "Unités de pass consommées",
            _number_fr(total.pass_units),
            f"pass réseau : {_number_fr(total.network_pass_units)}, "
            f"carnets du lieu : {_number_fr(total.place_pass_units)}",
        ),
    ]


def chart(report: figures.Report) -> dict:
    """Bars of occupancy per period, with the value written beside each bar (not colour alone)."""
    series = []
    if report.has_rooms:
        series.append(("rooms", "Salles et bureaux", lambda f: f.occupancy))
    if report.has_seats:
        series.append(("seats", "Postes", lambda f: f.seat_occupancy))
    if not series:
        return {}
    group = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + GROUP_GAP
    rows = []
    for index, (period, figures_of_period) in enumerate(
        zip(report.periods, report.scope.periods, strict=True)
    ):
        top = GROUP_GAP // 2 + index * group
        bars = []
        for number, (css, name, rate) in enumerate(series):
            ratio = rate(figures_of_period)
            y = top + number * (BAR_HEIGHT + BAR_GAP)
            width = round(min(ratio or 0, 1) * BAR_SPACE)
            bars.append(
                {
                    "css": css,
                    "y": y,
                    "text_y": y + BAR_HEIGHT - 4,
                    "width": width,
                    "text_x": LABEL_WIDTH + width + 6,
                    "text": f"{name} : {_percent_fr(ratio)}",
                }
            )
        rows.append({"label": period.label_fr, "label_y": top + BAR_HEIGHT - 4, "bars": bars})
    return {
        "width": CHART_WIDTH,
        "height": GROUP_GAP + len(rows) * group,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "full_x": LABEL_WIDTH + BAR_SPACE,
        "rows": rows,
    }


def _answer(
    request: HttpRequest,
    *,
    title: str,
    name: str,
    compute,
    link_for=None,
    extra: dict,
) -> HttpResponse:
    """The page, the download, or the page with the error and HTTP 400."""
    context = {"title": title, "grains": GRAIN_LABELS, **extra}
    try:
        query = read_query(request.GET)
    except figures.FiguresError as error:
        typed = {name: request.GET.get(name, "")[:20] for name in ("du", "au", "pas")}
        context |= {"error": str(error), "form": typed}
        return render(request, "booking/figures.html", context, status=400)
    report = compute(query)
    if query.export:
        header, rows = figures.figures_table(report)
        filename = exports.export_filename(name, query.first_day, query.last_day, query.export)
        if query.export == "csv":
            return exports.csv_response(header, rows, filename)
        return exports.xlsx_response(header, rows, filename)
    context |= {
        "form": {
            "du": query.first_day.isoformat(),
            "au": query.last_day.isoformat(),
            "pas": query.grain_name,
        },
        "report": report,
        "keys": key_figures(report),
        "chart": chart(report),
        "columns": columns(report),
        "period_rows": [
            (period, cells(report, report.scope, f))
            for period, f in zip(report.periods, report.scope.periods, strict=True)
        ],
        "total_cells": cells(report, report.scope, report.scope.total),
        "line_rows": [
            {
                "line": line,
                "link": link_for(line, query) if link_for else "",
                "cells": cells(report, line, line.total),
            }
            for line in report.lines
        ],
        "group_rows": [
            {"line": line, "cells": cells(report, line, line.total)} for line in report.groups
        ],
        "csv_link": query.link(format="csv"),
        "xlsx_link": query.link(format="xlsx"),
    }
    return render(request, "booking/figures.html", context)


@login_required
def place_figures(request: HttpRequest, place_id) -> HttpResponse:
    place = get_or_404(
        Place.objects.select_related("commune"), "Lieu introuvable.", public_id=place_id
    )
    if not can_manage_bookings(request.user, place):
        raise Http404("Lieu introuvable.")
    return _answer(
        request,
        title=f"Fréquentation de {place.name}",
        name=place.name,
        compute=lambda q: figures.place_figures(place, q.first_day, q.last_day, q.grain),
        extra={"place": place},
    )


@login_required
def network_figures(request: HttpRequest) -> HttpResponse:
    if not is_coordinator(request.user):
        raise Http404("Page introuvable.")
    return _answer(
        request,
        title="Fréquentation du réseau",
        name="reseau",
        compute=lambda q: figures.network_figures(q.first_day, q.last_day, q.grain),
        link_for=lambda line, q: (
            reverse("booking:place_figures", kwargs={"place_id": line.place.public_id}) + q.link()
        ),
        extra={"network": True},
    )
