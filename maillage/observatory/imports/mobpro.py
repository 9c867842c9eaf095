"""MOBPRO (« mobilités professionnelles »): home–work flows between communes, per commune of
residence turned into a number of workers, a mean distance and a mix over distance bins.

Two files are read:

- the aggregated flows, `CODGEO;LIBGEO;DCLT;L_DCLT;NBFLUX_C{aa}_ACTOCC15P` (one row per commune
  of residence × commune of work), the year read from the flow column;
- the detail `FD_MOBPRO_AAAA.csv` (one row per person, weight `IPONDI` with a decimal comma,
  residence `COMMUNE`, work `DCLT`), the year read from the file name; weights are summed per
  (residence, work), chunk by chunk. Its other columns are ignored, so the PCS column renamed
  from `CS1` to `GS` in RP 2022 changes nothing; the 2023 archive's dictionary
  (`varmod_MOBPRO_2023.csv`, lower case) is told apart from the data by its header.

Distance of a flow: great-circle distance between the communes' centroids × the detour factor
`defaults.DETOUR_FACTOR`; `defaults.SAME_COMMUNE_KM` inside one commune (arrondissements of
Paris, Lyon and Marseille count in their commune). Work abroad (`DCLT` 99xxx) is measured to the
nearest cross-border employment pole of the country (`foreign_poles`, hypothèse). Work in a
country without a listed pole, in an unknown commune or in a commune without a centroid is
*unplaced*: last bin, left out of the mean.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from maillage.core.geo import km_for_chord, unit_vectors
from maillage.observatory.commute import COMMUTE_BIN_COUNT, commute_bin
from maillage.observatory.defaults import DETOUR_FACTOR, SAME_COMMUNE_KM
from maillage.observatory.errors import ImportFileError
from maillage.observatory.imports import reading
from maillage.observatory.imports.foreign_poles import km_to_country
from maillage.observatory.imports.reference import (
    CommuneReference,
    is_abroad,
    unknown_codes_error,
)

WORK_COLUMN = "DCLT"
_FLOW = re.compile(r"^NBFLUX_C(\d{2})_ACTOCC15P$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_PREFIX = re.compile(r"^[PC]\d{2}_")

# centroids(codes) -> (lat, lon) arrays, NaN where a commune cannot be placed.
Centroids = Callable[[Sequence[str]], tuple[np.ndarray, np.ndarray]]


def is_mobpro_header(header: Sequence[str]) -> bool:
    """A CSV of an archive is MOBPRO data when it has a flow column or the detail's columns."""
    return any(_FLOW.match(name) for name in header) or {"COMMUNE", WORK_COLUMN, "IPONDI"} <= set(
        header
    )


@dataclass(frozen=True)
class MobproColumns:
    vintage: int
    layout: str  # "flux" (aggregated flows) or "detail" (FD_MOBPRO)
    residence: str
    weight: str

    def all(self) -> list[str]:
        return [self.residence, WORK_COLUMN, self.weight]


@dataclass(frozen=True)
class CommuteTable:
    """Per commune of residence (parent codes, sorted): workers (Σ flows), unplaced workers,
    mean one-way km of placed trips (NaN if none) and mix (n, bins) of shares of workers."""

    vintage: int
    layout: str
    rows: int
    codes: list[str]
    workers: np.ndarray
    unplaced: np.ndarray
    mean_km: np.ndarray
    mix: np.ndarray
    unknown: list[str]
    repairs: reading.CodeRepairs | None = None


def mobpro_columns(header: Sequence[str], filename: str) -> MobproColumns:
    """Recognise the aggregated flows or the detail file; refuse anything else, naming the
    missing columns of both layouts."""
    present = set(header)
    flows = sorted((m.group(1), name) for name in header if (m := _FLOW.match(name)))
    if flows:
        yy, column = flows[-1]
        missing = [c for c in ("CODGEO", WORK_COLUMN) if c not in present]
        if missing:
            raise ImportFileError(
                missing[0],
                f"Colonnes manquantes dans « {filename} » : {', '.join(missing)} (fichier des "
                f"flux domicile-travail du recensement {2000 + int(yy)}, colonne {column} "
                "reconnue).",
            )
        return MobproColumns(
            vintage=2000 + int(yy), layout="flux", residence="CODGEO", weight=column
        )
    if {"COMMUNE", WORK_COLUMN, "IPONDI"} <= present:
        year = _YEAR_IN_NAME.search(filename)
        if year is None:
            raise ImportFileError(
                "file",
                f"Millésime introuvable pour « {filename} » : le fichier détail ne porte pas "
                "l'année dans ses colonnes ; garder le nom officiel FD_MOBPRO_AAAA.csv.",
            )
        return MobproColumns(
            vintage=int(year.group(1)), layout="detail", residence="COMMUNE", weight="IPONDI"
        )
    hint = (
        " Ce fichier ressemble au fichier « Activité des résidents » : choisir le type "
        "« activite »."
        if any(_PREFIX.match(name) for name in header)
        else ""
    )
    missing_flows = [c for c in ("CODGEO", WORK_COLUMN) if c not in present]
    missing_detail = [c for c in ("COMMUNE", WORK_COLUMN, "IPONDI") if c not in present]
    raise ImportFileError(
        (missing_flows or missing_detail or ["NBFLUX_C{aa}_ACTOCC15P"])[0],
        f"Colonnes manquantes dans « {filename} » : pour le fichier des flux, "
        f"{', '.join([*missing_flows, 'NBFLUX_C{aa}_ACTOCC15P'])} ; pour le fichier détail "
        f"FD_MOBPRO, {', '.join(missing_detail) or 'aucune'}. Aucun millésime reconnu.{hint}",
    )


def read_mobpro(
    source: reading.CsvFile,
    *,
    reference: CommuneReference,
    centroids: Centroids,
    allow_unknown: bool = False,
    progress: reading.Progress | None = None,
) -> CommuteTable:
    """Read and check the whole file, then compute each commune's workers, mean km and mix.

    Refused: missing columns, malformed codes, flows that are not numbers or are negative,
    unknown codes (residence or work) unless `allow_unknown`: then rows of unknown residences
    are left out, work in an unknown commune is unplaced, and the codes are listed."""
    columns = mobpro_columns(source.header, source.name)
    repairs = reading.CodeRepairs()
    frames: list[pl.DataFrame] = []
    rows = 0
    for chunk in reading.iter_chunks(source, columns.all(), progress=progress):
        residence = reading.commune_codes(chunk, columns.residence, repairs=repairs)
        work = reading.commune_codes(chunk, WORK_COLUMN, repairs=repairs)
        flow = reading.numbers(chunk, columns.weight, codes=residence)
        rows += len(chunk)
        frames.append(
            pl.DataFrame({"res": residence, "work": work, "flow": flow})
            .group_by("res", "work")
            .agg(pl.col("flow").sum())
        )
    if not rows:
        raise ImportFileError("file", f"« {source.name} » ne contient aucune ligne de données.")
    flows = pl.concat(frames).group_by("res", "work").agg(pl.col("flow").sum())

    parent = reference.parent
    unknown_res = sorted(c for c in flows["res"].unique().to_list() if c not in parent)
    unknown_work = sorted(
        c for c in flows["work"].unique().to_list() if c not in parent and not is_abroad(c)
    )
    if (unknown_res or unknown_work) and not allow_unknown:
        raise unknown_codes_error(
            {columns.residence: unknown_res, WORK_COLUMN: unknown_work}, reference.version
        )
    # A country of work stays itself (measured to its cross-border poles); an unknown commune
    # of work becomes "" (unplaced).
    countries = {
        code: code for code in flows["work"].unique().to_list() if code and is_abroad(code)
    }
    flows = (
        flows.filter(pl.col("res").is_in(list(parent.keys())))
        .with_columns(
            pl.col("res").replace_strict(parent, return_dtype=pl.String),
            pl.col("work").replace_strict(
                {**parent, **countries}, default="", return_dtype=pl.String
            ),
        )
        .group_by("res", "work")
        .agg(pl.col("flow").sum())
        .sort("res", "work")
    )
    if flows.height == 0:
        raise ImportFileError(
            columns.residence,
            f"Aucun code commune de résidence de « {source.name} » n'est connu du référentiel.",
        )
    table = _commute_table(flows, centroids)
    return CommuteTable(
        vintage=columns.vintage,
        layout=columns.layout,
        rows=rows,
        unknown=sorted(set(unknown_res) | set(unknown_work)),
        repairs=repairs,
        **table,
    )


def _commute_table(flows: pl.DataFrame, centroids: Centroids) -> dict:
    """Per commune of residence: Σ flows, unplaced flows, mean km of placed flows and mix."""
    places = sorted(set(flows["res"].unique().to_list()) | set(flows["work"].unique().to_list()))
    places = [code for code in places if code]
    lat, lon = centroids(places)
    points = unit_vectors(lat, lon)
    lookup = pl.DataFrame({"code": places, "at": np.arange(len(places), dtype=np.int64)})
    located = (
        flows.join(lookup.rename({"code": "res", "at": "res_at"}), on="res", how="left")
        .join(lookup.rename({"code": "work", "at": "work_at"}), on="work", how="left")
        .sort("res", "work")
    )
    res_at = located["res_at"].to_numpy()
    work_at = located["work_at"].fill_null(-1).to_numpy()
    flow = located["flow"].to_numpy().astype(np.float64)
    job = np.where((work_at >= 0)[:, None], points[np.maximum(work_at, 0)], np.nan)
    # NaN (unplaced) where either end has no centroid or work is unknown.
    distance = km_for_chord(np.linalg.norm(points[res_at] - job, axis=1)) * DETOUR_FACTOR
    distance = np.where(res_at == work_at, SAME_COMMUNE_KM, distance)
    # Work abroad: to the nearest cross-border pole of the country (`foreign_poles`).
    work = located["work"].to_numpy()
    for country in {code for code in work.tolist() if code and is_abroad(code)}:
        rows = work == country
        distance[rows] = (
            km_to_country(country, lat[res_at[rows]], lon[res_at[rows]]) * DETOUR_FACTOR
        )

    codes, index = np.unique(res_at, return_inverse=True)
    n = codes.shape[0]
    placed = ~np.isnan(distance)
    workers = np.bincount(index, weights=flow, minlength=n)
    unplaced = np.bincount(index, weights=np.where(placed, 0.0, flow), minlength=n)
    placed_workers = np.bincount(index, weights=np.where(placed, flow, 0.0), minlength=n)
    km_sum = np.bincount(index, weights=np.where(placed, flow * distance, 0.0), minlength=n)
    mean_km = np.full(n, np.nan)
    np.divide(km_sum, placed_workers, out=mean_km, where=placed_workers > 0)
    cells = index * COMMUTE_BIN_COUNT + commute_bin(distance)
    counts = np.bincount(cells, weights=flow, minlength=n * COMMUTE_BIN_COUNT).reshape(
        n, COMMUTE_BIN_COUNT
    )
    mix = np.zeros_like(counts)
    np.divide(counts, workers[:, None], out=mix, where=workers[:, None] > 0)
    return {
        "codes": [places[i] for i in codes],
        "workers": workers,
        "unplaced": np.minimum(unplaced, workers),
        "mean_km": mean_km,
        "mix": mix,
    }
