"""Reads of the reference geography: search, filtered lists, outlines as GeoJSON."""

import json
import re
from dataclasses import dataclass
from enum import StrEnum

import shapely
from django.core.exceptions import ValidationError
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from maillage.core.lookups import get_or_404
from maillage.territory.models import EPCI, Commune, Departement, Region
from maillage.territory.search_names import fold_name

INSEE_CODE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$", re.IGNORECASE)
POSTAL_CODE = re.compile(r"^[0-9]{5}$")

_DIGITS = re.compile(r"^[0-9][0-9AB][0-9]{0,3}$", re.IGNORECASE)


def commune_search(*, query: str, queryset: QuerySet[Commune] | None = None) -> QuerySet[Commune]:
    """Communes matching a name, an INSEE code or a postcode, best match first.

    Ranking: exact name (or code) first, then names starting with the query, then names with a word
    starting with it, then names containing it; ties broken by population (largest first).
    """
    queryset = Commune.objects.all() if queryset is None else queryset
    text = query.strip()
    if not text:
        return queryset.none()
    if _DIGITS.match(text):
        code = text.upper()
        return (
            queryset.filter(Q(code__startswith=code) | Q(postal_codes__code__startswith=code))
            .annotate(
                rank=Case(
                    When(code=code, then=Value(0)),
                    When(postal_codes__code=code, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", F("population").desc(nulls_last=True), "code")
            .distinct()
        )
    folded = fold_name(text)
    if not folded:
        return queryset.none()
    return (
        queryset.filter(search_name__contains=folded)
        .annotate(
            rank=Case(
                When(search_name=folded, then=Value(0)),
                When(search_name__startswith=folded, then=Value(1)),
                When(search_name__contains=" " + folded, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", F("population").desc(nulls_last=True), "code")
    )


def commune_list(
    *,
    query: str = "",
    region: str | None = None,
    departement: str | None = None,
    epci: str | None = None,
) -> QuerySet[Commune]:
    queryset = Commune.objects.select_related("departement", "epci")
    if region:
        queryset = queryset.filter(departement__region__code=region)
    if departement:
        queryset = queryset.filter(departement__code=departement)
    if epci:
        queryset = queryset.filter(epci__code=epci)
    if query:
        return commune_search(query=query, queryset=queryset)
    return queryset.order_by("code")


def commune_get(*, code: str) -> Commune:
    return get_or_404(
        Commune.objects.select_related("departement__region", "epci").prefetch_related(
            "postal_codes"
        ),
        f"Commune introuvable : aucune commune n'a le code INSEE « {code} ».",
        code=code.upper(),
    )


@dataclass(frozen=True)
class EPCIWithMembers:
    epci: EPCI
    members: list[Commune]
    loaded_population: int

    @property
    def complete(self) -> bool:
        return len(self.members) == self.epci.commune_count


def epci_get_with_members(*, code: str) -> EPCIWithMembers:
    epci = get_or_404(
        EPCI.objects.all(),
        f"EPCI introuvable : aucun EPCI chargé n'a le SIREN « {code} ».",
        code=code,
    )
    members = list(epci.communes.select_related("departement").order_by("name", "code"))
    loaded = epci.communes.aggregate(total=Sum("population"))["total"] or 0
    return EPCIWithMembers(epci=epci, members=members, loaded_population=loaded)


class AreaLevel(StrEnum):
    REGION = "region"
    DEPARTEMENT = "departement"
    EPCI = "epci"


class Mesh(StrEnum):
    """What the features of an outline collection are."""

    COMMUNES = "communes"
    EPCI = "epci"
    DEPARTEMENTS = "departements"
    AREA = "perimetre"


_AREA_MODELS = {AreaLevel.REGION: Region, AreaLevel.DEPARTEMENT: Departement, AreaLevel.EPCI: EPCI}
_COMMUNE_FILTER = {
    AreaLevel.REGION: "departement__region",
    AreaLevel.DEPARTEMENT: "departement",
    AreaLevel.EPCI: "epci",
}


def outline_collection(*, level: AreaLevel, code: str, mesh: Mesh) -> str:
    """GeoJSON FeatureCollection (as text) of an area cut by a mesh; 404 if the area is unknown.

    Geometries are stored as GeoJSON text and spliced in as they are: no parsing per request.
    """
    model = _AREA_MODELS[level]
    area = get_or_404(
        model.objects.all(),
        f"{model._meta.verbose_name.capitalize()} introuvable : "
        f"aucun territoire chargé n'a le code « {code} ».",
        code=code,
    )
    communes = Commune.objects.filter(**{_COMMUNE_FILTER[level]: area})
    if mesh == Mesh.AREA:
        rows = [(area.code, area.name, _area_population(level, area), area.outline)]
    elif mesh == Mesh.COMMUNES:
        rows = communes.order_by("code").values_list("code", "name", "population", "outline")
    elif mesh == Mesh.EPCI:
        rows = (
            EPCI.objects.filter(communes__in=communes)
            .distinct()
            .order_by("code")
            .values_list("code", "name", "population", "outline")
        )
    else:
        populations = dict(
            communes.order_by().values_list("departement__code").annotate(total=Sum("population"))
        )
        rows = [
            (d.code, d.name, populations.get(d.code), d.outline)
            for d in Departement.objects.filter(code__in=populations).order_by("code")
        ]
    return _feature_collection(rows)


def _area_population(level: AreaLevel, area) -> int | None:
    if level == AreaLevel.EPCI:
        return area.population
    return Commune.objects.filter(**{_COMMUNE_FILTER[level]: area}).aggregate(
        total=Sum("population")
    )["total"]


def _feature_collection(rows) -> str:
    features = []
    for code, name, population, outline in rows:
        properties = json.dumps(
            {"code": code, "nom": name, "population": population},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        geometry = outline or "null"
        features.append(
            f'{{"type":"Feature","id":"{code}","properties":{properties},"geometry":{geometry}}}'
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


# Half-size of the box searched around a point, in degrees: larger than any commune's reach from
# its centroid (checked by a test), except in Guyane, handled by the fallback below.
_POINT_SEARCH_BOX = 0.35


def commune_at_point(*, latitude: float, longitude: float) -> Commune | None:
    """The loaded commune whose boundary contains the point, or None (sea, abroad, not loaded)."""
    point = shapely.Point(longitude, latitude)
    nearby = Commune.objects.filter(
        centroid_lat__range=(latitude - _POINT_SEARCH_BOX, latitude + _POINT_SEARCH_BOX),
        centroid_lon__range=(longitude - _POINT_SEARCH_BOX, longitude + _POINT_SEARCH_BOX),
        boundary__isnull=False,
    ).only("id", "code", "name", "boundary")
    for commune in nearby:
        if shapely.from_wkb(bytes(commune.boundary)).covers(point):
            return commune
    if latitude < 6:  # Guyane: communes of several thousand km², centroids far from their edges
        for commune in Commune.objects.filter(departement__code="973", boundary__isnull=False):
            if shapely.from_wkb(bytes(commune.boundary)).covers(point):
                return commune
    return None


def commune_resolve(*, text: str) -> tuple[str, str] | None:
    """(code, name) of the commune a person typed: INSEE code, postcode or name; None for an
    empty text; a French `ValidationError` when it is unknown or ambiguous (forms show it)."""
    text = " ".join(text.split())
    if not text:
        return None
    if INSEE_CODE.match(text):
        row = Commune.objects.filter(code=text.upper()).values_list("code", "name").first()
        if row:
            return row
    digits = text.isdigit()
    rows = []
    if POSTAL_CODE.match(text) or not digits:
        rows = list(commune_search(query=text).values_list("code", "name", "rank")[:2])
    # Exact name (rank 0), or exact postcode (rank 1); homonyms: the most populous first.
    exact = [row for row in rows if row[2] <= (1 if digits else 0)]
    if exact:
        return exact[0][:2]
    if len(rows) == 1:
        return rows[0][:2]
    if rows:
        raise ValidationError(
            _(
                "Plusieurs communes correspondent à « %(text)s » : "
                "donnez le nom complet ou le code INSEE."
            ),
            params={"text": text},
        )
    raise ValidationError(
        _("Commune inconnue : « %(text)s ». Donnez son nom ou son code INSEE, ex. 14118."),
        params={"text": text},
    )
