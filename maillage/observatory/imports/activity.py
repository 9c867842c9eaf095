"""The « Activité des résidents » file (`base-cc-emploi-pop-active-YYYY`), one row per commune.

Columns read, for census year `aa` (prefix `P{aa}_` main exploitation, `C{aa}_` complementary):

- working residents by PCS level 1: `C{aa}_ACTOCC1564_CS1 … _CS6` up to RP 2021, or from RP 2022
  (PCS 2020) `C{aa}_ACTOCC1564_STAT_GSEC11 … _GSEC16`, mapped to groups 1 … 6 in the same order;
- salaried `P{aa}_SAL15P` and independents without employees `P{aa}_NSAL15P_INDEP`;
- optional: drivers `C{aa}_ACTOCC15P_VOIT` over `C{aa}_ACTOCC15P` (or `P{aa}_ACTOCC15P_VOITURE`
  over `P{aa}_ACTOCC15P`), the car share.

Salaried share per PCS, an approximation (the file does not cross status with PCS): 0 for groups
1–2 (agriculteurs exploitants, artisans-commerçants-chefs d'entreprise: independent by
definition of the PCS), `min(1, SAL15P / (W3 + W4 + W5 + W6))` for groups 3–6. `SAL15P` counts
the salaried aged 15 or more while `W` counts those aged 15–64: the cap absorbs the difference.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maillage.observatory.errors import ImportFileError
from maillage.observatory.imports import reading
from maillage.observatory.imports.reference import CommuneReference, unknown_codes_error
from maillage.observatory.pcs import PCS_COUNT

CODE_COLUMN = "CODGEO"
_PREFIX = re.compile(r"^[PC](\d{2})_")
LAYOUT_LABELS = {
    "CS": "PCS 2003, colonnes C{aa}_ACTOCC1564_CS1 … CS6 (jusqu'au RP 2021)",
    "GSEC": "PCS 2020, colonnes C{aa}_ACTOCC1564_STAT_GSEC11 … GSEC16 (à partir du RP 2022)",
}


def pcs_columns(yy: str, layout: str) -> tuple[str, ...]:
    if layout == "CS":
        return tuple(f"C{yy}_ACTOCC1564_CS{k}" for k in range(1, PCS_COUNT + 1))
    return tuple(f"C{yy}_ACTOCC1564_STAT_GSEC1{k}" for k in range(1, PCS_COUNT + 1))


@dataclass(frozen=True)
class ActivityColumns:
    vintage: int
    layout: str
    pcs: tuple[str, ...]
    salaried: str
    solos: str
    car: tuple[str, str] | None  # (drivers, all working residents)

    def all(self) -> list[str]:
        return [CODE_COLUMN, *self.pcs, self.salaried, self.solos, *(self.car or ())]


@dataclass(frozen=True)
class ActivityTable:
    """Per commune (parent codes, sorted): working residents by PCS, salaried, their derived
    share per PCS, solos and car share (NaN when the file has no transport columns)."""

    vintage: int
    layout: str
    rows: int
    codes: list[str]
    working: np.ndarray
    salaried: np.ndarray
    salaried_share: np.ndarray
    solos: np.ndarray
    car_share: np.ndarray
    unknown: list[str]


def activity_columns(header: Sequence[str], filename: str) -> ActivityColumns:
    """The columns to read, for the most recent census year whose columns are complete.

    Refused with the missing columns listed, and the years and PCS families recognised."""
    present = set(header)
    years = sorted({m.group(1) for name in header if (m := _PREFIX.match(name))}, reverse=True)
    if not years:
        hint = (
            " Ce fichier ressemble à un fichier de mobilités professionnelles (MOBPRO) : "
            "choisir le type « mobpro »."
            if {"DCLT", "IPONDI"} & present or any(n.startswith("NBFLUX_") for n in header)
            else ""
        )
        raise ImportFileError(
            CODE_COLUMN,
            f"« {filename} » n'a aucune colonne P{{aa}}_ ou C{{aa}}_ : ce n'est pas le fichier "
            f"« Activité des résidents » de l'Insee (base-cc-emploi-pop-active).{hint}",
        )
    best_missing: list[str] | None = None
    families: list[str] = []
    for yy in years:
        candidates = []
        for layout in ("GSEC", "CS"):
            found = [c for c in pcs_columns(yy, layout) if c in present]
            if found:
                families.append(f"{_year(yy)} : {layout} ({len(found)} colonnes sur {PCS_COUNT})")
            candidates.append((len(found), layout))
        expected = "GSEC" if int(yy) >= 22 else "CS"
        layout = max(candidates, key=lambda found: (found[0], found[1] == expected))[1]
        required = [
            CODE_COLUMN,
            *pcs_columns(yy, layout),
            f"P{yy}_SAL15P",
            f"P{yy}_NSAL15P_INDEP",
        ]
        missing = [c for c in required if c not in present]
        if not missing:
            return ActivityColumns(
                vintage=_year(yy),
                layout=layout,
                pcs=pcs_columns(yy, layout),
                salaried=f"P{yy}_SAL15P",
                solos=f"P{yy}_NSAL15P_INDEP",
                car=_car_columns(yy, present),
            )
        if best_missing is None:
            best_missing = missing
    recognised = "; ".join(families) or "aucune"
    raise ImportFileError(
        best_missing[0],
        f"Colonnes manquantes dans « {filename} » : {', '.join(best_missing)}. Millésimes "
        f"reconnus : {', '.join(str(_year(yy)) for yy in years)} ; familles de colonnes PCS "
        f"trouvées : {recognised}. Attendu : {CODE_COLUMN} ; {LAYOUT_LABELS['CS']} ou "
        f"{LAYOUT_LABELS['GSEC']} ; P{{aa}}_SAL15P ; P{{aa}}_NSAL15P_INDEP.",
    )


def read_activity(
    source: reading.CsvFile,
    *,
    reference: CommuneReference,
    allow_unknown: bool = False,
    progress: reading.Progress | None = None,
) -> ActivityTable:
    """Read and check the whole file, then sum children codes into their commune.

    Refused: missing columns, malformed codes, a code twice, values that are not numbers or are
    negative, and unknown codes unless `allow_unknown` (then left out and listed)."""
    columns = activity_columns(source.header, source.name)
    codes: list[str] = []
    lines: list[int] = []
    blocks: list[np.ndarray] = []
    for chunk in reading.iter_chunks(source, columns.all(), progress=progress):
        chunk_codes = reading.commune_codes(chunk, CODE_COLUMN)
        values = [
            reading.numbers(chunk, name, codes=chunk_codes)
            for name in (*columns.pcs, columns.salaried, columns.solos)
        ]
        values += [
            reading.numbers(chunk, name, codes=chunk_codes, optional=True)
            for name in columns.car or ()
        ]
        codes += chunk_codes.to_list()
        lines += chunk.lines
        blocks.append(np.column_stack(values))
    if not codes:
        raise ImportFileError("file", f"« {source.name} » ne contient aucune ligne de données.")
    _refuse_duplicates(codes, lines)
    table = np.concatenate(blocks)
    parents = [reference.parent.get(code) for code in codes]
    unknown = sorted({code for code, parent in zip(codes, parents, strict=True) if not parent})
    if unknown and not allow_unknown:
        raise unknown_codes_error({CODE_COLUMN: unknown}, reference.version)
    _refuse_parent_and_children(codes, parents)
    keep = np.array([parent is not None for parent in parents], dtype=bool)
    if not keep.any():
        raise ImportFileError(
            CODE_COLUMN, f"Aucun code commune de « {source.name} » n'est connu du référentiel."
        )
    names, index = np.unique(
        np.array([parent for parent in parents if parent], dtype=str), return_inverse=True
    )
    table = table[keep]
    sums = np.column_stack(
        [
            np.bincount(index, weights=table[:, j], minlength=names.shape[0])
            for j in range(table.shape[1])
        ]
    )
    working = sums[:, :PCS_COUNT]
    salaried = sums[:, PCS_COUNT]
    others = working[:, 2:].sum(axis=1)
    share = np.divide(salaried, others, out=np.zeros_like(salaried), where=others > 0)
    share = np.minimum(1.0, share)
    salaried_share = np.zeros_like(working)
    salaried_share[:, 2:] = share[:, None]
    if columns.car:
        drivers, everyone = sums[:, PCS_COUNT + 2], sums[:, PCS_COUNT + 3]
        car = np.full(names.shape[0], np.nan)
        np.divide(drivers, everyone, out=car, where=everyone > 0)
        car = np.minimum(1.0, car)
    else:
        car = np.full(names.shape[0], np.nan)
    return ActivityTable(
        vintage=columns.vintage,
        layout=columns.layout,
        rows=len(codes),
        codes=names.tolist(),
        working=working,
        salaried=salaried,
        salaried_share=salaried_share,
        solos=sums[:, PCS_COUNT + 1],
        car_share=car,
        unknown=unknown,
    )


def _year(yy: str) -> int:
    return 2000 + int(yy)


def _car_columns(yy: str, present: set[str]) -> tuple[str, str] | None:
    for drivers, everyone in (
        (f"C{yy}_ACTOCC15P_VOIT", f"C{yy}_ACTOCC15P"),
        (f"C{yy}_ACTOCC15P_VOITURE", f"C{yy}_ACTOCC15P"),
        (f"P{yy}_ACTOCC15P_VOITURE", f"P{yy}_ACTOCC15P"),
    ):
        if drivers in present and everyone in present:
            return drivers, everyone
    return None


def _refuse_duplicates(codes: list[str], lines: list[int]) -> None:
    seen: dict[str, int] = {}
    for code, line in zip(codes, lines, strict=True):
        if code in seen:
            raise ImportFileError(
                CODE_COLUMN,
                f"Colonne {CODE_COLUMN} : la commune {code} apparaît deux fois (lignes "
                f"{seen[code]} et {line}).",
            )
        seen[code] = line


def _refuse_parent_and_children(codes: list[str], parents: list[str | None]) -> None:
    """A commune listed both in its own right and through its arrondissements or delegated
    communes would be counted twice."""
    present = set(codes)
    for code, parent in zip(codes, parents, strict=True):
        if parent and parent != code and parent in present:
            raise ImportFileError(
                CODE_COLUMN,
                f"Colonne {CODE_COLUMN} : la commune {parent} figure à la fois en propre et par "
                f"l'un de ses arrondissements ou communes déléguées ({code}) ; ses effectifs "
                "seraient comptés deux fois.",
            )
