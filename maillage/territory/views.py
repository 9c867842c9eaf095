from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.territory import selectors
from maillage.territory.models import Commune, Region

SEARCH_RESULTS = 10


def home(request: HttpRequest) -> HttpResponse:
    region = Region.objects.filter(code=settings.MAILLAGE_DEFAULT_REGION).first()
    selected = _selected_commune(request.GET.get("commune", ""))
    return render(
        request,
        "territory/home.html",
        {
            "region": region,
            "selected": selected,
            "map_config": {
                "regionCode": region.code if region else None,
                "tileUrl": settings.MAILLAGE_TILE_URL,
                "tileAttribution": settings.MAILLAGE_TILE_ATTRIBUTION,
                "selectedCommune": {
                    "code": selected.code,
                    "lat": selected.centroid_lat,
                    "lon": selected.centroid_lon,
                }
                if selected
                else None,
            },
        },
    )


def _selected_commune(code: str) -> Commune | None:
    if not code or len(code) != 5:
        return None
    return (
        Commune.objects.select_related("departement", "epci")
        .prefetch_related("postal_codes")
        .filter(code=code.upper())
        .first()
    )


def commune_search_results(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    communes = []
    if query.strip():
        communes = list(
            selectors.commune_search(query=query).select_related("departement", "epci")[
                :SEARCH_RESULTS
            ]
        )
    # Nothing found for an overseas collectivity's code or name: say why, not just « aucune ».
    outside = "" if communes or not query.strip() else selectors.commune_outside_message(query)
    template = (
        "territory/partials/commune_results.html" if request.htmx else "territory/search_page.html"
    )
    return render(
        request, template, {"query": query, "communes": communes, "outside": outside or ""}
    )
