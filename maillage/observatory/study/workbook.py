"""A study document as an XLSX workbook, for consultants who type and send studies in a
spreadsheet.

The workbook is another spelling of the JSON document (`docs/etude-format.md`, « Classeur »):
`study_from_xlsx` turns its sheets into the same dict and reads it with
`document.study_from_dict`, so every check is the same as for a JSON file. What a spreadsheet
does to data is repaired before: codes typed as numbers (« 1001 » for « 01001 »), decimal
commas (« 0,5 »), percentages (« 0,4 % »), blank cells (absent). What cannot be repaired (a
spreadsheet error such as `#N/D`, a missing column) and every error of the document comes back
in one `StudyInvalid`, each message naming its sheet, line and column in French.
"""

import io
import re
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook

from maillage.core.tables import Sheet, xlsx_bytes
from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.pcs import PCS_LABELS
from maillage.observatory.scenarios import FIELD_LABELS, PARAMETER_FIELDS, TUPLE_FIELDS
from maillage.observatory.study.document import (
    FORMAT,
    FORMAT_VERSION,
    LEVELS,
    ZONE_PREFIX,
    Study,
    StudyError,
    StudyInvalid,
    TypedInputs,
    study_from_dict,
    study_to_dict,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000

STUDY = "Étude"
HORIZONS = "Horizons"
POPULATIONS = "Populations saisies"
COMMUNES = "Communes"
ZONES = "Zones externes"
INPUTS = "Données saisies"
DESKS = "Postes saisis"
SCENARIOS = "Scénarios"

# « Étude »: key (its path in the JSON document) → meaning, in the order written.
STUDY_KEYS: dict[str, str] = {
    "format": f"toujours « {FORMAT} »",
    "version_format": f"version du format ({FORMAT_VERSION})",
    "nom": "identifiant : minuscules sans accent, chiffres et tirets (normandie-2030)",
    "libelle": "titre de l'étude",
    "description": "texte libre",
    "annee_base": "année des données de départ (2026)",
    "perimetre.echelon": "region, departement, epci ou communes (liste de la feuille Communes)",
    "perimetre.code": "code de la région, du département ou SIREN de l'EPCI",
    "offre.annuaire": "oui : compter les lieux ouverts de l'annuaire ; non : seulement les postes "
    "saisis",
    "offre.projets_annuaire": "oui : compter aussi les lieux en projet de l'annuaire",
    "zone_de_chalandise.mode": "distance ou temps",
    "zone_de_chalandise.rayon_km": "rayon en km par la route (mode distance)",
    "zone_de_chalandise.minutes": "minutes de trajet (mode temps)",
    "incertitude.echantillons": "nombre de tirages des bandes P10–P90 (10 à 4096)",
    "incertitude.graine": "graine des tirages (mêmes tirages, mêmes bandes)",
}
_BOOLEAN_KEYS = {"offre.annuaire", "offre.projets_annuaire"}
_INPUT_COLUMNS: dict[str, str] = {
    "teletravailleurs": "Télétravailleurs",
    "independants": "Indépendants sans salarié",
    "distance_km": "Distance domicile-travail (km)",
}
_WORKING = tuple(f"Actifs occupés — {label}" for label in PCS_LABELS)
_SALARIED = tuple(f"Part de salariés — {label}" for label in PCS_LABELS)
_ZONE_COLUMNS = {
    "id": "Identifiant",
    "nom": "Nom",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "population": "Population",
}
_DESK_COLUMNS = {
    "nom": "Nom",
    "postes": "Postes",
    "statut": "Statut",
    "commune": "Commune",
    "zone": "Zone",
    "latitude": "Latitude",
    "longitude": "Longitude",
}
PUBLISHED_COLUMN = "Scénario publié"
_SCENARIO_KEYS = tuple(
    dict.fromkeys(("name", "version", "horizon", *PARAMETER_FIELDS, "label", "based_on"))
)
_SCENARIO_COLUMNS = {
    key: FIELD_LABELS[key][0].upper() + FIELD_LABELS[key][1:] for key in _SCENARIO_KEYS
}
_SOURCE_COLUMNS = {key: f"Source : {FIELD_LABELS[key]}" for key in PARAMETER_FIELDS}
_SPREADSHEET_ERROR = re.compile(
    r"^#(?:N/A|N/D|DIV/0!|VALUE!|VALEUR!|REF!|NAME\?|NOM\?|NUM!|NULL!|NUL!|SPILL!|CALC!)$",
    re.IGNORECASE,
)
_YES = {"oui", "vrai", "true", "1", "o", "yes"}
_NO = {"non", "faux", "false", "0", "n", "no"}


# --- writing ----------------------------------------------------------------------------------


def _list_text(values) -> str:
    """« 0,03 ; 0,33 »: a list in one cell, every number exactly (it reads back equal)."""
    return " ; ".join(repr(float(value)).replace(".", ",") for value in values)


def _input_row(code: str, inputs: TypedInputs) -> list:
    row = [code, inputs.teleworkers, inputs.solos, inputs.commute_km]
    row += list(inputs.working) if inputs.working is not None else [None] * len(PCS_LABELS)
    row += (
        list(inputs.salaried_share)
        if inputs.salaried_share is not None
        else [None] * len(PCS_LABELS)
    )
    return row


def study_to_xlsx(study: Study) -> bytes:
    """The study as a workbook that `study_from_xlsx` reads back equal."""
    data = study_to_dict(study)
    flat = {
        "format": data["format"],
        "version_format": data["version_format"],
        "nom": data["nom"],
        "libelle": data["libelle"],
        "description": data["description"],
        "annee_base": data["annee_base"],
        "perimetre.echelon": study.perimeter.level,
        "perimetre.code": study.perimeter.code or None,
        "offre.annuaire": "oui" if study.directory else "non",
        "offre.projets_annuaire": "oui" if study.directory_projects else "non",
        "zone_de_chalandise.mode": data["zone_de_chalandise"]["mode"],
        "zone_de_chalandise.rayon_km": data["zone_de_chalandise"].get("rayon_km"),
        "zone_de_chalandise.minutes": data["zone_de_chalandise"].get("minutes"),
        "incertitude.echantillons": study.samples,
        "incertitude.graine": study.seed,
    }
    scenario_rows = []
    for item in study.scenarios:
        if item.published:
            scenario_rows.append([item.name])
            continue
        values = scenarios_mod.to_dict(item.scenario)
        row: list = [None]
        for key in _SCENARIO_KEYS:
            value = values[key]
            row.append(_list_text(value) if key in TUPLE_FIELDS else value)
        row += [item.scenario.sources.get(key) for key in PARAMETER_FIELDS]
        scenario_rows.append(row)
    sheets = [
        Sheet(
            STUDY,
            ["Clé", "Valeur", "Signification"],
            [[key, flat[key], meaning] for key, meaning in STUDY_KEYS.items()],
        ),
        Sheet(
            HORIZONS,
            ["Année", "Croissance annuelle"],
            [[horizon.year, horizon.growth] for horizon in study.horizons],
        ),
        Sheet(
            POPULATIONS,
            ["Année", "Code", "Population"],
            [
                [horizon.year, code, population]
                for horizon in study.horizons
                for code, population in horizon.populations.items()
            ],
        ),
        Sheet(COMMUNES, ["Code commune"], [[code] for code in study.perimeter.communes]),
        Sheet(
            ZONES,
            list(_ZONE_COLUMNS.values()),
            [
                [zone.key, zone.name, zone.latitude, zone.longitude, zone.population]
                for zone in study.zones
            ],
        ),
        Sheet(
            INPUTS,
            ["Code", *_INPUT_COLUMNS.values(), *_WORKING, *_SALARIED],
            [_input_row(code, inputs) for code, inputs in study.inputs.items()]
            + [
                _input_row(ZONE_PREFIX + zone.key, zone.inputs)
                for zone in study.zones
                if not zone.inputs.is_empty()
            ],
        ),
        Sheet(
            DESKS,
            list(_DESK_COLUMNS.values()),
            [
                [
                    row.name,
                    row.desks,
                    row.status,
                    row.commune or None,
                    row.zone or None,
                    row.latitude,
                    row.longitude,
                ]
                for row in study.desks
            ],
        ),
        Sheet(
            SCENARIOS,
            [PUBLISHED_COLUMN, *_SCENARIO_COLUMNS.values(), *_SOURCE_COLUMNS.values()],
            scenario_rows,
        ),
    ]
    return xlsx_bytes(sheets)


# --- reading ----------------------------------------------------------------------------------


def _header_key(text: Any) -> str:
    return " ".join(str(text or "").replace("’", "'").split()).casefold()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> Any:
    """A number typed the French way (« 0,5 », « 1 200 », « 0,4 % ») as a float; anything
    else unchanged, so that the document's reader names it in its message."""
    if not isinstance(value, str):
        return value
    text = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    factor = 1.0
    if text.endswith("%"):
        text, factor = text[:-1], 0.01
    try:
        return float(text) * factor
    except ValueError:
        return value.strip()


def _boolean(value: Any) -> Any:
    """« oui » / « non » (or VRAI, 1…) as a boolean; anything else unchanged, for the message."""
    if isinstance(value, bool):
        return value
    text = str(_code(value)).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return value


def _code(value: Any) -> Any:
    """A code as text: a number (the spreadsheet dropped the leading zero) written back with
    it (« 1001 » → « 01001 »)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        value = value.strip()
        if len(value) == 4 and value.isascii() and value.isdigit():
            value = "0" + value
    return value


class _Row:
    """One line of a sheet: its cells by column name, and where it is, for the messages."""

    def __init__(self, sheet: "_Sheet", line: int, cells: dict[str, Any]) -> None:
        self.sheet = sheet
        self.line = line
        self.cells = cells

    def where(self, column: str | None = None) -> str:
        place = f"Feuille « {self.sheet.title} », ligne {self.line}"
        return f"{place}, colonne « {column} »" if column else place

    def get(self, column: str) -> Any:
        return self.cells.get(_header_key(column))


class _Sheet:
    def __init__(self, title: str, rows: list[tuple]) -> None:
        self.title = title
        self.header = [_header_key(cell) for cell in rows[0]] if rows else []
        self.rows = [
            _Row(self, line, dict(zip(self.header, values, strict=False)))
            for line, values in enumerate(rows[1:], start=2)
            if not all(_is_blank(value) for value in values)
        ]


class _WorkbookReader:
    """Builds the document's dict from the sheets, remembering where each field was typed."""

    def __init__(self, sheets: dict[str, _Sheet]) -> None:
        self.sheets = sheets
        self.errors: list[StudyError] = []
        self.places: dict[str, str] = {}

    def sheet(self, title: str, required: tuple[str, ...] = ()) -> _Sheet | None:
        sheet = self.sheets.get(title)
        if sheet is None:
            return None
        missing = [column for column in required if _header_key(column) not in sheet.header]
        if missing and sheet.rows:
            names = ", ".join(f"« {column} »" for column in missing)
            self.errors.append(
                StudyError(
                    title, f"Feuille « {title} » : colonne(s) {names} absente(s) en ligne 1."
                )
            )
            return None
        return sheet

    def value(self, row: _Row, column: str, path: str, *, kind: str = "number") -> Any:
        """The cell's value for the document (None when blank), its place kept for `path`."""
        self.places[path] = row.where(column)
        value = row.get(column)
        if _is_blank(value):
            return None
        if isinstance(value, str) and _SPREADSHEET_ERROR.match(value.strip()):
            self.errors.append(
                StudyError(
                    path,
                    f"{row.where(column)} : « {value.strip()} » est une erreur du tableur ; "
                    "laisser la case vide ou saisir une valeur.",
                )
            )
            return None
        if kind == "number":
            return _number(value)
        if kind == "code":
            return _code(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() if not isinstance(value, str) else value.strip()

    def study(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        sheet = self.sheet(STUDY, ("Clé", "Valeur"))
        if sheet is None:
            if STUDY not in self.sheets:
                self.errors.append(
                    StudyError(
                        STUDY,
                        f"Feuille « {STUDY} » absente : le classeur n'est pas une étude (clés "
                        "nom, annee_base, perimetre.echelon…).",
                    )
                )
            return data
        seen: dict[str, int] = {}
        for row in sheet.rows:
            key = str(row.get("Clé") or "").strip()
            if key not in STUDY_KEYS:
                self.errors.append(
                    StudyError(
                        STUDY,
                        f"{row.where('Clé')} : clé « {key} » inconnue ; clés possibles : "
                        f"{', '.join(STUDY_KEYS)}.",
                    )
                )
                continue
            if key in seen:
                self.errors.append(
                    StudyError(
                        key, f"{row.where('Clé')} : clé « {key} » déjà donnée ligne {seen[key]}."
                    )
                )
                continue
            seen[key] = row.line
            kind = "number" if key in {"annee_base", "version_format"} or "." in key else "text"
            if key in {"perimetre.echelon", "perimetre.code", "zone_de_chalandise.mode"}:
                kind = "text"
            value = self.value(row, "Valeur", key, kind=kind)
            if value is None:
                continue
            if key in _BOOLEAN_KEYS:
                value = _boolean(value)
            elif key == "perimetre.echelon":
                labels = {label.casefold(): level for level, label in LEVELS.items()}
                value = labels.get(value.casefold(), value.casefold())
            elif (
                key == "perimetre.code" and value.isascii() and value.isdigit() and len(value) == 1
            ):
                value = "0" + value
            elif key == "zone_de_chalandise.mode":
                value = value.casefold()
            integers = {"version_format", "incertitude.echantillons", "incertitude.graine"}
            if key in integers and isinstance(value, float) and value.is_integer():
                value = int(value)
            head, _, tail = key.partition(".")
            if tail:
                data.setdefault(head, {})[tail] = value
            else:
                data[key] = value
        for key in STUDY_KEYS:
            self.places.setdefault(key, f"Feuille « {STUDY} », clé « {key} »")
        self.places["zone_de_chalandise"] = f"Feuille « {STUDY} », clés zone_de_chalandise"
        self.places["offre"] = f"Feuille « {STUDY} », clés offre"
        return data

    def horizons(self) -> list[dict[str, Any]]:
        sheet = self.sheet(HORIZONS, ("Année",))
        horizons: list[dict[str, Any]] = []
        if sheet is None:
            return horizons
        for index, row in enumerate(sheet.rows):
            path = f"horizons.{index}"
            self.places[path] = row.where()
            item = {"annee": self.value(row, "Année", f"{path}.annee")}
            growth = self.value(row, "Croissance annuelle", f"{path}.croissance_annuelle")
            if growth is not None:
                item["croissance_annuelle"] = growth
            horizons.append(item)
        sheet = self.sheet(POPULATIONS, ("Année", "Code", "Population"))
        if sheet is None:
            return horizons
        years = {item["annee"]: index for index, item in enumerate(horizons)}
        for row in sheet.rows:
            year = self.value(row, "Année", POPULATIONS)
            index = years.get(year)
            if index is None:
                self.errors.append(
                    StudyError(
                        POPULATIONS,
                        f"{row.where('Année')} : « {year} » n'est pas une année de la feuille "
                        f"« {HORIZONS} ».",
                    )
                )
                continue
            code = self.value(row, "Code", POPULATIONS, kind="code")
            if not code:
                self.errors.append(
                    StudyError(POPULATIONS, f"{row.where('Code')} : un code est attendu.")
                )
                continue
            path = f"horizons.{index}.populations.{code}"
            populations = horizons[index].setdefault("populations", {})
            if code in populations:
                self.errors.append(
                    StudyError(path, f"{row.where('Code')} : {code} déjà saisi pour {year}.")
                )
                continue
            populations[code] = self.value(row, "Population", path)
        return horizons

    def communes(self) -> list[Any]:
        sheet = self.sheet(COMMUNES, ("Code commune",))
        if sheet is None:
            return []
        codes = []
        for row in sheet.rows:
            path = f"perimetre.communes.{len(codes)}"
            code = self.value(row, "Code commune", path, kind="code")
            if code is not None:
                codes.append(code)
        return codes

    def zones(self) -> list[dict[str, Any]]:
        sheet = self.sheet(ZONES, ("Nom",))
        zones: list[dict[str, Any]] = []
        if sheet is None:
            return zones
        for index, row in enumerate(sheet.rows):
            path = f"zones_externes.{index}"
            self.places[path] = row.where()
            item = {}
            for key, column in _ZONE_COLUMNS.items():
                kind = "text" if key in {"id", "nom"} else "number"
                value = self.value(row, column, f"{path}.{key}", kind=kind)
                if value is not None:
                    item[key] = value
            zones.append(item)
        return zones

    def inputs(self, data: dict[str, Any]) -> dict[str, Any]:
        """« Données saisies »: commune rows into `donnees`, `zone:<id>` rows into their zone."""
        sheet = self.sheet(INPUTS, ("Code",))
        typed: dict[str, Any] = {}
        if sheet is None:
            return typed
        zones = {str(zone.get("id")): i for i, zone in enumerate(data.get("zones_externes", []))}
        lines: dict[str, int] = {}
        for row in sheet.rows:
            code = self.value(row, "Code", INPUTS, kind="code")
            if not isinstance(code, str) or not code:
                self.errors.append(
                    StudyError(
                        INPUTS, f"{row.where('Code')} : un code commune ou zone:<id> est attendu."
                    )
                )
                continue
            if code.startswith(ZONE_PREFIX):
                key = code[len(ZONE_PREFIX) :]
                if key not in zones:
                    self.errors.append(
                        StudyError(
                            INPUTS,
                            f"{row.where('Code')} : « {key} » n'est pas une zone de la feuille "
                            f"« {ZONES} ».",
                        )
                    )
                    continue
                path = f"zones_externes.{zones[key]}.donnees"
            else:
                path = f"donnees.{code}"
            if code in lines:
                self.errors.append(
                    StudyError(
                        path, f"{row.where('Code')} : {code} déjà saisi ligne {lines[code]}."
                    )
                )
                continue
            lines[code] = row.line
            self.places[path] = row.where()
            item: dict[str, Any] = {}
            for key, column in _INPUT_COLUMNS.items():
                value = self.value(row, column, f"{path}.{key}")
                if value is not None:
                    item[key] = value
            for key, names in (("actifs_pcs", _WORKING), ("part_salaries_pcs", _SALARIED)):
                values = [
                    self.value(row, name, f"{path}.{key}.{k}") for k, name in enumerate(names)
                ]
                self.places[f"{path}.{key}"] = (
                    f"{row.where()}, colonnes « {names[0]} » à « {names[-1]} »"
                )
                if any(value is not None for value in values):
                    item[key] = values
            if code.startswith(ZONE_PREFIX):
                data["zones_externes"][zones[code[len(ZONE_PREFIX) :]]]["donnees"] = item
            else:
                typed[code] = item
        return typed

    def desks(self) -> list[dict[str, Any]]:
        sheet = self.sheet(DESKS, ("Nom",))
        rows: list[dict[str, Any]] = []
        if sheet is None:
            return rows
        for index, row in enumerate(sheet.rows):
            path = f"offre.postes.{index}"
            self.places[path] = row.where()
            item = {}
            for key, column in _DESK_COLUMNS.items():
                kind = {"nom": "text", "statut": "text", "commune": "code", "zone": "text"}
                value = self.value(row, column, f"{path}.{key}", kind=kind.get(key, "number"))
                if value is not None:
                    item[key] = value.casefold() if key == "statut" else value
            rows.append(item)
        return rows

    def scenarios(self) -> list[Any]:
        sheet = self.sheet(SCENARIOS)
        chosen: list[Any] = []
        if sheet is None:
            return chosen
        for index, row in enumerate(sheet.rows):
            path = f"scenarios.{index}"
            self.places[path] = row.where()
            published = self.value(row, PUBLISHED_COLUMN, f"{path}.publie", kind="text")
            if published is not None:
                chosen.append({"publie": published.casefold()})
                continue
            item: dict[str, Any] = {}
            for key, column in _SCENARIO_COLUMNS.items():
                kind = "text" if key in {"name", "label", "based_on"} else "number"
                if key in TUPLE_FIELDS:
                    kind = "text"
                value = self.value(row, column, f"{path}.{key}", kind=kind)
                if value is None:
                    continue
                if key in TUPLE_FIELDS:
                    value = [_number(part) for part in str(value).split(";") if part.strip()]
                elif key in {"version", "horizon"} and isinstance(value, float):
                    value = int(value) if value.is_integer() else value
                item[key] = value
            sources = {}
            for key, column in _SOURCE_COLUMNS.items():
                value = self.value(row, column, f"{path}.sources.{key}", kind="text")
                if value is not None:
                    sources[key] = value
            item["sources"] = sources
            chosen.append(item)
        return chosen

    def document(self) -> dict[str, Any]:
        # Where an error on a whole part lands (« no horizon », « no commune »).
        self.places.update(
            {
                "perimetre": f"Feuille « {STUDY} », clés perimetre",
                "perimetre.communes": f"Feuille « {COMMUNES} »",
                "horizons": f"Feuille « {HORIZONS} »",
                "zones_externes": f"Feuille « {ZONES} »",
                "donnees": f"Feuille « {INPUTS} »",
                "offre.postes": f"Feuille « {DESKS} »",
                "scenarios": f"Feuille « {SCENARIOS} »",
            }
        )
        data = self.study()
        data["horizons"] = self.horizons()
        perimeter = data.setdefault("perimetre", {})
        if perimeter.get("echelon") == "communes":
            perimeter["communes"] = self.communes()
        data["zones_externes"] = self.zones()
        data["donnees"] = self.inputs(data)
        data.setdefault("offre", {})["postes"] = self.desks()
        data["scenarios"] = self.scenarios()
        return data

    def locate(self, error: StudyError) -> StudyError:
        """The document's error with the sheet, line and column it comes from."""
        path = error.field
        while path and path not in self.places:
            path = path.rpartition(".")[0]
        if not path:
            return error
        return StudyError(error.field, f"{self.places[path]} : {error.message}")


def _sheets(data: bytes) -> dict[str, _Sheet]:
    if len(data) > MAX_BYTES:
        raise StudyInvalid(
            [
                StudyError(
                    "fichier",
                    f"Classeur de {len(data) // (1024 * 1024)} Mo ; au plus "
                    f"{MAX_BYTES // (1024 * 1024)} Mo.",
                )
            ]
        )
    sheets = {}
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for worksheet in book.worksheets:
                title = worksheet.title.strip()
                rows = list(_limited(worksheet.iter_rows(values_only=True), title))
                sheets[title] = _Sheet(title, rows)
        finally:
            book.close()
    except StudyInvalid:
        raise
    except Exception as error:
        # A broken file fails wherever its parser stops (ZIP, XML, a cell's type): whatever the
        # exception, the person gets one French sentence, never a crash.
        raise StudyInvalid(
            [StudyError("fichier", "Le fichier n'est pas un classeur XLSX lisible.")]
        ) from error
    return sheets


def _limited(rows: Iterator[tuple], title: str) -> Iterator[tuple]:
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise StudyInvalid(
                [StudyError(title, f"Feuille « {title} » : plus de {MAX_ROWS} lignes.")]
            )
        yield row


def study_from_xlsx(data: bytes) -> Study:
    """Read a study workbook (`study_to_xlsx`'s layout, typed or edited by hand); raise
    `StudyInvalid` with every error, each saying its sheet, line and column. Sheets the layout
    does not name are ignored (notes, pivot tables); so are columns it does not name."""
    reader = _WorkbookReader(_sheets(data))
    document = reader.document()
    errors = list(reader.errors)
    try:
        study = study_from_dict(document)
    except StudyInvalid as invalid:
        # A cell refused here (`#N/D`) also reads as blank below: say it once.
        refused = {error.field for error in errors}
        errors += [reader.locate(error) for error in invalid.errors if error.field not in refused]
    if errors:
        raise StudyInvalid(errors)
    return study
