"""A study (étude) as one document: what a consultant sends and another platform recomputes.

The document is plain data (`Study` and its parts), read from and written to a JSON dict whose
format is named and versioned (`FORMAT`, `FORMAT_VERSION`, described in
`docs/etude-format.md`). Keys of the file are French, because people open it; fields here are
English. `reading.study_from_dict` checks everything a study can get wrong *without* the
database (shapes, numbers, shares in [0, 1], horizons in order, names) and raises `StudyInvalid`
with every error at once, each on its field path (« horizons.1.annee »), so a form or the API
shows them all; what needs the database (unknown communes, a typed figure above a commune's
population, desks outside the perimeter) is `checks.study_database_errors`, with the same error
type, run by every save and every computation.

Nothing here is stored or computed: `services.study_save` stores, `compute` computes.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import ObservatoryError, french_number
from maillage.observatory.scenarios import Scenario

FORMAT = "maillage-etude"
FORMAT_VERSION = 1

LEVELS: dict[str, str] = {
    "region": "région",
    "departement": "département",
    "epci": "EPCI",
    "communes": "liste de communes",
}
# Bounds of the work a study may ask for: a study is a territory, not a dump of France.
MAX_COMMUNES = 40_000
MAX_ZONES = 200
MAX_HORIZONS = 6
MAX_SCENARIOS = 6
MAX_TYPED_DESKS = 2_000
MAX_DESKS = 10_000
MAX_POPULATION = 20_000_000
MAX_GROWTH = 0.05
FIRST_YEAR = 1990
LAST_YEAR = 2100
MAX_COMMUTE_KM = 500.0
NAME_MAX_LENGTH = 60
LABEL_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4_000
ZONE_NAME_MAX_LENGTH = 120
STUDY_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ZONE_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COMMUNE_CODE = re.compile(r"^(?:[0-9][0-9AB][0-9]{3})$")
# Names that are pages of their own (/observatoire/etudes/nouvelle/), not studies.
RESERVED_NAMES = frozenset({"nouvelle"})
# A zone's rows carry this prefix in place of an INSEE code, so they never meet a commune code.
ZONE_PREFIX = "zone:"


class StudyError(ObservatoryError):
    """One bad value of a study; `field` is its path in the document (« horizons.1.annee »)."""


class StudyInvalid(ObservatoryError):
    """Every error of a study at once (`errors`); the first one is the exception's message."""

    def __init__(self, errors: list[StudyError]) -> None:
        super().__init__(errors[0].field, errors[0].message)
        self.errors = errors


@dataclass(frozen=True)
class Perimeter:
    """`level` in `LEVELS`; `code` of the région, département or EPCI; or `communes` (INSEE
    codes) for a list."""

    level: str
    code: str = ""
    communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Horizon:
    """One year of the study. Population of a commune at `year`: its typed figure in
    `populations` if any, else the base population × (1 + `growth`) ^ (year − base year)."""

    year: int
    growth: float = 0.0
    populations: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TypedInputs:
    """Figures a study types for a commune (or a zone), each optional: a typed figure wins over
    the INSEE files and the default estimate. `teleworkers` are today's teleworkers (under the
    study's « actuel » practices): the model deduces the working residents that give them."""

    working: tuple[float, ...] | None = None
    salaried_share: tuple[float, ...] | None = None
    teleworkers: float | None = None
    solos: float | None = None
    commute_km: float | None = None

    def is_empty(self) -> bool:
        return all(
            value is None
            for value in (
                self.working,
                self.salaried_share,
                self.teleworkers,
                self.solos,
                self.commute_km,
            )
        )


@dataclass(frozen=True)
class ExternalZone:
    """An area without INSEE data (a foreign canton, a neighbouring area), typed by hand and
    reported beside the communes."""

    key: str
    name: str
    latitude: float
    longitude: float
    population: float
    inputs: TypedInputs = field(default_factory=TypedInputs)


@dataclass(frozen=True)
class TypedDesks:
    """Desks counted by the study or planned (`status` « projet »): at a commune (`commune`), a
    zone (`zone`) or a point (`latitude`, `longitude`)."""

    name: str
    desks: int
    status: str = "ouvert"
    commune: str = ""
    zone: str = ""
    latitude: float | None = None
    longitude: float | None = None


DESK_STATUSES = {"ouvert": "ouvert", "projet": "en projet"}


@dataclass(frozen=True)
class StudyScenario:
    """A published scenario by its name (recomputed for each horizon, as published), or a
    user's parameter set (`scenario`, the same at every horizon)."""

    name: str
    scenario: Scenario | None = None

    @property
    def published(self) -> bool:
        return self.scenario is None


@dataclass(frozen=True)
class Study:
    name: str
    label: str
    perimeter: Perimeter
    base_year: int
    horizons: tuple[Horizon, ...]
    scenarios: tuple[StudyScenario, ...]
    description: str = ""
    zones: tuple[ExternalZone, ...] = ()
    inputs: dict[str, TypedInputs] = field(default_factory=dict)
    directory: bool = True
    directory_projects: bool = False
    desks: tuple[TypedDesks, ...] = ()
    catchment: Catchment = field(default_factory=lambda: Catchment(radius_km=15.0))
    samples: int = 256
    seed: int = 2026

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(horizon.year for horizon in self.horizons)


def above_population_errors(
    inputs: TypedInputs, population: float, path: str, where: str = ""
) -> list[StudyError]:
    """A typed count larger than the population it is part of is a typing error (a zone's
    population is in the document; a commune's in the database: `checks`)."""
    counts = {
        "actifs_pcs": ("Actifs occupés", sum(inputs.working) if inputs.working else None),
        "teletravailleurs": ("Télétravailleurs", inputs.teleworkers),
        "independants": ("Indépendants sans salarié", inputs.solos),
    }
    of = f" de {where}" if where else ""
    return [
        StudyError(
            f"{path}.{key}",
            f"{label}{of} : {french_number(value)} dépasse la population "
            f"({french_number(population)} habitants).",
        )
        for key, (label, value) in counts.items()
        if value is not None and value > population
    ]


# --- writing ----------------------------------------------------------------------------------


def _typed_to_dict(inputs: TypedInputs) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if inputs.working is not None:
        data["actifs_pcs"] = list(inputs.working)
    if inputs.salaried_share is not None:
        data["part_salaries_pcs"] = list(inputs.salaried_share)
    if inputs.teleworkers is not None:
        data["teletravailleurs"] = inputs.teleworkers
    if inputs.solos is not None:
        data["independants"] = inputs.solos
    if inputs.commute_km is not None:
        data["distance_km"] = inputs.commute_km
    return data


def _catchment_to_dict(catchment: Catchment) -> dict[str, Any]:
    if catchment.mode == "time":
        return {"mode": "temps", "minutes": catchment.minutes}
    return {"mode": "distance", "rayon_km": catchment.radius_km}


def study_to_dict(study: Study) -> dict[str, Any]:
    """The study as a JSON-ready dict that `study_from_dict` reads back equal."""
    perimeter: dict[str, Any] = {"echelon": study.perimeter.level}
    if study.perimeter.level == "communes":
        perimeter["communes"] = list(study.perimeter.communes)
    else:
        perimeter["code"] = study.perimeter.code
    scenarios: list[Any] = []
    for item in study.scenarios:
        if item.published:
            scenarios.append({"publie": item.name})
        else:
            scenarios.append(scenarios_mod.to_dict(item.scenario))
    desks = []
    for row in study.desks:
        entry: dict[str, Any] = {"nom": row.name, "postes": row.desks, "statut": row.status}
        if row.commune:
            entry["commune"] = row.commune
        if row.zone:
            entry["zone"] = row.zone
        if row.latitude is not None:
            entry["latitude"] = row.latitude
            entry["longitude"] = row.longitude
        desks.append(entry)
    return {
        "format": FORMAT,
        "version_format": FORMAT_VERSION,
        "nom": study.name,
        "libelle": study.label,
        "description": study.description,
        "perimetre": perimeter,
        "zones_externes": [
            {
                "id": zone.key,
                "nom": zone.name,
                "latitude": zone.latitude,
                "longitude": zone.longitude,
                "population": zone.population,
                "donnees": _typed_to_dict(zone.inputs),
            }
            for zone in study.zones
        ],
        "annee_base": study.base_year,
        "horizons": [
            {
                "annee": horizon.year,
                "croissance_annuelle": horizon.growth,
                "populations": dict(horizon.populations),
            }
            for horizon in study.horizons
        ],
        "donnees": {code: _typed_to_dict(typed) for code, typed in study.inputs.items()},
        "offre": {
            "annuaire": study.directory,
            "projets_annuaire": study.directory_projects,
            "postes": desks,
        },
        "scenarios": scenarios,
        "zone_de_chalandise": _catchment_to_dict(study.catchment),
        "incertitude": {"echantillons": study.samples, "graine": study.seed},
    }


# Reading lives in `reading` (every check of a document); re-exported here because callers
# think of a study as « its document »: read with `study_from_dict`, written with
# `study_to_dict`.
from maillage.observatory.study.reading import study_from_dict  # noqa: E402, F401
