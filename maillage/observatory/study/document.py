"""A study (étude) as one document: what a consultant sends and another platform recomputes.

The document is plain data (`Study` and its parts), read from and written to a JSON dict whose
format is named and versioned (`FORMAT`, `FORMAT_VERSION`, described in
`docs/etude-format.md`). Keys of the file are French, because people open it; fields here are
English. `study_from_dict` checks everything a study can get wrong *without* the database
(shapes, numbers, shares in [0, 1], horizons in order, names) and raises `StudyInvalid` with
every error at once, each on its field path (« horizons.1.annee »), so a form or the API shows
them all; what needs the database (unknown communes, a typed figure above a commune's
population) is checked by `compute.study_compute`, with the same error type.

Nothing here is stored or computed: `services.study_save` stores, `compute` computes.
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import CatchmentError, ObservatoryError, french_number
from maillage.observatory.pcs import PCS_COUNT, PCS_LABELS
from maillage.observatory.scenarios import PUBLISHED_NAMES, Scenario

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
COMMUNE_CODE = re.compile(r"^(?:\d[0-9AB]\d{3})$")
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


# --- reading ----------------------------------------------------------------------------------


class _Reader:
    """Collects errors while reading, so that every bad field is reported at once."""

    def __init__(self) -> None:
        self.errors: list[StudyError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(StudyError(path, message))

    def number(
        self,
        value: Any,
        path: str,
        label: str,
        *,
        low: float = 0.0,
        high: float = math.inf,
        required: bool = True,
    ) -> float | None:
        if value is None or value == "":
            if required:
                self.error(path, f"{label} : ce champ est obligatoire.")
            return None
        if isinstance(value, str):
            # A number typed by a person in a spreadsheet or a file: « 12,5 », « 1 200 ».
            text = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            try:
                value = float(text.replace(",", "."))
            except ValueError:
                self.error(path, f"{label} : « {value} » n'est pas un nombre.")
                return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(path, f"{label} : un nombre est attendu.")
            return None
        value = float(value)
        if not math.isfinite(value):
            self.error(path, f"{label} : un nombre fini est attendu.")
            return None
        if value < low or value > high:
            bounds = (
                f"au moins {french_number(low)}"
                if high == math.inf
                else f"entre {french_number(low)} et {french_number(high)}"
            )
            self.error(
                path, f"{label} : {french_number(value)} ; une valeur {bounds} est attendue."
            )
            return None
        return value

    def share(self, value: Any, path: str, label: str, *, required: bool = True) -> float | None:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and math.isfinite(value) and 1 < value <= 100:
            # « 62 » for 62 %: say how to write it rather than only refusing it.
            self.error(
                path,
                f"{label} : {french_number(value)} ; une part entre 0 et 1 est attendue "
                f"({french_number(value / 100)} pour {french_number(value)} %).",
            )
            return None
        return self.number(value, path, label, low=0.0, high=1.0, required=required)

    def year(self, value: Any, path: str, label: str) -> int | None:
        number = self.number(value, path, label, low=FIRST_YEAR, high=LAST_YEAR)
        if number is None:
            return None
        if number != int(number):
            self.error(path, f"{label} : une année entière est attendue.")
            return None
        return int(number)

    def text(
        self, value: Any, path: str, label: str, *, max_length: int, required: bool = False
    ) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(path, f"{label} : un texte est attendu.")
            return ""
        value = value.strip()
        if required and not value:
            self.error(path, f"{label} : ce champ est obligatoire.")
        if len(value) > max_length:
            self.error(path, f"{label} : {len(value)} caractères ; au plus {max_length}.")
            return value[:max_length]
        return value

    def mapping(self, value: Any, path: str, label: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, f"{label} : un objet (clés et valeurs) est attendu.")
            return {}
        return value

    def listing(self, value: Any, path: str, label: str, *, max_items: int) -> list:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.error(path, f"{label} : une liste est attendue.")
            return []
        if len(value) > max_items:
            self.error(path, f"{label} : {len(value)} éléments ; au plus {max_items}.")
            return list(value[:max_items])
        return list(value)


def _commune_code(reader: _Reader, value: Any, path: str) -> str | None:
    """An INSEE code as a string; « 1001 » (a spreadsheet ate the zero) reads « 01001 »."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        reader.error(path, "Code commune : un code INSEE à 5 caractères est attendu.")
        return None
    code = value.strip().upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    if not COMMUNE_CODE.match(code):
        reader.error(path, f"Code commune : « {value} » n'est pas un code INSEE (5 caractères).")
        return None
    return code


def _perimeter(reader: _Reader, data: Any) -> Perimeter:
    data = reader.mapping(data, "perimetre", "Périmètre")
    level = data.get("echelon")
    if level not in LEVELS:
        reader.error(
            "perimetre.echelon",
            f"Échelon du périmètre : « {level or ''} » ; région, département, EPCI ou liste de "
            "communes attendu.",
        )
        return Perimeter(level="communes")
    if level != "communes":
        code = reader.text(
            data.get("code"), "perimetre.code", "Code du territoire", max_length=20, required=True
        )
        return Perimeter(level=level, code=code)
    items = reader.listing(
        data.get("communes"), "perimetre.communes", "Communes", max_items=MAX_COMMUNES
    )
    codes: list[str] = []
    for index, item in enumerate(items):
        code = _commune_code(reader, item, f"perimetre.communes.{index}")
        if code is not None and code not in codes:
            codes.append(code)
    return Perimeter(level="communes", communes=tuple(codes))


def _typed_inputs(reader: _Reader, data: Any, path: str) -> TypedInputs:
    data = reader.mapping(data, path, "Données saisies")
    working = None
    if data.get("actifs_pcs") is not None:
        items = reader.listing(data["actifs_pcs"], f"{path}.actifs_pcs", "Actifs", max_items=9)
        if len(items) != PCS_COUNT:
            reader.error(
                f"{path}.actifs_pcs",
                f"Actifs occupés par PCS : {PCS_COUNT} valeurs attendues (une par catégorie), "
                f"{len(items)} reçues.",
            )
        else:
            values = [
                reader.number(value, f"{path}.actifs_pcs.{k}", f"Actifs occupés, {label}")
                for k, (value, label) in enumerate(zip(items, PCS_LABELS, strict=True))
            ]
            if None not in values:
                working = tuple(values)
    salaried = None
    if data.get("part_salaries_pcs") is not None:
        items = reader.listing(
            data["part_salaries_pcs"], f"{path}.part_salaries_pcs", "Parts", max_items=9
        )
        if len(items) != PCS_COUNT:
            reader.error(
                f"{path}.part_salaries_pcs",
                f"Part de salariés par PCS : {PCS_COUNT} valeurs attendues, {len(items)} reçues.",
            )
        else:
            values = [
                reader.share(value, f"{path}.part_salaries_pcs.{k}", f"Part de salariés, {label}")
                for k, (value, label) in enumerate(zip(items, PCS_LABELS, strict=True))
            ]
            if None not in values:
                salaried = tuple(values)
    if working is not None and data.get("teletravailleurs") is not None:
        reader.error(
            f"{path}.teletravailleurs",
            "Télétravailleurs : saisir soit les actifs par PCS, soit les télétravailleurs, pas "
            "les deux (les actifs donnent déjà les télétravailleurs de chaque scénario).",
        )
    return TypedInputs(
        working=working,
        salaried_share=salaried,
        teleworkers=reader.number(
            data.get("teletravailleurs"),
            f"{path}.teletravailleurs",
            "Télétravailleurs",
            high=MAX_POPULATION,
            required=False,
        ),
        solos=reader.number(
            data.get("independants"),
            f"{path}.independants",
            "Indépendants sans salarié",
            high=MAX_POPULATION,
            required=False,
        ),
        commute_km=reader.number(
            data.get("distance_km"),
            f"{path}.distance_km",
            "Distance domicile-travail (km)",
            high=MAX_COMMUTE_KM,
            required=False,
        ),
    )


def _zones(reader: _Reader, data: Any) -> tuple[ExternalZone, ...]:
    zones: list[ExternalZone] = []
    seen: set[str] = set()
    items = reader.listing(data, "zones_externes", "Zones externes", max_items=MAX_ZONES)
    for index, item in enumerate(items):
        path = f"zones_externes.{index}"
        item = reader.mapping(item, path, "Zone externe")
        name = reader.text(
            item.get("nom"),
            f"{path}.nom",
            "Nom de la zone externe",
            max_length=ZONE_NAME_MAX_LENGTH,
            required=True,
        )
        key = item.get("id") or _slug(name) or f"zone-{index + 1}"
        if not isinstance(key, str) or not ZONE_KEY.match(key):
            reader.error(
                f"{path}.id",
                f"Identifiant de la zone : « {key} » ; minuscules sans accent, chiffres et "
                "tirets (par exemple « canton-geneve »).",
            )
            key = f"zone-{index + 1}"
        if key in seen:
            reader.error(f"{path}.id", f"Identifiant de la zone : « {key} » est déjà pris.")
        seen.add(key)
        latitude = reader.number(
            item.get("latitude"), f"{path}.latitude", "Latitude", low=-90, high=90
        )
        longitude = reader.number(
            item.get("longitude"), f"{path}.longitude", "Longitude", low=-180, high=180
        )
        population = reader.number(
            item.get("population"), f"{path}.population", "Population", high=MAX_POPULATION
        )
        inputs = _typed_inputs(reader, item.get("donnees"), f"{path}.donnees")
        if population is not None:
            _check_against_population(reader, inputs, population, f"{path}.donnees")
        zones.append(
            ExternalZone(
                key=key,
                name=name,
                latitude=latitude or 0.0,
                longitude=longitude or 0.0,
                population=population or 0.0,
                inputs=inputs,
            )
        )
    return tuple(zones)


def _check_against_population(
    reader: _Reader, inputs: TypedInputs, population: float, path: str
) -> None:
    """A typed count larger than the population it is part of is a typing error."""
    counts = {
        "actifs_pcs": ("Actifs occupés", sum(inputs.working) if inputs.working else None),
        "teletravailleurs": ("Télétravailleurs", inputs.teleworkers),
        "independants": ("Indépendants sans salarié", inputs.solos),
    }
    for key, (label, value) in counts.items():
        if value is not None and value > population:
            reader.error(
                f"{path}.{key}",
                f"{label} : {french_number(value)} dépasse la population "
                f"({french_number(population)} habitants).",
            )


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:40].strip("-")


def _horizons(reader: _Reader, data: Any, base_year: int | None) -> tuple[Horizon, ...]:
    items = reader.listing(data, "horizons", "Horizons", max_items=MAX_HORIZONS)
    if not items:
        reader.error("horizons", "Horizons : au moins une année est attendue.")
        return ()
    horizons: list[Horizon] = []
    for index, item in enumerate(items):
        path = f"horizons.{index}"
        if isinstance(item, int | str) and not isinstance(item, bool):
            item = {"annee": item}
        item = reader.mapping(item, path, "Horizon")
        year = reader.year(item.get("annee"), f"{path}.annee", "Année d'horizon")
        growth = reader.number(
            item.get("croissance_annuelle", 0.0),
            f"{path}.croissance_annuelle",
            "Croissance annuelle de la population",
            low=-MAX_GROWTH,
            high=MAX_GROWTH,
        )
        populations: dict[str, float] = {}
        typed = reader.mapping(item.get("populations"), f"{path}.populations", "Populations")
        for code, value in typed.items():
            key = str(code)
            if not key.startswith(ZONE_PREFIX):
                key = _commune_code(reader, code, f"{path}.populations.{code}") or key
            number = reader.number(
                value, f"{path}.populations.{code}", f"Population de {code}", high=MAX_POPULATION
            )
            if number is not None:
                populations[key] = number
        if year is None:
            continue
        if base_year is not None and year < base_year:
            reader.error(
                f"{path}.annee",
                f"Année d'horizon : {year} est avant l'année de base ({base_year}).",
            )
        if horizons and year <= horizons[-1].year:
            reader.error(
                f"{path}.annee",
                f"Année d'horizon : {year} après {horizons[-1].year} ; les horizons vont dans "
                "l'ordre, sans doublon (par exemple 2026, 2031, 2036).",
            )
        horizons.append(Horizon(year=year, growth=growth or 0.0, populations=populations))
    return tuple(horizons)


def _scenarios(reader: _Reader, data: Any, base_year: int | None) -> tuple[StudyScenario, ...]:
    items = reader.listing(data, "scenarios", "Scénarios", max_items=MAX_SCENARIOS)
    if not items:
        return tuple(StudyScenario(name) for name in PUBLISHED_NAMES)
    chosen: list[StudyScenario] = []
    for index, item in enumerate(items):
        path = f"scenarios.{index}"
        if isinstance(item, str):
            item = {"publie": item}
        item = reader.mapping(item, path, "Scénario")
        if "publie" in item:
            name = item["publie"]
            if name not in PUBLISHED_NAMES:
                reader.error(
                    f"{path}.publie",
                    f"Scénario publié : « {name} » ; actuel, tendanciel ou rupture attendu.",
                )
                continue
            entry = StudyScenario(name)
        else:
            try:
                scenario = scenarios_mod.from_dict(item)
            except (TypeError, ValueError) as error:
                message = getattr(error, "message", "paramètres illisibles")
                reader.error(path, f"Scénario : {message}")
                continue
            year = date(base_year or FIRST_YEAR, 1, 1)
            for problem in scenarios_mod.scenario_errors(scenario, year):
                reader.error(f"{path}.{problem.field}", problem.message)
            entry = StudyScenario(scenario.name, scenario)
        if any(existing.name == entry.name for existing in chosen):
            reader.error(path, f"Scénario : « {entry.name} » figure deux fois dans l'étude.")
            continue
        chosen.append(entry)
    return tuple(chosen)


def _desks(reader: _Reader, data: Any, zone_keys: set[str]) -> tuple[TypedDesks, ...]:
    rows: list[TypedDesks] = []
    items = reader.listing(data, "offre.postes", "Postes saisis", max_items=MAX_TYPED_DESKS)
    for index, item in enumerate(items):
        path = f"offre.postes.{index}"
        item = reader.mapping(item, path, "Postes saisis")
        name = reader.text(
            item.get("nom"),
            f"{path}.nom",
            "Nom du lieu",
            max_length=LABEL_MAX_LENGTH,
            required=True,
        )
        desks = reader.number(item.get("postes"), f"{path}.postes", "Postes", high=MAX_DESKS)
        if desks is not None and desks != int(desks):
            reader.error(f"{path}.postes", "Postes : un nombre entier est attendu.")
        status = item.get("statut") or "ouvert"
        if status not in DESK_STATUSES:
            reader.error(f"{path}.statut", f"Statut : « {status} » ; ouvert ou projet attendu.")
        commune = ""
        if item.get("commune"):
            commune = _commune_code(reader, item["commune"], f"{path}.commune") or ""
        zone = item.get("zone") or ""
        if zone and zone not in zone_keys:
            reader.error(f"{path}.zone", f"Zone : « {zone} » n'est pas une zone de l'étude.")
        latitude = longitude = None
        if item.get("latitude") is not None or item.get("longitude") is not None:
            latitude = reader.number(
                item.get("latitude"), f"{path}.latitude", "Latitude", low=-90, high=90
            )
            longitude = reader.number(
                item.get("longitude"), f"{path}.longitude", "Longitude", low=-180, high=180
            )
        if not commune and not zone and latitude is None:
            reader.error(
                f"{path}.commune",
                "Lieu : une commune (code INSEE), une zone de l'étude ou des coordonnées sont "
                "attendues.",
            )
        rows.append(
            TypedDesks(
                name=name,
                desks=int(desks or 0),
                status=status if status in DESK_STATUSES else "ouvert",
                commune=commune,
                zone=zone,
                latitude=latitude,
                longitude=longitude,
            )
        )
    return tuple(rows)


def _catchment(reader: _Reader, data: Any) -> Catchment:
    data = reader.mapping(data, "zone_de_chalandise", "Zone de chalandise")
    mode = data.get("mode", "distance")
    try:
        if mode == "temps":
            return Catchment(mode="time", minutes=data.get("minutes"))
        if mode == "distance":
            return Catchment(radius_km=data.get("rayon_km", 15.0))
        reader.error("zone_de_chalandise.mode", "Zone de chalandise : distance ou temps attendu.")
    except (CatchmentError, TypeError, ValueError) as error:
        reader.error(
            "zone_de_chalandise", f"Zone de chalandise : {getattr(error, 'message', error)}"
        )
    return Catchment(radius_km=15.0)


def study_from_dict(data: Any) -> Study:
    """Read a study document (the JSON of `study_to_dict`); raise `StudyInvalid` with every
    error found (French messages on field paths). Unknown keys are ignored (a newer minor
    writer may add some); a newer `version_format` is refused."""
    reader = _Reader()
    data = reader.mapping(data, "", "Étude")
    if data.get("format", FORMAT) != FORMAT:
        reader.error("format", f"Format : « {data.get('format')} » ; « {FORMAT} » attendu.")
    version = data.get("version_format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        reader.error(
            "version_format",
            f"Version du format : {version} ; cette plateforme lit la version {FORMAT_VERSION}.",
        )
    name = reader.text(
        data.get("nom"), "nom", "Nom de l'étude", max_length=NAME_MAX_LENGTH, required=True
    )
    if name and not STUDY_NAME.match(name):
        reader.error(
            "nom",
            f"Nom de l'étude : « {name} » ; minuscules sans accent, chiffres et tirets (par "
            "exemple « normandie-2030 »).",
        )
    label = reader.text(data.get("libelle"), "libelle", "Libellé", max_length=LABEL_MAX_LENGTH)
    description = reader.text(
        data.get("description"), "description", "Description", max_length=TEXT_MAX_LENGTH
    )
    perimeter = _perimeter(reader, data.get("perimetre"))
    zones = _zones(reader, data.get("zones_externes"))
    if perimeter.level == "communes" and not perimeter.communes and not zones:
        reader.error(
            "perimetre.communes",
            "Périmètre : aucune commune ni zone externe ; choisir un territoire, des communes ou "
            "saisir une zone.",
        )
    base_year = reader.year(data.get("annee_base"), "annee_base", "Année de base")
    horizons = _horizons(reader, data.get("horizons"), base_year)
    inputs: dict[str, TypedInputs] = {}
    for code, item in reader.mapping(data.get("donnees"), "donnees", "Données saisies").items():
        key = _commune_code(reader, code, f"donnees.{code}")
        if key is None:
            continue
        typed = _typed_inputs(reader, item, f"donnees.{code}")
        if not typed.is_empty():
            inputs[key] = typed
    offer = reader.mapping(data.get("offre"), "offre", "Offre")
    directory = offer.get("annuaire", True)
    projects = offer.get("projets_annuaire", False)
    if not isinstance(directory, bool) or not isinstance(projects, bool):
        reader.error("offre.annuaire", "Offre : oui ou non (true ou false) attendu.")
    desks = _desks(reader, offer.get("postes"), {zone.key for zone in zones})
    scenarios = _scenarios(reader, data.get("scenarios"), base_year)
    catchment = _catchment(reader, data.get("zone_de_chalandise"))
    uncertainty = reader.mapping(data.get("incertitude"), "incertitude", "Incertitude")
    samples = reader.number(
        uncertainty.get("echantillons", 256),
        "incertitude.echantillons",
        "Nombre de tirages",
        low=10,
        high=4096,
    )
    seed = reader.number(
        uncertainty.get("graine", 2026), "incertitude.graine", "Graine", low=0, high=2**32 - 1
    )
    if reader.errors:
        raise StudyInvalid(reader.errors)
    return Study(
        name=name,
        label=label,
        description=description,
        perimeter=perimeter,
        zones=zones,
        base_year=int(base_year),
        horizons=horizons,
        scenarios=scenarios,
        inputs=inputs,
        directory=bool(directory),
        directory_projects=bool(projects),
        desks=desks,
        catchment=catchment,
        samples=int(samples),
        seed=int(seed),
    )


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
