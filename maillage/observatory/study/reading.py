"""Reading a study document: every check that needs no database, every error at once.

`study_from_dict` raises `StudyInvalid` with one `StudyError` per bad field (its path in the
document, « horizons.1.annee », and a French message); what needs the database is in `checks`.
Numbers typed the French way (« 12,5 », « 1 200 ») are read; odd JSON (lists where a text is
expected, numbers of 400 digits, nested garbage) is an error on its field, never an exception.
"""

import math
from datetime import date
from typing import Any

from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import CatchmentError, french_number
from maillage.observatory.pcs import PCS_COUNT, PCS_LABELS
from maillage.observatory.scenarios import PUBLISHED_NAMES
from maillage.observatory.study.document import (
    COMMUNE_CODE,
    DESK_STATUSES,
    FIRST_YEAR,
    FORMAT,
    FORMAT_VERSION,
    LABEL_MAX_LENGTH,
    LAST_YEAR,
    LEVELS,
    MAX_COMMUNES,
    MAX_COMMUTE_KM,
    MAX_DESKS,
    MAX_GROWTH,
    MAX_HORIZONS,
    MAX_POPULATION,
    MAX_SCENARIOS,
    MAX_TYPED_DESKS,
    MAX_ZONES,
    NAME_MAX_LENGTH,
    RESERVED_NAMES,
    STUDY_NAME,
    TEXT_MAX_LENGTH,
    ZONE_KEY,
    ZONE_NAME_MAX_LENGTH,
    ZONE_PREFIX,
    ExternalZone,
    Horizon,
    Perimeter,
    Study,
    StudyError,
    StudyInvalid,
    StudyScenario,
    TypedDesks,
    TypedInputs,
    above_population_errors,
)


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
        try:
            value = float(value)
        except OverflowError:
            value = math.inf
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
    if len(code) == 4 and code.isascii() and code.isdigit():
        code = "0" + code
    if not COMMUNE_CODE.match(code):
        reader.error(path, f"Code commune : « {value} » n'est pas un code INSEE (5 caractères).")
        return None
    return code


def _perimeter(reader: _Reader, data: Any) -> Perimeter:
    data = reader.mapping(data, "perimetre", "Périmètre")
    level = data.get("echelon")
    if not isinstance(level, str) or level not in LEVELS:
        reader.error(
            "perimetre.echelon",
            f"Échelon du périmètre : « {level if isinstance(level, str) else ''} » ; région, "
            "département, EPCI ou liste de communes attendu.",
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
    codes: dict[str, None] = {}  # ordered and without duplicates, in linear time
    for index, item in enumerate(items):
        code = _commune_code(reader, item, f"perimetre.communes.{index}")
        if code is not None:
            codes[code] = None
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
            reader.errors.extend(above_population_errors(inputs, population, f"{path}.donnees"))
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
        if not isinstance(status, str) or status not in DESK_STATUSES:
            reader.error(f"{path}.statut", f"Statut : « {status} » ; ouvert ou projet attendu.")
        commune = ""
        if item.get("commune"):
            commune = _commune_code(reader, item["commune"], f"{path}.commune") or ""
        zone = item.get("zone") or ""
        if not isinstance(zone, str):
            reader.error(f"{path}.zone", "Zone : l'identifiant d'une zone de l'étude est attendu.")
            zone = ""
        elif zone and zone not in zone_keys:
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
                status=status if isinstance(status, str) and status in DESK_STATUSES else "ouvert",
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
    except (CatchmentError, TypeError, ValueError, OverflowError) as error:
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
    if name in RESERVED_NAMES:
        reader.error("nom", f"Nom de l'étude : « {name} » est réservé ; en choisir un autre.")
    elif name and not STUDY_NAME.match(name):
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
