"""Public directory with its map, the place page, and the widget partner sites embed."""

import html
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from maillage.core.middleware import policy_for, tile_origin
from maillage.labelling.badges import scheme_short_name
from maillage.places import opening_hours, selectors
from maillage.places.filters_form import DirectoryFilterForm, service_icon_url
from maillage.places.models import Kind, Place
from maillage.places.opendata.export import FORMATS, export_response
from maillage.places.permissions import can_edit_place, can_moderate, can_propose

PAGE_SIZE = 50
ANY_ID = UUID(int=0)  # placeholder in the URL pattern given to the map script
WIDGET_LIMIT = 200


def _directory_context(request: HttpRequest, *, limit: int | None = None) -> tuple[dict, int]:
    """Filters from the query string, the matching places, and what the map script needs."""
    form = DirectoryFilterForm(request.GET)
    context = {
        "form": form,
        "places": [],
        "count": 0,
        "query": "",
        # The badge's text, for the map's legend (popups take it from each feature).
        "map_config": _map_config(labelName=scheme_short_name()),
        "exports": [],
    }
    if not form.is_valid():
        return context, 400
    now = timezone.now()
    places = selectors.place_directory(form.filters(), now=now)
    context["count"] = len(places)
    if limit is None:
        page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        places = page.object_list
    else:
        places = places[:limit]
    for place in places:
        place.open_now = opening_hours.is_open(place.opening_hours, now)
        place.distance_km = getattr(place, "distance_km", None)
    query = urlencode(form.query_items())
    context.update(
        places=places,
        query=query,
        near=form.near_commune,
        radius_km=form.radius_km(),
        directory_url=reverse("places:directory") + (f"?{query}" if query else ""),
        exports=_export_links(form.query_items()),
    )
    return context, 200


def _export_links(query_items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(label, URL) of each download, carrying the directory's filters."""
    url = reverse("places:export")
    return [
        (spec.label, f"{url}?{urlencode([('format', fmt), *query_items])}")
        for fmt, spec in FORMATS.items()
    ]


def _map_config(**extra) -> dict:
    """For the map script (json_script): background layers and kind names for the popups."""
    return {
        "tileUrl": settings.MAILLAGE_TILE_URL,
        "tileAttribution": settings.MAILLAGE_TILE_ATTRIBUTION,
        "regionCode": settings.MAILLAGE_DEFAULT_REGION,
        "apiUrl": reverse("api:map_places"),
        "detailUrl": reverse("places:detail", kwargs={"public_id": ANY_ID}),
        "kinds": dict(Kind.objects.values_list("slug", "name")),
        **extra,
    }


def _embed_code(request: HttpRequest, query: str) -> str:
    """The HTML a partner pastes (plain text: the template escapes it once more for display)."""
    src = request.build_absolute_uri(reverse("places:widget")) + (f"?{query}" if query else "")
    title = _("Carte des lieux du réseau")
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" '
        'height="520" loading="lazy" style="border:0"></iframe>'
    )


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    context, status = _directory_context(request)
    context["embed_code"] = _embed_code(request, context["query"])
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context["partial"] = partial  # the list, with out-of-band updates of the count and embed code
    template = "places/partials/place_list.html" if partial else "places/directory.html"
    response = render(request, template, context, status=status)
    if partial:
        # The address bar shows the filters actually applied, without the empty fields.
        shown = context["query"] if status == 200 else _raw_query(request)
        if status == 200 and context["page"].number > 1:
            shown += ("&" if shown else "") + f"page={context['page'].number}"
        response["HX-Push-Url"] = reverse("places:directory") + (f"?{shown}" if shown else "")
    # Same URL, two bodies (page or list): caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
def directory_export(request: HttpRequest) -> HttpResponse:
    """The directory's places, with its filters, as a file: what anyone sees on /lieux/.

    Demo places follow the directory (shown unless `demo=false`, marked `demo` in the file);
    the national schema's files never hold them.
    """
    fmt = request.GET.get("format", "csv")
    form = DirectoryFilterForm(request.GET)
    if fmt not in FORMATS:
        choices = ", ".join(FORMATS)
        return _text_error(f"Format inconnu : « {fmt[:40]} ». Formats possibles : {choices}.")
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label} : {error}" if name in form.fields else error
            for name, messages in form.errors.items()
            for error in messages
        ]
        return _text_error("Certains filtres sont invalides :\n" + "\n".join(errors))
    try:
        places = selectors.place_directory(form.filters())
    except Http404 as error:
        return _text_error(str(error), status=404)
    return export_response(places, fmt)


def _text_error(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _raw_query(request: HttpRequest) -> str:
    """The fields the visitor filled, as typed (to show them back when they are wrong)."""
    return urlencode(
        [(key, value) for key, values in request.GET.lists() for value in values if value]
    )


@require_safe
@xframe_options_exempt
def widget(request: HttpRequest) -> HttpResponse:
    context, status = _directory_context(request, limit=WIDGET_LIMIT)
    context["map_config"]["widget"] = True
    response = render(request, "places/widget.html", context, status=status)
    # Partner sites embed this page: any ancestor may frame it, nothing else is relaxed.
    response["Content-Security-Policy"] = policy_for(tile_origin(), frame_ancestors="*")
    return response


@require_safe
def place_detail(request: HttpRequest, public_id) -> HttpResponse:
    now = timezone.now()
    try:
        place = selectors.place_get_public(public_id=public_id, now=now)
    except Http404:
        return render(request, "places/place_detail.html", {"place": None}, status=404)
    can_edit = can_edit_place(request.user, place)
    change_url = reverse("places:change", kwargs={"public_id": place.public_id})
    return render(
        request,
        "places/place_detail.html",
        {
            "place": place,
            **_hours_context(place.opening_hours, now),
            "capacity": _capacity_rows(place),
            "services": [
                (service, service_icon_url(service.icon)) for service in place.services.all()
            ],
            "prices": _price_rows(place),
            # The award's échéance is the first day without the label: the page shows the last.
            "label_last_day": place.label_expires_on - timedelta(days=1)
            if place.label_expires_on
            else None,
            "can_edit": can_edit,
            "can_propose": can_propose(request.user),
            "can_see_history": can_edit or can_moderate(request.user),
            "change_url": change_url,
            "login_url": reverse("accounts:login") + "?" + urlencode({"next": change_url}),
            "map_config": _map_config(
                place={
                    "lat": place.latitude,
                    "lon": place.longitude,
                    "name": place.name,
                }
            ),
        },
    )


def _hours_context(expression: str, now: datetime) -> dict:
    """Opening hours in French, the table of the current week, and open/closed now (Paris)."""
    if not expression:
        return {"hours_lines": [], "week": [], "open_now": None, "next_change": ""}
    today = timezone.localdate(now, timezone=opening_hours.PARIS)
    try:
        week = opening_hours.week_table_fr(expression, today)
    except opening_hours.OpeningHoursError:  # stored before validation existed, or imported
        week = []
    monday = today - timedelta(days=today.weekday())
    open_now = opening_hours.is_open(expression, now)
    return {
        "hours_lines": opening_hours.describe_fr(expression),
        "week": [
            {"day": day, "hours": hours, "today": index == today.weekday()}
            for index, (day, hours) in enumerate(week)
        ],
        "week_caption": _("Semaine du %(start)s au %(end)s")
        % {
            "start": formats.date_format(monday, "j F"),
            "end": formats.date_format(monday + timedelta(days=6), "j F Y"),
        },
        "open_now": open_now,
        "next_change": _next_change_fr(expression, now, open_now),
    }


def _next_change_fr(expression: str, now: datetime, open_now: bool | None) -> str:
    """« jusqu'à 18 h » or « ouvre lundi à 9 h », within the coming week; "" otherwise."""
    if open_now is None:
        return ""
    change = opening_hours.next_change(expression, now)
    if change is None or change - now > timedelta(days=7):
        return ""
    change = change.astimezone(opening_hours.PARIS)
    clock = f"{change.hour} h" + (f" {change.minute:02d}" if change.minute else "")
    today = timezone.localdate(now, timezone=opening_hours.PARIS)
    if change.date() == today:
        day = ""
    elif change.date() == today + timedelta(days=1):
        day = _("demain") + " "
    else:
        day = formats.date_format(change, "l") + " "
    if open_now:
        return _("jusqu'à %(moment)s") % {"moment": day + clock}
    return _("ouvre %(moment)s") % {"moment": day + _("à") + " " + clock}


def _capacity_rows(place: Place) -> list[tuple[str, str, str]]:
    """(Kind of space, how many, workstations) rows of the capacity table."""
    return [
        (_("Espace de travail partagé"), "—", str(place.open_space_desks)),
        (_("Bureaux fermés"), str(place.private_offices), str(place.private_office_seats)),
        (_("Salles de réunion"), str(place.meeting_rooms), "—"),
        (_("Salles de visioconférence"), str(place.visio_rooms), "—"),
    ]


def euros(value: Decimal) -> str:
    """French style: « 1 500,00 € » (no-break spaces)."""
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True) + "\u00a0€"


def _price_rows(place: Place) -> list[tuple[str, str]]:
    rows = [
        (_("Demi-journée"), place.price_half_day),
        (_("Journée"), place.price_day),
        (_("Mois"), place.price_month),
    ]
    return [(label, euros(value)) for label, value in rows if value is not None]
