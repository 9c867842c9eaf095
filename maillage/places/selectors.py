"""Reads of places: the public directory with its filters, and the scoped fetches for editors."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from maillage.core.geo import bounding_box, haversine_km
from maillage.core.lookups import get_or_404
from maillage.events.selectors import places_upcoming_events, places_with_upcoming_events
from maillage.labelling.badges import labelled_places_subquery, paris_day, with_label
from maillage.places import opening_hours
from maillage.places.models import Kind, Place, PlaceImport, PlaceProposal
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
    with_upcoming_events: bool = False
    labelled: bool = False  # holding the regional label today (Paris day of `now`)


def place_directory(filters: PlaceFilters, *, now: datetime | None = None) -> list[Place]:
    """Public places matching the filters, nearest first when `near` is given, else by name.

    Raises Http404 when `near` names no loaded commune.
    """
    queryset = (
        with_label(_filtered_queryset(filters, now=now), paris_day(now))
        .select_related("commune")
        .prefetch_related(
            Prefetch("kinds", queryset=Kind.objects.order_by("position")), "services", "labels"
        )
    )
    places, distances = _open_now_and_near(
        list(queryset),
        filters,
        now,
        hours=lambda p: p.opening_hours,
        position=lambda p: (p.latitude, p.longitude),
        name=lambda p: p.name,
    )
    for place in places:
        if distances:
            place.distance_km = distances[id(place)]
    return places


def _open_now_and_near(items: list, filters: PlaceFilters, now, *, hours, position, name):
    """What SQL cannot do: evaluate opening hours now, and keep and sort by true distance.

    Returns the kept items and their distances in km keyed by id(item) (empty without `near`).
    """
    if filters.open_now:
        now = now or timezone.now()
        items = [item for item in items if opening_hours.is_open(hours(item), now)]
    if not filters.near:
        return items, {}
    origin = get_or_404(
        Commune.objects.all(),
        f"Commune introuvable : aucune commune n'a le code INSEE « {filters.near} ».",
        code=filters.near,
    )
    distances = {
        id(item): haversine_km(origin.centroid_lat, origin.centroid_lon, *position(item))
        for item in items
    }
    kept = sorted(
        (item for item in items if distances[id(item)] <= filters.radius_km),
        key=lambda item: (distances[id(item)], name(item)),
    )
    return kept, distances


def _filtered_queryset(filters: PlaceFilters, *, now: datetime | None = None) -> QuerySet[Place]:
    queryset = Place.objects.filter(status__in=filters.statuses)
    if filters.with_upcoming_events:
        queryset = queryset.filter(pk__in=places_with_upcoming_events(now=now))
    if not filters.include_demo:
        queryset = queryset.filter(is_demo=False)
    if filters.labelled:
        queryset = queryset.filter(pk__in=labelled_places_subquery(paris_day(now)))
    if filters.q:
        folded = fold_name(filters.q)
        queryset = queryset.filter(
            Q(name__icontains=filters.q.strip())
            | Q(description__icontains=filters.q.strip())
            | Q(commune__search_name__contains=folded)
        )
    if filters.kinds:
        queryset = queryset.filter(kinds__slug__in=filters.kinds)
    # All of the services: one subquery each, not one join each (SQLite stops at 64 tables in a
    # join, and a query string may repeat a service a hundred times).
    for slug in dict.fromkeys(filters.services):
        offering = Place.services.through.objects.filter(service__slug=slug)
        queryset = queryset.filter(pk__in=offering.values("place_id"))
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


def place_get_public(*, public_id, now: datetime | None = None) -> Place:
    """The place with its label in force today (`label_name`, `label_starts_on`,
    `label_expires_on`, see labelling.badges.with_label)."""
    return get_or_404(
        with_label(Place.objects.all(), paris_day(now))
        .select_related("commune__departement", "commune__epci", "operator")
        .prefetch_related("kinds", "services", "labels", "photos"),
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
    return (
        PlaceProposal.objects.filter(status=PlaceProposal.Status.PENDING)
        .select_related("author", "place")
        .prefetch_related("place__kinds", "place__services", "place__labels")
        .order_by("created_at", "pk")
    )


def proposal_get_for_moderator(*, user, proposal_id: int) -> PlaceProposal:
    if not can_moderate(user):
        raise Http404("Page introuvable.")
    return get_or_404(
        PlaceProposal.objects.select_related("author", "place"),
        "Proposition introuvable.",
        pk=proposal_id,
    )


def directory_version() -> str:
    """Changes whenever a place is created, edited (incl. its services) or deleted."""
    summary = Place.objects.aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
    last = summary["last"].isoformat() if summary["last"] else ""
    return f"{summary['count']}:{summary['top']}:{last}"


def place_map_features(filters: PlaceFilters, *, now: datetime | None = None) -> list[tuple]:
    """Light rows for the map (thousands of markers): one query for places, one for their kinds,
    one for the upcoming events of every place (grouped, never one per place).

    Each row: (public_id text, name, latitude, longitude, status, is_demo, desks, commune name,
    kinds, distance_km or None, approximate position, label short name or None (in force on the
    Paris day of `now`, a subquery of the same SELECT), upcoming events, Paris day of the next
    one or None). Tuples, not model instances: this is the hot path of the map.
    """
    now = now or timezone.now()
    rows = list(
        with_label(_filtered_queryset(filters, now=now), paris_day(now))
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
            "position_approximate",
            "label_name",
        )
    )
    rows, distances = _open_now_and_near(
        rows,
        filters,
        now,
        hours=lambda r: r[7],
        position=lambda r: (r[3], r[4]),
        name=lambda r: r[2],
    )
    kinds: dict[int, list[str]] = {}
    through = Place.kinds.through.objects.filter(place_id__in=[r[0] for r in rows])
    for place_id, slug in through.order_by("kind__position").values_list("place_id", "kind__slug"):
        kinds.setdefault(place_id, []).append(slug)
    events = places_upcoming_events(now=now)
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
            distances.get(id(r)),
            r[11],
            r[12],
            *events.get(r[0], (0, None)),
        )
        for r in rows
    ]


def place_import_get_for_user(*, user, import_id: int) -> PlaceImport:
    """A coordinator's own upload; anyone else gets a 404 (the file may hold contact data)."""
    if not can_moderate(user):
        raise Http404("Import introuvable.")
    return get_or_404(
        PlaceImport.objects.filter(created_by=user), "Import introuvable.", pk=import_id
    )


def place_imports_recent(*, user, limit: int = 10) -> list[PlaceImport]:
    if not can_moderate(user):
        return []
    return list(PlaceImport.objects.filter(created_by=user).defer("content")[:limit])
