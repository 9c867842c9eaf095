"""Open-data export of the directory: CSV, GeoJSON, JSON; documented in docs/opendata-lieux.md.

Column names follow the national schema of « lieux de médiation numérique » where fields overlap,
with `|` between multiple values as that schema does. The profile that passes that schema is
`mediation.py`; `export_places` gives every format to the command, the page and the API.
CSV cells go through `core.tables.csv_cell` (formula injection).
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils import timezone

from maillage.core.tables import csv_lines
from maillage.labelling.badges import paris_day, with_label
from maillage.places.models import Place
from maillage.places.opendata import mediation

COLUMNS = [
    "id", "nom", "typologie", "types", "statut", "date_ouverture", "adresse", "code_postal",
    "commune", "code_insee", "latitude", "longitude", "telephone", "courriels", "site_web",
    "horaires", "presentation_detail", "structure", "postes_espace_partage", "bureaux_fermes",
    "postes_bureaux_fermes", "salles_reunion", "salles_visio", "services", "labels", "tarifs",
    "prix_demi_journee", "prix_journee", "prix_mois", "accessibilite_fauteuil",
    "accessibilite_details", "source", "date_maj", "demo", "label_regional",
    "label_regional_echeance",
]  # fmt: skip


# What the rows read besides the place itself (the médiation profile reads the postal codes).
RELATED = ("commune__postal_codes", "kinds", "services", "labels")


def exported_places(*, include_demo: bool = False) -> QuerySet[Place]:
    places = with_label(Place.objects.all(), paris_day()).select_related("commune", "operator")
    places = places.prefetch_related(*RELATED)
    if not include_demo:
        places = places.filter(is_demo=False)
    return places.order_by("name", "id")


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def place_row(place: Place) -> dict[str, str | float | int]:
    kinds = [k.slug for k in place.kinds.all()]
    return {
        "id": str(place.public_id),
        "nom": place.name,
        "typologie": "|".join(mediation.typologie(place)),
        "types": "|".join(kinds),
        "statut": place.status,
        "date_ouverture": place.opening_date.isoformat() if place.opening_date else "",
        "adresse": place.address,
        "code_postal": place.postal_code,
        "commune": place.commune.name,
        "code_insee": place.commune.code,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "telephone": place.phone,
        "courriels": place.email,
        "site_web": place.website,
        "horaires": place.opening_hours,
        "presentation_detail": place.description,
        "structure": place.operator.name if place.operator_id else "",
        "postes_espace_partage": place.open_space_desks,
        "bureaux_fermes": place.private_offices,
        "postes_bureaux_fermes": place.private_office_seats,
        "salles_reunion": place.meeting_rooms,
        "salles_visio": place.visio_rooms,
        "services": "|".join(s.slug for s in place.services.all()),
        "labels": "|".join(lb.slug for lb in place.labels.all()),
        "tarifs": place.price_notes,
        "prix_demi_journee": _money(place.price_half_day),
        "prix_journee": _money(place.price_day),
        "prix_mois": _money(place.price_month),
        "accessibilite_fauteuil": place.wheelchair,
        "accessibilite_details": place.accessibility_notes,
        "source": place.source or mediation.PLATFORM_SOURCE,
        "date_maj": timezone.localdate(place.updated_at).isoformat(),
        "demo": "oui" if place.is_demo else "non",
        # The label held on the day of the export (places from selectors or `exported_places`
        # carry it, see labelling.badges.with_label); the échéance is the first day without it.
        "label_regional": getattr(place, "label_name", None) or "",
        "label_regional_echeance": _day(getattr(place, "label_expires_on", None)),
    }


def _day(value) -> str:
    return value.isoformat() if value else ""


def prepare_places(places: list[Place]) -> list[Place]:
    """Places from the directory selector, with what the rows read fetched in a few queries."""
    prefetch_related_objects(places, "operator", *RELATED)
    return places


def rows_csv(columns: Sequence[str], rows: Iterable[dict]) -> Iterator[str]:
    """Open-data CSV (UTF-8, `,`, LF, no byte order mark), one line at a time."""
    return csv_lines(
        columns,
        ([row[name] for name in columns] for row in rows),
        delimiter=",",
        lineterminator="\n",
    )


def export_csv(places) -> str:
    return "".join(rows_csv(COLUMNS, (place_row(place) for place in places)))


def _geojson_chunks(places) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    for index, place in enumerate(places):
        properties = place_row(place)
        osm = [k.osm_tag for k in place.kinds.all() if k.osm_tag]
        if osm:
            properties["osm"] = "|".join(osm)
        feature = {
            "type": "Feature",
            "id": properties["id"],
            "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
            "properties": properties,
        }
        yield ("" if index == 0 else ", ") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


def _json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    yield "["
    for index, row in enumerate(rows):
        yield ("\n" if index == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


@dataclass(frozen=True)
class ExportFormat:
    label: str  # French, for the download links
    extension: str
    content_type: str
    stem: str  # of the downloaded file's name, before the date


FORMATS = {
    "csv": ExportFormat("CSV", "csv", "text/csv; charset=utf-8", "lieux-maillage"),
    "geojson": ExportFormat("GeoJSON", "geojson", "application/geo+json", "lieux-maillage"),
    "json": ExportFormat("JSON", "json", "application/json", "lieux-maillage"),
    "mediation-csv": ExportFormat(
        "CSV au schéma national (médiation numérique)",
        "csv",
        "text/csv; charset=utf-8",
        "lieux-maillage-mediation-numerique",
    ),
    "mediation-json": ExportFormat(
        "JSON au schéma national (médiation numérique)",
        "json",
        "application/json",
        "lieux-maillage-mediation-numerique",
    ),
}


@dataclass
class Export:
    """A file being written (`chunks`, to stream) and what was left out of it, in French."""

    chunks: Iterator[str]
    count: int  # rows in the file
    left_out: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.chunks)


def export_places(places: Sequence[Place], fmt: str) -> Export:
    """The places in one of FORMATS; the médiation profile may leave places out (reasons given)."""
    if fmt.startswith("mediation-"):
        result = mediation.mediation_rows(places)
        chunks = (
            rows_csv(mediation.COLUMNS, result.rows)
            if fmt == "mediation-csv"
            else _json_chunks(result.rows)
        )
        return Export(chunks, len(result.rows), result.left_out, result.warnings)
    if fmt == "geojson":
        return Export(_geojson_chunks(places), len(places))
    if fmt == "json":
        return Export(_json_chunks(place_row(p) for p in places), len(places))
    if fmt == "csv":
        return Export(rows_csv(COLUMNS, (place_row(p) for p in places)), len(places))
    raise ValueError(f"Format d'export inconnu : {fmt}")


def export_filename(fmt: str) -> str:
    """`lieux-maillage-2026-12-07.csv`: the day of the export, in France."""
    spec = FORMATS[fmt]
    return f"{spec.stem}-{timezone.localdate().isoformat()}.{spec.extension}"


def export_response(places: list[Place], fmt: str) -> StreamingHttpResponse:
    """The file as a download, written while it is sent; for the directory page and the API.

    `X-Lieux-Exportes` and `X-Lieux-Laisses-De-Cote` give the counts (the reasons are only in
    the command's output: a file at the national schema has no room for them).
    """
    export = export_places(prepare_places(places), fmt)
    response = StreamingHttpResponse(export.chunks, content_type=FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(fmt)}"'
    response["X-Lieux-Exportes"] = str(export.count)
    response["X-Lieux-Laisses-De-Cote"] = str(len(export.left_out))
    return response
