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
from maillage.territory.models import EPCI, Commune, Departement, PostalCode, Region
from maillage.territory.overseas import outside_message, outside_message_for_name
from maillage.territory.search_names import typed_commune, with_articles

INSEE_CODE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$", re.IGNORECASE)
POSTAL_CODE = re.compile(r"^[0-9]{5}$")

_DIGITS = re.compile(r"^[0-9][0-9AB][0-9]{0,3}$", re.IGNORECASE)
# "INSEE 76600", "code INSEE : 76600", "CP 76600", "code postal 76600": a code read one way only.
_LABELLED_CODE = re.compile(
    r"^(?:code\s+)?(insee|cp|postal)\s*:?\s*((?:[0-9]{2}|2[AB])[0-9]{3})$", re.IGNORECASE
)


_SPACED_CODE = re.compile(r"^[0-9]{2} [0-9]{3}$")


def _by_population():
    return (F("population").desc(nulls_last=True), "code")


def typed_text(text: str) -> str:
    """What a person typed, as the searches read it: spaces collapsed, 200 characters at most,
    NUL characters dropped (PostgreSQL refuses them in a query: a DataError, a 500)."""
    return " ".join(text.replace("\x00", " ").split())[:200]


def commune_search(*, query: str, queryset: QuerySet[Commune] | None = None) -> QuerySet[Commune]:
    """Communes matching a name, an INSEE code or a postcode, best match first.

    A name matches with or without its article ("Havre", "Le Havre"), and may end with a
    département or a code in brackets ("LE HAVRE (76)") and " CEDEX 4". Ranking: exact name
    first, then names starting with the query, then names with a word starting with it, then
    names containing it; five digits: the postcode first, then the INSEE code (docs/decisions/0017);
    ties broken by population (largest first).
    """
    queryset = Commune.objects.all() if queryset is None else queryset
    text = typed_text(query)
    if not text:
        return queryset.none().annotate(rank=Value(0, output_field=IntegerField()))
    labelled = _LABELLED_CODE.match(text)
    if labelled:
        kind, code = labelled.group(1).lower(), labelled.group(2).upper()
        found = queryset.filter(code=code) if kind == "insee" else _with_postal_code(queryset, code)
        return found.annotate(rank=Value(0, output_field=IntegerField())).order_by(
            *_by_population()
        )
    if _DIGITS.match(text):
        code = text.upper()
        return (
            queryset.filter(Q(code__startswith=code) | Q(postal_codes__code__startswith=code))
            .annotate(
                rank=Case(
                    When(postal_codes__code=code, then=Value(0)),
                    When(code=code, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", *_by_population())
            .distinct()
        )
    typed = typed_commune(text)
    if not typed.key:
        return queryset.none().annotate(rank=Value(0, output_field=IntegerField()))
    if typed.departement:
        queryset = queryset.filter(departement__code=typed.departement)
    if typed.code:
        queryset = queryset.filter(code=typed.code) | _with_postal_code(queryset, typed.code)
    exact = [typed.folded, *with_articles(typed.key)]
    starts = Q()
    for name in with_articles(typed.key):
        starts |= Q(search_name__startswith=name)
    return (
        queryset.filter(search_name__contains=typed.key)
        .annotate(
            rank=Case(
                When(search_name__in=exact, then=Value(0)),
                When(starts, then=Value(1)),
                When(search_name__contains=" " + typed.key, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", *_by_population())
    )


def _with_postal_code(queryset: QuerySet[Commune], code: str) -> QuerySet[Commune]:
    return queryset.filter(pk__in=PostalCode.objects.filter(code=code).values("commune_id"))


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
    return feature_collection(rows)


def _area_population(level: AreaLevel, area) -> int | None:
    if level == AreaLevel.EPCI:
        return area.population
    return Commune.objects.filter(**{_COMMUNE_FILTER[level]: area}).aggregate(
        total=Sum("population")
    )["total"]


def feature_collection(rows) -> str:
    """GeoJSON FeatureCollection text from (code, name, population, GeoJSON geometry text) rows."""
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


@dataclass(frozen=True, slots=True)
class CommuneAlternative:
    """The other commune a text could mean, and what to type to get it."""

    code: str
    name: str
    typed: str  # « INSEE 76600 »: read as an INSEE code only


@dataclass(frozen=True, slots=True)
class CommuneMatch:
    """The commune a person typed; `notice` (French) says how the text was read when it could
    mean another commune, which `alternative` then names."""

    code: str
    name: str
    notice: str = ""
    alternative: CommuneAlternative | None = None


def commune_resolve(*, text: str) -> CommuneMatch | None:
    """The commune a person typed: name (article optional, "(76)" or " CEDEX" allowed), postcode
    or INSEE code; None for an empty text; a French `ValidationError` when it is unknown,
    ambiguous or outside the reference (overseas collectivities), which forms show.

    Five digits are read as a postcode first, then as an INSEE code (76600 is Le Havre's postcode
    and Saint-Léonard's INSEE code); the notice then offers the other reading.
    """
    text = typed_text(text)
    if not text:
        return None
    if _SPACED_CODE.match(text):  # "76 600", as on an envelope
        text = text.replace(" ", "")
    labelled = _LABELLED_CODE.match(text)
    if labelled:
        kind, code = labelled.group(1).lower(), labelled.group(2).upper()
        if kind == "insee":
            row = Commune.objects.filter(code=code).values_list("code", "name").first()
            if row:
                return CommuneMatch(code=row[0], name=row[1])
            raise _unknown_code(
                code, _("Commune inconnue : aucune commune n'a le code INSEE « %(code)s ».")
            )
        return _resolve_code(code, insee_too=False)
    if INSEE_CODE.match(text):
        return _resolve_code(text.upper(), insee_too=True)
    if text.isdigit():
        raise ValidationError(
            _("« %(text)s » : un code postal ou un code INSEE compte 5 chiffres, ex. 14000."),
            params={"text": text},
        )
    return _resolve_name(text)


def _resolve_code(code: str, *, insee_too: bool) -> CommuneMatch:
    postal = (
        list(
            Commune.objects.filter(postal_codes__code=code)
            .order_by(*_by_population())
            .values_list("code", "name")
        )
        if code.isdigit()
        else []
    )
    insee = (
        Commune.objects.filter(code=code).values_list("code", "name").first() if insee_too else None
    )
    if not postal and insee:
        outside = outside_message(code)  # 97133: Saint-Barthélemy's postcode, Vieux-Fort's code
        notice = f"{code} lu comme code INSEE ({insee[1]}). {outside}" if outside else ""
        return CommuneMatch(code=insee[0], name=insee[1], notice=notice)
    if not postal:
        raise _unknown_code(
            code, _("Commune inconnue : aucune commune n'a le code postal ou INSEE « %(code)s ».")
        )
    code_chosen, name = postal[0]
    parts = []
    if len(postal) > 1:
        parts.append(
            f"{code} lu comme code postal, commun à {len(postal)} communes : {name}, la plus "
            "peuplée, est retenue (pour une autre, tapez son nom)"
        )
    elif insee and insee[0] != code_chosen:
        parts.append(f"{code} lu comme code postal ({name})")
    alternative = None
    if insee and insee[0] != code_chosen:
        alternative = CommuneAlternative(code=insee[0], name=insee[1], typed=f"INSEE {insee[0]}")
        parts.append(
            f"pour la commune de code INSEE {insee[0]} ({insee[1]}), tapez « {alternative.typed} »"
        )
    notice = " ; ".join(parts) + "." if parts else ""
    return CommuneMatch(code=code_chosen, name=name, notice=notice, alternative=alternative)


def _unknown_code(code: str, message) -> ValidationError:
    outside = outside_message(code)
    if outside:
        return ValidationError(outside)
    return ValidationError(message, params={"code": code})


def _resolve_name(text: str) -> CommuneMatch:
    rows = list(
        commune_search(query=text).values_list("code", "name", "rank", "departement__code")[:3]
    )
    exact = [row for row in rows if row[2] == 0]
    if exact:
        code, name, _rank, departement = exact[0]
        if len(exact) == 1:
            return CommuneMatch(code=code, name=name)
        other = exact[1]
        alternative = CommuneAlternative(code=other[0], name=other[1], typed=f"INSEE {other[0]}")
        notice = (
            f"Plusieurs communes s'appellent {name} : la plus peuplée (département "
            f"{departement}) est retenue ; pour celle du département {other[3]}, tapez "
            f"« {alternative.typed} »"
        )
        if len(exact) > 2:
            notice += f" ; pour une autre, ajoutez son département, ex. « {name} ({other[3]}) »"
        return CommuneMatch(code=code, name=name, notice=notice + ".", alternative=alternative)
    if len(rows) == 1:
        return CommuneMatch(code=rows[0][0], name=rows[0][1])
    if rows:
        raise ValidationError(
            _(
                "Plusieurs communes correspondent à « %(text)s » : "
                "donnez le nom complet ou le code INSEE."
            ),
            params={"text": text},
        )
    typed = typed_commune(text)
    outside = outside_message_for_name(typed.folded)
    if outside:
        raise ValidationError(outside)
    if typed.departement:
        raise ValidationError(
            _(
                "Commune inconnue : aucune commune ne s'appelle « %(text)s » dans le "
                "département %(departement)s."
            ),
            params={"text": text[: text.rfind("(")].strip(), "departement": typed.departement},
        )
    raise ValidationError(
        _("Commune inconnue : « %(text)s ». Donnez son nom ou son code INSEE, ex. 14118."),
        params={"text": text},
    )


def commune_outside_message(text: str) -> str | None:
    """French message when a typed code or name is an overseas collectivity's, else None."""
    text = typed_text(text)
    labelled = _LABELLED_CODE.match(text)
    code = labelled.group(2) if labelled else text.replace(" ", "")
    return outside_message(code) or outside_message_for_name(typed_commune(text).folded)


def commune_typed_code(*, code: str) -> str:
    """What to type to get this commune back from `commune_resolve`: its INSEE code, or
    « INSEE 76600 » when that code is also another commune's postcode (read first)."""
    shared = PostalCode.objects.filter(code=code).exclude(commune__code=code).exists()
    return f"INSEE {code}" if shared else code


def insee_code_of(text: str) -> str:
    """The INSEE code in « INSEE 76600 » (as `commune_typed_code` writes it), else the text."""
    labelled = _LABELLED_CODE.match(" ".join(text.split()))
    if labelled and labelled.group(1).lower() == "insee":
        return labelled.group(2).upper()
    return text
