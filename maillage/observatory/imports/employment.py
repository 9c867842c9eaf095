"""The « Caractéristiques de l'emploi » file (`base-cc-caract_emp-AAAA`), one row per commune.

The published « Activité des résidents » base counts working residents by PCS but not their
status: salaried and independents live in this companion base. Columns read, for census year
`aa` (the most recent whose columns are complete: the 2022 file also carries 2016 for
comparison), every other column being ignored:

- salaried aged 15 or more `P{aa}_SAL15P` and independents without employees
  `P{aa}_NSAL15P_INDEP` (required);
- optional: non-salaried `P{aa}_NSAL15P`, employers `P{aa}_NSAL15P_EMPLOY`, and the car share
  (`P{aa}_ACTOCC15P_VOITURE` over `P{aa}_ACTOCC15P`, as in `imports.activity`).

Vintages that publish a figure by sex only (`P{aa}_HNSAL15P_INDEP` and `P{aa}_FNSAL15P_INDEP`)
are accepted: men and women are summed.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maillage.observatory.errors import ImportFileError
from maillage.observatory.imports import reading
from maillage.observatory.imports.activity import (
    CODE_COLUMN,
    car_columns,
    car_share,
    census_years,
    is_activity_header,
    read_commune_table,
    sum_into_parents,
)
from maillage.observatory.imports.reference import CommuneReference

_PREFIX = re.compile(r"^P(\d{2})_")
_SALARIED = re.compile(r"^P\d{2}_[HF]?SAL15P$")
# Figures read, as (name in `EmploymentTable`, INSEE suffix after `P{aa}_`, required).
_FIGURES = (
    ("salaried", "SAL15P", True),
    ("solos", "NSAL15P_INDEP", True),
    ("non_salaried", "NSAL15P", False),
    ("employers", "NSAL15P_EMPLOY", False),
)


def is_employment_header(header: Sequence[str]) -> bool:
    """A CSV of an archive is the employment data when it has CODGEO and salaried columns."""
    return CODE_COLUMN in header and any(re.match(r"^P\d{2}_[HF]?SAL15P$", name) for name in header)


@dataclass(frozen=True)
class EmploymentColumns:
    vintage: int
    layout: str  # "total", or "sexe" when a figure is the sum of men and women
    figures: dict[str, tuple[str, ...]]  # name → columns summed; optional ones may be absent
    car: tuple[str, str] | None

    def required(self) -> list[str]:
        return [c for name, _suffix, needed in _FIGURES if needed for c in self.figures[name]]

    def optional(self) -> list[str]:
        columns = [
            c
            for name, _suffix, needed in _FIGURES
            if not needed and name in self.figures
            for c in self.figures[name]
        ]
        return [*columns, *(self.car or ())]


@dataclass(frozen=True)
class EmploymentTable:
    """Per commune (parent codes, sorted): salaried, solos, and where the file has them
    non-salaried, employers and the car share (NaN otherwise)."""

    vintage: int
    layout: str
    rows: int
    codes: list[str]
    salaried: np.ndarray
    solos: np.ndarray
    non_salaried: np.ndarray
    employers: np.ndarray
    car_share: np.ndarray
    unknown: list[str]
    repairs: reading.CodeRepairs


def employment_columns(header: Sequence[str], filename: str) -> EmploymentColumns:
    """The columns to read, for the most recent census year with salaried and solos.

    Refused with the missing columns listed and the years recognised."""
    present = set(header)
    years = census_years(
        header,
        filename,
        prefix=_PREFIX,
        expected="P{aa}_ : ce n'est pas le fichier « Caractéristiques de l'emploi » de "
        "l'Insee (base-cc-caract_emp)",
    )
    best_missing: list[str] | None = None
    for yy in years:
        figures: dict[str, tuple[str, ...]] = {}
        missing: list[str] = [] if CODE_COLUMN in present else [CODE_COLUMN]
        for name, suffix, needed in _FIGURES:
            total = f"P{yy}_{suffix}"
            by_sex = (f"P{yy}_H{suffix}", f"P{yy}_F{suffix}")
            if total in present:
                figures[name] = (total,)
            elif set(by_sex) <= present:
                figures[name] = by_sex
            elif needed:
                missing.append(total)
        if not missing:
            layout = "sexe" if any(len(c) == 2 for c in figures.values()) else "total"
            return EmploymentColumns(
                vintage=2000 + int(yy), layout=layout, figures=figures, car=car_columns(yy, present)
            )
        if best_missing is None:
            best_missing = missing
    hint = (
        " Ce fichier ressemble au fichier « Activité des résidents » : choisir le type "
        "« activite »."
        if is_activity_header(header)
        else ""
    )
    raise ImportFileError(
        best_missing[0],
        f"Colonnes manquantes dans « {filename} » : {', '.join(best_missing)}. Millésimes "
        f"reconnus : {', '.join(str(2000 + int(yy)) for yy in years)}. Attendu : {CODE_COLUMN} ; "
        "P{aa}_SAL15P (salariés de 15 ans ou plus) ; P{aa}_NSAL15P_INDEP (indépendants sans "
        "salarié), ou leurs colonnes par sexe P{aa}_H… et P{aa}_F… (fichier « Caractéristiques "
        f"de l'emploi », base-cc-caract_emp).{hint}",
    )


def read_employment(
    source: reading.CsvFile,
    *,
    reference: CommuneReference,
    allow_unknown: bool = False,
    progress: reading.Progress | None = None,
) -> EmploymentTable:
    """Read and check the whole file, then sum children codes into their commune; refusals as
    in `activity.read_activity` (same line, column and commune in every message)."""
    columns = employment_columns(source.header, source.name)
    repairs = reading.CodeRepairs()
    codes, table = read_commune_table(
        source, columns.required(), optional=columns.optional(), repairs=repairs, progress=progress
    )
    names, sums, unknown = sum_into_parents(
        codes, table, reference=reference, allow_unknown=allow_unknown, name=source.name
    )
    n = names.shape[0]
    at = 0
    values: dict[str, np.ndarray] = {}
    for name, _suffix, needed in _FIGURES:
        if needed:
            width = len(columns.figures[name])
            values[name] = sums[:, at : at + width].sum(axis=1)
            at += width
    for name, _suffix, needed in _FIGURES:
        if not needed:
            width = len(columns.figures.get(name, ()))
            values[name] = sums[:, at : at + width].sum(axis=1) if width else np.full(n, np.nan)
            at += width
    car = car_share(sums[:, at], sums[:, at + 1]) if columns.car else np.full(n, np.nan)
    return EmploymentTable(
        vintage=columns.vintage,
        layout=columns.layout,
        rows=len(codes),
        codes=names.tolist(),
        salaried=values["salaried"],
        solos=values["solos"],
        non_salaried=values["non_salaried"],
        employers=values["employers"],
        car_share=car,
        unknown=unknown,
        repairs=repairs,
    )
