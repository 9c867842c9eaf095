"""Reads of places: the public directory with its filters, and the scoped fetches for editors."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from maillage.core.geo import bounding_box, haversine_km
from maillage.core.lookups import get_or_404
from maillage.places import opening_hours
from maillage.places.models import Kind, Place, PlaceProposal
from maillage.places.permissions import can_edit_place, can_moderate
from maillage.territory.models import Commune
from maillage.territory.search_names import fold_name


@dataclass
class PlaceFilters:
    q: str = ""
    kinds: list[str] = field(default_factory=list)  # any of
    services: list[str] = field(default_factory=list)  # all of
    labels: list[str] = field(default_factory=list)  # any of
    statuses: list[str] = field(default_factory=lambda: [Place.Status.OPEN, Place.Status.PROJECT])
    open_now: bool = False
    min_desks: int | None = None
    commune: str = ""
    epci: str = ""
    departement: str = ""
    near: str = ""  # INSEE code of a commune; with radius_km
    radius_km: float = 20.0
    include_demo: bool = True


def place_directory(filters: PlaceFilters, *, now: datetime | None = None) -> list[Place]:
    """Public places matching the filters, nearest first when `near` is given, else by name.

    Raises Http404 when `near` names no loaded commune.
    """
    queryset = (
        _filtered_queryset(filters)
        .select_related("commune")
        .prefetch_related(
            Prefetch("kinds", queryset=Kind.objects.order_by("position")), "services", "labels"
        )
    )
    places = list(queryset)
    if filters.open_now:
        now = now or timezone.now()
        places = [p for p in places if opening_hours.is_open(p.opening_hours, now)]
    if filters.near:
        origin = get_or_404(
            Commune.objects.all(),
            f"Commune introuvable : aucune commune n'a le code INSEE « {filters.near} ».",
            code=filters.near,
        )
        for place in places:
            place.distance_km = haversine_km(
                origin.centroid_lat, origin.centroid_lon, place.latitude, place.longitude
            )
        places = sorted(
            (p for p in places if p.distance_km <= filters.radius_km),
            key=lambda p: (p.distance_km, p.name),
        )
    return places


def _filtered_queryset(filters: PlaceFilters) -> QuerySet[Place]:
    queryset = Place.objects.filter(status__in=filters.statuses)
    if not filters.include_demo:
        queryset = queryset.filter(is_demo=False)
    if filters.q:
        folded = fold_name(filters.q)
        queryset = queryset.filter(
            Q(name__icontains=filters.q.strip())
            | Q(description__icontains=filters.q.strip())
            | Q(commune__search_name__contains=folded)
        )
    if filters.kinds:
        queryset = queryset.filter(kinds__slug__in=filters.kinds)
    for slug in filters.services:
        queryset = queryset.filter(services__slug=slug)
    if filters.labels:
        queryset = queryset.filter(labels__slug__in=filters.labels)
    if filters.min_desks:
        queryset = queryset.alias(desks=F("open_space_desks") + F("private_office_seats")).filter(
            desks__gte=filters.min_desks
        )
    if filters.commune:
        queryset = queryset.filter(commune__code=filters.commune)
    if filters.epci:
        queryset = queryset.filter(commune__epci__code=filters.epci)
    if filters.departement:
        queryset = queryset.filter(commune__departement__code=filters.departement)
    if filters.near:
        origin = Commune.objects.filter(code=filters.near).values("centroid_lat", "centroid_lon")
        origin = origin.first()
        if origin and origin["centroid_lat"] is not None:
            min_lat, max_lat, min_lon, max_lon = bounding_box(
                origin["centroid_lat"], origin["centroid_lon"], filters.radius_km
            )
            queryset = queryset.filter(
                latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
            )
    if filters.kinds or filters.services or filters.labels:
        queryset = queryset.distinct()  # joins on many-to-many tables repeat rows
    return queryset.order_by("name", "id")


def place_get_public(*, public_id) -> Place:
    return get_or_404(
        Place.objects.select_related(
            "commune__departement", "commune__epci", "operator"
        ).prefetch_related("kinds", "services", "labels", "photos"),
        "Lieu introuvable.",
        public_id=public_id,
    )


def place_get_for_editor(*, user, public_id) -> Place:
    """The place if this user may edit it directly; 404 otherwise (no hint that it exists)."""
    place = place_get_public(public_id=public_id)
    if not can_edit_place(user, place):
        raise Http404("Lieu introuvable.")
    return place


def proposals_pending(*, user) -> QuerySet[PlaceProposal]:
    if not can_moderate(user):
        raise Http404("Page introuvable.")
    return PlaceProposal.objects.filter(status=PlaceProposal.Status.PENDING).select_related(
        "author", "place"
    )


def proposal_get_for_moderator(*, user, proposal_id: int) -> PlaceProposal:
    return get_or_404(
        proposals_pending(user=user).model.objects.select_related("author", "place"),
        "Proposition introuvable.",
        pk=proposal_id,
    )


def directory_version() -> str:
    """Changes whenever a place is created, edited (incl. its services) or deleted."""
    summary = Place.objects.aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
    last = summary["last"].isoformat() if summary["last"] else ""
    return f"{summary['count']}:{summary['top']}:{last}"


def place_map_features(filters: PlaceFilters, *, now: datetime | None = None) -> list[tuple]:
    """Light rows for the map (thousands of markers): one query for places, one for their kinds.

    Each row: (public_id text, name, latitude, longitude, status, is_demo, desks, commune name,
    kinds, distance_km or None). Tuples, not model instances: this is the hot path of the map.
    """
    rows = list(
        _filtered_queryset(filters)
        .order_by()
        .values_list(
            "id",
            "public_id",
            "name",
            "latitude",
            "longitude",
            "status",
            "is_demo",
            "opening_hours",
            "open_space_desks",
            "private_office_seats",
            "commune__name",
        )
    )
    if filters.open_now:
        now = now or timezone.now()
        rows = [r for r in rows if opening_hours.is_open(r[7], now)]
    distances: dict[int, float] = {}
    if filters.near:
        origin = get_or_404(
            Commune.objects.all(),
            f"Commune introuvable : aucune commune n'a le code INSEE « {filters.near} ».",
            code=filters.near,
        )
        for row in rows:
            distances[row[0]] = haversine_km(
                origin.centroid_lat, origin.centroid_lon, row[3], row[4]
            )
        rows = sorted(
            (r for r in rows if distances[r[0]] <= filters.radius_km),
            key=lambda r: (distances[r[0]], r[2]),
        )
    kinds: dict[int, list[str]] = {}
    through = Place.kinds.through.objects.filter(place_id__in=[r[0] for r in rows])
    for place_id, slug in through.order_by("kind__position").values_list("place_id", "kind__slug"):
        kinds.setdefault(place_id, []).append(slug)
    return [
        (
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[8] + r[9],
            r[10],
            kinds.get(r[0], []),
            distances.get(r[0]),
        )
        for r in rows
    ]
