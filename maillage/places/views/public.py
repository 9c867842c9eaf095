"""Public directory with its map, the place page, and the widget partner sites embed."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_exempt

from maillage.core.middleware import policy_for, tile_origin
from maillage.places import opening_hours, selectors
from maillage.places.filters_form import DirectoryFilterForm
from maillage.places.permissions import can_edit_place, can_moderate, can_propose

WIDGET_LIMIT = 200


def _directory_context(request: HttpRequest) -> tuple[dict, int]:
    form = DirectoryFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return {"form": form, "places": [], "query": ""}, 400
    if not request.GET:
        form = DirectoryFilterForm({})
        form.is_valid()
    now = timezone.now()
    places = selectors.place_directory(form.filters(), now=now)
    for place in places:
        place.open_now = opening_hours.is_open(place.opening_hours, now)
    return {"form": form, "places": places, "query": _shareable_query(request)}, 200


def _shareable_query(request: HttpRequest) -> str:
    """The filters actually set: empty fields left out, so the URL stays short and valid."""
    return urlencode(
        [(key, value) for key, values in request.GET.lists() for value in values if value]
    )


def directory(request: HttpRequest) -> HttpResponse:
    context, status = _directory_context(request)
    context["widget_url"] = request.build_absolute_uri(reverse("places:widget"))
    template = "places/partials/place_list.html" if request.htmx else "places/directory.html"
    return render(request, template, context, status=status)


@xframe_options_exempt
def widget(request: HttpRequest) -> HttpResponse:
    context, status = _directory_context(request)
    context["places"] = context["places"][:WIDGET_LIMIT]
    response = render(request, "places/widget.html", context, status=status)
    # Partner sites embed this page: any ancestor may frame it, nothing else is relaxed.
    response["Content-Security-Policy"] = policy_for(tile_origin(), frame_ancestors="*")
    return response


def place_detail(request: HttpRequest, public_id) -> HttpResponse:
    place = selectors.place_get_public(public_id=public_id)
    now = timezone.now()
    local_today = timezone.localdate(now)
    return render(
        request,
        "places/place_detail.html",
        {
            "place": place,
            "hours_lines": opening_hours.describe_fr(place.opening_hours),
            "week": opening_hours.week_table_fr(place.opening_hours, local_today)
            if place.opening_hours
            else [],
            "open_now": opening_hours.is_open(place.opening_hours, now),
            "can_edit": can_edit_place(request.user, place),
            "can_propose": can_propose(request.user),
            "can_see_history": can_edit_place(request.user, place) or can_moderate(request.user),
            "map_config": {"lat": place.latitude, "lon": place.longitude, "name": place.name},
        },
    )
