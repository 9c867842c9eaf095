"""The « Activité des résidents » file (`base-cc-emploi-pop-active-AAAA`), one row per commune.

Columns read, for census year `aa` (prefix `P{aa}_` main exploitation, `C{aa}_` complementary),
every other column being ignored:

- working residents by PCS level 1: `C{aa}_ACTOCC1564_CS1 … _CS6` up to RP 2021 (PCS 2003), or
  from RP 2022 (PCS 2020) `C{aa}_ACTOCC1564_STAT_GSEC11 … _GSEC16` (also accepted: `_GSEC1k`
  without `STAT_`, and `_STAT_GSEC1k_2k`), mapped to groups 1 … 6 in the same order: GSEC 11
  agriculteurs exploitants, 12 artisans-commerçants-chefs d'entreprise, 13 cadres, 14 professions
  intermédiaires, 15 employés, 16 ouvriers (PCS 2020 « groupes socioprofessionnels » of people
  in employment; 21–26 are the unemployed, never read);
- optional, only in older or hand-assembled files: salaried `P{aa}_SAL15P` and independents
  without employees `P{aa}_NSAL15P_INDEP`. The published base does not carry them: they come from
  the companion base « Caractéristiques de l'emploi » (`imports.employment`), and until it is
  imported the model takes the default estimate for them;
- optional: drivers `C{aa}_ACTOCC15P_VOIT` over `C{aa}_ACTOCC15P` (or `P{aa}_ACTOCC15P_VOITURE`
  over `P{aa}_ACTOCC15P`), the car share.

Salaried share per PCS (`salaried_shares`), an approximation (no file crosses status with PCS):
0 for groups 1–2 (agriculteurs exploitants, artisans-commerçants-chefs d'entreprise: independent
by definition of the PCS), `min(1, SAL15P / (W3 + W4 + W5 + W6))` for groups 3–6. `SAL15P`
counts the salaried aged 15 or more while `W` counts those aged 15–64: the cap absorbs the
difference.
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
_CS = re.compile(r"^C(\d{2})_ACTOCC1564_CS([1-6])$")
_GSEC = re.compile(r"^C(\d{2})_ACTOCC1564_(?:STAT_)?GSEC1([1-6])(?:_2[1-6])?$")
_STATUS = re.compile(r"^P\d{2}_[HF]?(?:SAL15P|NSAL15P_INDEP)$")
LAYOUT_LABELS = {
    "CS": "PCS 2003, colonnes C{aa}_ACTOCC1564_CS1 … CS6 (jusqu'au RP 2021)",
    "GSEC": "PCS 2020, colonnes C{aa}_ACTOCC1564_STAT_GSEC11 … GSEC16 (à partir du RP 2022)",
}


def pcs_columns(yy: str, layout: str, header: Sequence[str] = ()) -> tuple[str, ...]:
    """The six columns of one family, in group order: the file's own spelling where it has
    one (GSEC variants), the canonical name otherwise."""
    if layout == "CS":
        return tuple(f"C{yy}_ACTOCC1564_CS{k}" for k in range(1, PCS_COUNT + 1))
    found: dict[int, str] = {}
    for name in header:
        match = _GSEC.match(name)
        if match and match.group(1) == yy:
            group = int(match.group(2))
            # The plain « STAT_GSEC1k » spelling first, if a file carries two.
            if group not in found or name == f"C{yy}_ACTOCC1564_STAT_GSEC1{group}":
                found[group] = name
    return tuple(found.get(k, f"C{yy}_ACTOCC1564_STAT_GSEC1{k}") for k in range(1, PCS_COUNT + 1))


def is_activity_header(header: Sequence[str]) -> bool:
    """A CSV of an archive is the activity data when it has CODGEO and PCS columns."""
    return CODE_COLUMN in header and any(_CS.match(n) or _GSEC.match(n) for n in header)


@dataclass(frozen=True)
class ActivityColumns:
    vintage: int
    layout: str
    pcs: tuple[str, ...]
    status: tuple[str, str] | None  # (salaried, solos), only in old-style files
    car: tuple[str, str] | None  # (drivers, all working residents)

    def all(self) -> list[str]:
        return [CODE_COLUMN, *self.pcs, *(self.status or ()), *(self.car or ())]


@dataclass(frozen=True)
class ActivityTable:
    """Per commune (parent codes, sorted): working residents by PCS; salaried, their derived
    share per PCS and solos (NaN when the file has no status columns, as published);
    car share (NaN when the file has no transport columns)."""

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
    repairs: reading.CodeRepairs | None = None


def salaried_shares(working: np.ndarray, salaried: np.ndarray) -> np.ndarray:
    """(n, 6) salaried share per PCS group from working residents (n, 6) and salaried (n,):
    0 for groups 1–2, `min(1, salaried / (W3 + W4 + W5 + W6))` for groups 3–6 (module doc)."""
    working = np.asarray(working, dtype=np.float64)
    salaried = np.asarray(salaried, dtype=np.float64)
    others = working[:, 2:].sum(axis=1)
    share = np.divide(salaried, others, out=np.zeros_like(salaried), where=others > 0)
    shares = np.zeros_like(working)
    shares[:, 2:] = np.minimum(1.0, share)[:, None]
    return shares


def census_years(
    header: Sequence[str], filename: str, *, prefix: re.Pattern, expected: str
) -> list[str]:
    """The census years (two digits, latest first) of a commune base's columns; a file with none
    is refused, pointing to MOBPRO when it looks like one."""
    years = sorted({m.group(1) for name in header if (m := prefix.match(name))}, reverse=True)
    if not years:
        hint = (
            " Ce fichier ressemble à un fichier de mobilités professionnelles (MOBPRO) : "
            "choisir le type « mobpro »."
            if {"DCLT", "IPONDI"} & set(header) or any(n.startswith("NBFLUX_") for n in header)
            else ""
        )
        raise ImportFileError(CODE_COLUMN, f"« {filename} » n'a aucune colonne {expected}.{hint}")
    return years


def car_share(drivers: np.ndarray, everyone: np.ndarray) -> np.ndarray:
    """Share of working residents who drive to work (NaN where nobody works), at most 1."""
    car = np.full(len(drivers), np.nan)
    np.divide(drivers, everyone, out=car, where=everyone > 0)
    return np.minimum(1.0, car)


def activity_columns(header: Sequence[str], filename: str) -> ActivityColumns:
    """The columns to read, for the most recent census year whose PCS columns are complete.

    Refused with the missing columns listed, and the years and PCS families recognised."""
    present = set(header)
    years = census_years(
        header,
        filename,
        prefix=_PREFIX,
        expected="P{aa}_ ou C{aa}_ : ce n'est pas le fichier « Activité des résidents » de "
        "l'Insee (base-cc-emploi-pop-active)",
    )
    best_missing: list[str] | None = None
    families: list[str] = []
    for yy in years:
        candidates = []
        for layout in ("GSEC", "CS"):
            found = [c for c in pcs_columns(yy, layout, header) if c in present]
            if found:
                families.append(f"{_year(yy)} : {layout} ({len(found)} colonnes sur {PCS_COUNT})")
            candidates.append((len(found), layout))
        expected = "GSEC" if int(yy) >= 22 else "CS"
        layout = max(candidates, key=lambda found: (found[0], found[1] == expected))[1]
        required = [CODE_COLUMN, *pcs_columns(yy, layout, header)]
        missing = [c for c in required if c not in present]
        if not missing:
            status = (f"P{yy}_SAL15P", f"P{yy}_NSAL15P_INDEP")
            return ActivityColumns(
                vintage=_year(yy),
                layout=layout,
                pcs=pcs_columns(yy, layout, header),
                status=status if set(status) <= present else None,
                car=car_columns(yy, present),
            )
        if best_missing is None:
            best_missing = missing
    recognised = "; ".join(families) or "aucune"
    hint = (
        " Ce fichier ressemble au fichier « Caractéristiques de l'emploi » "
        "(base-cc-caract_emp) : choisir le type « emploi »."
        if not families and any(_STATUS.match(name) for name in header)
        else ""
    )
    raise ImportFileError(
        best_missing[0],
        f"Colonnes manquantes dans « {filename} » : {', '.join(best_missing)}. Millésimes "
        f"reconnus : {', '.join(str(_year(yy)) for yy in years)} ; familles de colonnes PCS "
        f"trouvées : {recognised}. Attendu : {CODE_COLUMN} ; {LAYOUT_LABELS['CS']} ou "
        f"{LAYOUT_LABELS['GSEC']}.{hint}",
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
    negative, and unknown codes unless `allow_unknown` (then left out and listed). Codes that
    lost their leading zero are repaired and counted (`repairs`)."""
    columns = activity_columns(source.header, source.name)
    repairs = reading.CodeRepairs()
    codes, table = read_commune_table(
        source,
        [*columns.pcs, *(columns.status or ())],
        optional=list(columns.car or ()),
        repairs=repairs,
        progress=progress,
    )
    names, sums, unknown = sum_into_parents(
        codes, table, reference=reference, allow_unknown=allow_unknown, name=source.name
    )
    n = names.shape[0]
    working = sums[:, :PCS_COUNT]
    if columns.status:
        salaried = sums[:, PCS_COUNT]
        solos = sums[:, PCS_COUNT + 1]
        salaried_share = salaried_shares(working, salaried)
    else:
        salaried = solos = np.full(n, np.nan)
        salaried_share = np.full((n, PCS_COUNT), np.nan)
    car = car_share(sums[:, -2], sums[:, -1]) if columns.car else np.full(n, np.nan)
    return ActivityTable(
        vintage=columns.vintage,
        layout=columns.layout,
        rows=len(codes),
        codes=names.tolist(),
        working=working,
        salaried=salaried,
        salaried_share=salaried_share,
        solos=solos,
        car_share=car,
        unknown=unknown,
        repairs=repairs,
    )


def read_commune_table(
    source: reading.CsvFile,
    required: Sequence[str],
    *,
    optional: Sequence[str] = (),
    repairs: reading.CodeRepairs,
    progress: reading.Progress | None = None,
) -> tuple[list[str], np.ndarray]:
    """Codes and values (rows × columns, `required` then `optional`, NaN for an empty optional
    value) of a one-row-per-commune file; a code twice is refused with its two lines."""
    codes: list[str] = []
    lines: list[int] = []
    blocks: list[np.ndarray] = []
    for chunk in reading.iter_chunks(
        source, [CODE_COLUMN, *required, *optional], progress=progress
    ):
        chunk_codes = reading.commune_codes(chunk, CODE_COLUMN, repairs=repairs)
        values = [reading.numbers(chunk, name, codes=chunk_codes) for name in required]
        values += [
            reading.numbers(chunk, name, codes=chunk_codes, optional=True) for name in optional
        ]
        codes += chunk_codes.to_list()
        lines += chunk.lines
        blocks.append(np.column_stack(values))
    if not codes:
        raise ImportFileError("file", f"« {source.name} » ne contient aucune ligne de données.")
    _refuse_duplicates(codes, lines)
    return codes, np.concatenate(blocks)


def sum_into_parents(
    codes: list[str],
    table: np.ndarray,
    *,
    reference: CommuneReference,
    allow_unknown: bool,
    name: str,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows summed into their parent commune (sorted codes, sums, unknown codes). Unknown codes
    are refused unless `allow_unknown`; a commune listed with its own children is refused.
    A NaN (empty optional value) makes its commune's sum NaN: unknown, not zero."""
    parents = [reference.parent.get(code) for code in codes]
    unknown = sorted({code for code, parent in zip(codes, parents, strict=True) if not parent})
    if unknown and not allow_unknown:
        raise unknown_codes_error({CODE_COLUMN: unknown}, reference.version)
    _refuse_parent_and_children(codes, parents)
    keep = np.array([parent is not None for parent in parents], dtype=bool)
    if not keep.any():
        raise ImportFileError(
            CODE_COLUMN, f"Aucun code commune de « {name} » n'est connu du référentiel."
        )
    names, index = np.unique(
        np.array([parent for parent in parents if parent], dtype=str), return_inverse=True
    )
    kept = table[keep]
    sums = np.column_stack(
        [
            np.bincount(index, weights=kept[:, j], minlength=names.shape[0])
            for j in range(kept.shape[1])
        ]
    )
    return names, sums, unknown


def _year(yy: str) -> int:
    return 2000 + int(yy)


def car_columns(yy: str, present: set[str]) -> tuple[str, str] | None:
    """(drivers, all working residents) of year `yy`, in any spelling INSEE used; None if the
    file has no transport columns."""
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
