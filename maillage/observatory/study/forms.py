"""The study editor: a form for the main fields, formsets for external zones, typed commune
figures and typed desks, turned into a study document (`document.study_from_dict` reads it).

The forms only read what a person types (numbers the French way, lists of years or codes); every
rule of a study (perimeter not empty, horizons in order, shares in [0, 1], a typed figure not
above the population…) stays in `study_from_dict`, whose errors come back on their field path
(« zones_externes.0.nom ») and `place_errors` puts each on the input that caused it. What only
the database can refuse (unknown communes, a typed figure above a commune's population) is
checked by `database_errors` before saving, with the same paths.
"""

import re
from typing import Any

from django import forms
from django.utils.text import slugify

from maillage.core.forms import FrenchDecimalField, french_number_text, parse_french_number
from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.pcs import PCS_LABELS
from maillage.observatory.scenarios import PUBLISHED_NAMES, Scenario
from maillage.observatory.study.document import (
    DESK_STATUSES,
    FIRST_YEAR,
    FORMAT,
    FORMAT_VERSION,
    LAST_YEAR,
    LEVELS,
    MAX_HORIZONS,
    MAX_TYPED_DESKS,
    MAX_ZONES,
    ZONE_PREFIX,
    StudyInvalid,
)

MAX_UPLOAD = 2 * 1024 * 1024  # bytes: a study file, not a database dump
MAX_COMMUNE_ROWS = 500
_SEPARATORS = re.compile(r"[\s,;]+")
_COMMUNE_LIKE = re.compile(r"^[0-9][0-9AB][0-9]{2,3}$")
PCS_HELP = "6 valeurs séparées par des points-virgules, dans l'ordre : " + ", ".join(PCS_LABELS)
# Figures typed for a commune or a zone: the form fields bear the document's keys (`donnees`).
TYPED_FIELDS = (
    "actifs_pcs",
    "part_salaries_pcs",
    "teletravailleurs",
    "independants",
    "distance_km",
)

# ASCII digits only: « ² » and « ٣ » are digits for `str.isdigit`, not numbers for `int`.
_ASCII_DIGITS = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"[0-9]{4}")


# Fields that carry a value in a row nobody typed in (a select, a hidden id, the delete box).
ROW_DEFAULTS = {"statut", "identifiant", "DELETE"}


def _numbers_text(values) -> str:
    return " ; ".join(french_number_text(float(value)) for value in values)


class NumberListField(forms.CharField):
    """« 10 ; 12,5 ; 0 » → (10.0, 12.5, 0.0); blank → None. How many values is the study's
    rule (one per PCS), said by `study_from_dict` on the same field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return tuple(parse_french_number(part) for part in text.split(";") if part.strip())
        except ValueError:
            raise forms.ValidationError(
                "Des nombres séparés par des points-virgules sont attendus, ex. « 10 ; 12,5 »."
            ) from None

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return _numbers_text(value)
        return value


class StudyForm(forms.Form):
    """The study's main fields; `scenario_choices` are the published scenarios and the saved
    ones (plus those the study already holds)."""

    nom = forms.CharField(
        label="Nom court de l'étude",
        max_length=60,
        help_text="Minuscules sans accent, chiffres et tirets, ex. « bessin-2036 » : il sert "
        "d'adresse à l'étude.",
    )
    libelle = forms.CharField(label="Libellé", max_length=200, required=False)
    description = forms.CharField(
        label="Description",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    echelon = forms.ChoiceField(
        label="Périmètre : échelon", choices=list(LEVELS.items()), initial="epci"
    )
    code = forms.CharField(
        label="Code de la région, du département ou de l'EPCI",
        max_length=20,
        required=False,
        help_text="Ex. « 28 » (Normandie), « 14 » (Calvados), « 200065597 » (Caen la Mer).",
    )
    communes = forms.CharField(
        label="Ou liste de communes (codes INSEE)",
        required=False,
        max_length=400_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour l'échelon « liste de communes » : codes séparés par des espaces, "
        "virgules ou retours à la ligne.",
    )
    annee_base = forms.IntegerField(
        label="Année de base", initial=2026, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    horizons = forms.CharField(
        label="Horizons",
        max_length=100,
        initial="2026, 2031, 2036",
        help_text="Années dans l'ordre, séparées par des virgules, ex. « 2026, 2031, 2036 ».",
    )
    croissance = NumberListField(
        label="Croissance annuelle de la population (% par an)",
        help_text="Une valeur pour tous les horizons, ou une par horizon séparées par des "
        "points-virgules, ex. « 0,4 » ou « 0 ; 0,4 ; 0,3 ». Vide : population constante.",
    )
    scenarios = forms.MultipleChoiceField(
        label="Scénarios comparés",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Aucun coché : les trois scénarios publiés.",
    )
    mode = forms.ChoiceField(
        label="Zone de chalandise",
        choices=(("distance", "Distance par la route (km)"), ("temps", "Temps de trajet")),
        initial="distance",
    )
    rayon_km = FrenchDecimalField(label="Rayon (km par la route)", required=False, initial=15)
    minutes = FrenchDecimalField(label="Temps de trajet (minutes)", required=False)
    annuaire = forms.BooleanField(
        label="Compter les lieux ouverts de l'annuaire", required=False, initial=True
    )
    projets_annuaire = forms.BooleanField(
        label="Compter aussi les lieux en projet de l'annuaire", required=False
    )
    echantillons = forms.IntegerField(
        label="Tirages pour les bandes P10–P90",
        initial=256,
        min_value=10,
        max_value=4096,
        help_text="Entre 10 et 4 096 : plus de tirages, bandes plus stables, calcul plus long.",
    )
    graine = forms.IntegerField(
        label="Graine des tirages", initial=2026, min_value=0, max_value=2**32 - 1
    )
    version_lue = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=1_000_000
    )

    def __init__(self, *args, scenario_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].choices = scenario_choices

    def clean_nom(self) -> str:
        return self.cleaned_data["nom"].strip()

    def clean_communes(self) -> list[str]:
        return [code for code in _SEPARATORS.split(self.cleaned_data["communes"]) if code]

    def clean_horizons(self) -> list[int]:
        years = []
        for part in _SEPARATORS.split(self.cleaned_data["horizons"]):
            if not part:
                continue
            if not _YEAR.fullmatch(part):
                raise forms.ValidationError(
                    f"« {part[:20]} » n'est pas une année ; écrire par exemple « 2026, 2031, "
                    "2036 »."
                )
            years.append(int(part))
        if not years:
            raise forms.ValidationError("Au moins une année d'horizon est attendue.")
        if len(years) > MAX_HORIZONS:
            raise forms.ValidationError(f"{len(years)} horizons ; au plus {MAX_HORIZONS}.")
        return years

    def clean(self):
        data = super().clean()
        rates = data.get("croissance")
        years = data.get("horizons")
        if rates and years and len(rates) not in (1, len(years)):
            self.add_error(
                "croissance",
                f"{len(rates)} taux pour {len(years)} horizons : un seul taux pour tous, ou un "
                "par horizon.",
            )
        elif rates and any(abs(rate) > 5 for rate in rates):
            self.add_error(
                "croissance",
                "Croissance annuelle : entre −5 et 5 % par an (ex. « 0,4 » pour 0,4 %).",
            )
        return data


class _TypedFiguresForm(forms.Form):
    """Figures typed for a commune or a zone (each optional)."""

    actifs_pcs = NumberListField(label="Actifs occupés par PCS", help_text=PCS_HELP)
    part_salaries_pcs = NumberListField(
        label="Part de salariés par PCS (entre 0 et 1)", help_text=PCS_HELP
    )
    teletravailleurs = FrenchDecimalField(label="Télétravailleurs aujourd'hui", required=False)
    independants = FrenchDecimalField(label="Indépendants sans salarié", required=False)
    distance_km = FrenchDecimalField(label="Distance domicile-travail (km)", required=False)

    def typed(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: _listed(data[key]) for key in TYPED_FIELDS if data.get(key) is not None}


def _listed(value):
    return list(value) if isinstance(value, tuple) else value


class ZoneForm(_TypedFiguresForm):
    """An external zone: an area without INSEE data, typed by hand."""

    identifiant = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)
    nom = forms.CharField(label="Nom de la zone", max_length=120, required=False)
    latitude = FrenchDecimalField(label="Latitude", required=False)
    longitude = FrenchDecimalField(label="Longitude", required=False)
    population = FrenchDecimalField(label="Population", required=False)

    field_order = ["identifiant", "nom", "latitude", "longitude", "population"]


class CommuneFiguresForm(_TypedFiguresForm):
    """Figures typed for one commune of the perimeter, and its population at a horizon."""

    code = forms.CharField(
        label="Code INSEE de la commune",
        max_length=70,
        required=False,
        help_text="Ou « zone:identifiant » pour la population d'une zone externe à un horizon.",
    )
    annee = forms.IntegerField(label="Horizon de la population saisie", required=False)
    population = FrenchDecimalField(label="Population à cet horizon", required=False)

    field_order = ["code"]

    def clean(self):
        data = super().clean()
        if (data.get("annee") is None) != (data.get("population") is None) and not self.errors:
            self.add_error(
                "population" if data.get("population") is None else "annee",
                "Population à un horizon : saisir l'année et la population ensemble.",
            )
        return data


class DeskForm(forms.Form):
    """Desks typed for the study: a place counted or planned, at a commune or a zone."""

    nom = forms.CharField(label="Nom du lieu", max_length=200, required=False)
    emplacement = forms.CharField(
        label="Commune (code INSEE) ou zone externe (nom)",
        max_length=120,
        required=False,
    )
    latitude = FrenchDecimalField(label="Ou latitude", required=False)
    longitude = FrenchDecimalField(label="Et longitude", required=False)
    postes = FrenchDecimalField(label="Postes", required=False)
    statut = forms.ChoiceField(label="Statut", choices=list(DESK_STATUSES.items()))


ZoneFormSet = forms.formset_factory(
    ZoneForm, extra=1, can_delete=True, max_num=MAX_ZONES, validate_max=True
)
CommuneFormSet = forms.formset_factory(
    CommuneFiguresForm, extra=1, can_delete=True, max_num=MAX_COMMUNE_ROWS, validate_max=True
)
DeskFormSet = forms.formset_factory(
    DeskForm, extra=1, can_delete=True, max_num=MAX_TYPED_DESKS, validate_max=True
)
FORMSET_PREFIXES = {"zones": "zones", "communes": "donnees", "desks": "postes"}


def scenario_choices(
    catalogue: dict[str, Scenario], embedded: dict[str, dict]
) -> list[tuple[str, str]]:
    """Published and saved scenarios, then those only the study holds (a saved scenario
    deleted since, or one brought by an imported file)."""
    choices = [(name, scenario.label or name) for name, scenario in catalogue.items()]
    choices += [
        (name, data.get("label") or name)
        for name, data in embedded.items()
        if name not in catalogue
    ]
    return choices


def embedded_scenarios(document: dict) -> dict[str, dict]:
    """The users' scenarios written into a study document, by name."""
    found = {}
    for item in document.get("scenarios") or []:
        if isinstance(item, dict) and "publie" not in item and item.get("name"):
            found[item["name"]] = item
    return found


class Editor:
    """The bound form and formsets of one editor page, the document they make, and the
    errors of that document put back on their inputs."""

    def __init__(
        self,
        data=None,
        *,
        catalogue: dict[str, Scenario],
        embedded: dict[str, dict],
        initial: dict | None = None,
    ) -> None:
        initial = initial or {}
        self.catalogue = catalogue
        self.embedded = embedded
        self.form = StudyForm(
            data,
            initial=initial.get("form"),
            scenario_choices=scenario_choices(catalogue, embedded),
        )
        self.zones = ZoneFormSet(data, initial=initial.get("zones"), prefix="zones")
        self.communes = CommuneFormSet(data, initial=initial.get("communes"), prefix="donnees")
        self.desks = DeskFormSet(data, initial=initial.get("desks"), prefix="postes")
        # Document index → form of the formset (empty and deleted rows are not in the document).
        self._zone_rows: list[forms.Form] = []
        self._desk_rows: list[forms.Form] = []
        self._commune_rows: dict[str, forms.Form] = {}
        self._population_rows: dict[tuple[int, str], forms.Form] = {}

    @property
    def formsets(self):
        return (self.zones, self.communes, self.desks)

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return all([valid, *(formset.is_valid() for formset in self.formsets)])

    def has_errors(self) -> bool:
        return bool(
            self.form.errors or any(formset.total_error_count() for formset in self.formsets)
        )

    @staticmethod
    def _rows(formset) -> list[forms.Form]:
        """The rows with something typed, not ticked « Supprimer » (a blank row still sends
        its select's first choice: that is not typing)."""
        return [
            form
            for form in formset.forms
            if not form.cleaned_data.get("DELETE")
            and any(
                form.cleaned_data.get(name) not in (None, "")
                for name in form.fields
                if name not in ROW_DEFAULTS
            )
        ]

    def document(self) -> dict[str, Any]:
        """The study document of the valid form and formsets (not yet checked)."""
        data = self.form.cleaned_data
        level = data["echelon"]
        perimeter: dict[str, Any] = {"echelon": level}
        if level == "communes":
            perimeter["communes"] = data["communes"]
        else:
            perimeter["code"] = data["code"].strip()
        zones = []
        names: dict[str, str] = {}
        for form in self._rows(self.zones):
            row = form.cleaned_data
            zone = {
                "nom": row["nom"],
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "population": row["population"],
                "donnees": form.typed(),
            }
            key = row["identifiant"] or slugify(row["nom"] or "")[:40].strip("-")
            if row["identifiant"]:
                zone["id"] = row["identifiant"]
            if key:
                names[(row["nom"] or "").strip().casefold()] = key
                names[key] = key
            zones.append(zone)
            self._zone_rows.append(form)
        years = data["horizons"]
        rates = data.get("croissance") or (0.0,)
        if len(rates) == 1:
            rates = rates * len(years)
        horizons = [
            {"annee": year, "croissance_annuelle": round(rate / 100, 10), "populations": {}}
            for year, rate in zip(years, rates, strict=False)
        ]
        typed: dict[str, Any] = {}
        for form in self._rows(self.communes):
            row = form.cleaned_data
            code = (row["code"] or "").strip().upper()
            if _ASCII_DIGITS.fullmatch(code) and len(code) == 4:
                code = "0" + code
            figures = form.typed()
            if not code:
                form.add_error("code", "Code INSEE de la commune : ce champ est obligatoire.")
                continue
            if code.lower().startswith(ZONE_PREFIX):
                # A zone's population at a horizon; its figures are typed on the zone's row.
                code = code.lower()
                if figures:
                    form.add_error(
                        "code",
                        "Zone externe : ses chiffres se saisissent sur sa ligne de zone ; ici "
                        "seulement sa population à un horizon.",
                    )
                    continue
            if (figures or not row.get("annee")) and not code.startswith(ZONE_PREFIX):
                if code in typed:
                    form.add_error(
                        "code",
                        "Code commune : déjà saisi plus haut ; une ligne par "
                        "commune (une autre ligne peut donner une population).",
                    )
                    continue
                typed[code] = figures
                self._commune_rows[code] = form
            if row.get("annee") is not None:
                horizon = next((h for h in horizons if h["annee"] == row["annee"]), None)
                if horizon is None:
                    form.add_error(
                        "annee", f"Horizon : {row['annee']} n'est pas un horizon de l'étude."
                    )
                    continue
                horizon["populations"][code] = row["population"]
                self._population_rows[(horizons.index(horizon), code)] = form
        desks = []
        for form in self._rows(self.desks):
            row = form.cleaned_data
            desk: dict[str, Any] = {
                "nom": row["nom"],
                "postes": row["postes"],
                "statut": row["statut"],
            }
            where = (row["emplacement"] or "").strip()
            if where and _COMMUNE_LIKE.match(where.upper()):
                desk["commune"] = where.upper()
            elif where:
                desk["zone"] = names.get(where.casefold()) or slugify(where)[:40] or where
            if row["latitude"] is not None or row["longitude"] is not None:
                desk["latitude"] = row["latitude"]
                desk["longitude"] = row["longitude"]
            desks.append(desk)
            self._desk_rows.append(form)
        scenarios = []
        for name, _label in self.form.fields["scenarios"].choices:
            if name not in data["scenarios"]:
                continue
            if name in PUBLISHED_NAMES:
                scenarios.append({"publie": name})
            elif name in self.embedded:
                scenarios.append(self.embedded[name])
            else:
                scenarios.append(scenarios_mod.to_dict(self.catalogue[name]))
        if data["mode"] == "temps":
            catchment = {"mode": "temps", "minutes": data.get("minutes")}
        else:
            catchment = {"mode": "distance", "rayon_km": data.get("rayon_km") or 15.0}
        return {
            "format": FORMAT,
            "version_format": FORMAT_VERSION,
            "nom": data["nom"],
            "libelle": data["libelle"],
            "description": data["description"],
            "perimetre": perimeter,
            "zones_externes": zones,
            "annee_base": data["annee_base"],
            "horizons": horizons,
            "donnees": {code: figures for code, figures in typed.items() if figures},
            "offre": {
                "annuaire": data["annuaire"],
                "projets_annuaire": data["projets_annuaire"],
                "postes": desks,
            },
            "scenarios": scenarios,
            "zone_de_chalandise": catchment,
            "incertitude": {"echantillons": data["echantillons"], "graine": data["graine"]},
        }

    def place_errors(self, invalid: StudyInvalid) -> None:
        """Each error of the document on the input that caused it; a path no input holds
        goes to the form's general errors."""
        for error in invalid.errors:
            form, field = self._locate(error.field)
            if form is None or (field is not None and field not in form.fields):
                form, field = self.form, None
            form.add_error(field, error.message)

    def _locate(self, path: str) -> tuple[forms.Form | None, str | None]:
        parts = path.split(".")
        head = parts[0]
        main = {
            "nom": "nom",
            "libelle": "libelle",
            "description": "description",
            "annee_base": "annee_base",
            "scenarios": "scenarios",
            "zone_de_chalandise": "rayon_km",
            "incertitude": "echantillons",
        }
        if head == "perimetre":
            which = parts[1] if len(parts) > 1 else "echelon"
            return self.form, {"echelon": "echelon", "code": "code"}.get(which, "communes")
        if head == "horizons":
            if len(parts) > 3 and parts[2] == "populations":
                form = self._population_rows.get((int(parts[1]), parts[3]))
                return (form, "population") if form else (self.form, "horizons")
            if len(parts) > 2 and parts[2] == "croissance_annuelle":
                return self.form, "croissance"
            return self.form, "horizons"
        if head == "zones_externes" and len(parts) > 2 and _ASCII_DIGITS.fullmatch(parts[1]):
            index = int(parts[1])
            if index < len(self._zone_rows):
                leaf = parts[2]
                if leaf == "donnees" and len(parts) > 3:
                    leaf = parts[3]
                elif leaf == "id":
                    leaf = "nom"
                return self._zone_rows[index], leaf
        if head == "donnees" and len(parts) > 1:
            form = self._commune_rows.get(parts[1])
            if form is not None:
                return form, parts[2] if len(parts) > 2 else "code"
        if head == "offre":
            if len(parts) > 3 and parts[1] == "postes" and _ASCII_DIGITS.fullmatch(parts[2]):
                index = int(parts[2])
                if index < len(self._desk_rows):
                    leaf = parts[3]
                    if leaf in ("commune", "zone"):
                        leaf = "emplacement"
                    return self._desk_rows[index], leaf
            if len(parts) > 1 and parts[1] in ("annuaire", "projets_annuaire"):
                return self.form, parts[1]
            return self.form, None
        if head == "zone_de_chalandise" and len(parts) > 1 and parts[1] == "minutes":
            return self.form, "minutes"
        if head in main:
            return self.form, main[head]
        return self.form, None


def editor_initial(document: dict, *, version: int) -> dict:
    """The editor's initial values from a stored study document (`study_to_dict`'s)."""
    perimeter = document.get("perimetre") or {}
    horizons = document.get("horizons") or []
    rates = [float(h.get("croissance_annuelle") or 0.0) * 100 for h in horizons]
    if rates and len(set(rates)) == 1:
        rates = rates[:1]
    catchment = document.get("zone_de_chalandise") or {}
    offer = document.get("offre") or {}
    uncertainty = document.get("incertitude") or {}
    scenarios = []
    for item in document.get("scenarios") or []:
        if isinstance(item, dict):
            scenarios.append(item.get("publie") or item.get("name"))
    form = {
        "nom": document.get("nom", ""),
        "libelle": document.get("libelle", ""),
        "description": document.get("description", ""),
        "echelon": perimeter.get("echelon", "epci"),
        "code": perimeter.get("code", ""),
        "communes": "\n".join(perimeter.get("communes") or []),
        "annee_base": document.get("annee_base"),
        "horizons": ", ".join(str(h.get("annee")) for h in horizons),
        "croissance": _numbers_text(round(rate, 8) for rate in rates) if any(rates) else "",
        "scenarios": scenarios,
        "mode": catchment.get("mode", "distance"),
        "rayon_km": catchment.get("rayon_km"),
        "minutes": catchment.get("minutes"),
        "annuaire": offer.get("annuaire", True),
        "projets_annuaire": offer.get("projets_annuaire", False),
        "echantillons": uncertainty.get("echantillons", 256),
        "graine": uncertainty.get("graine", 2026),
        "version_lue": version,
    }
    zones = []
    zone_names = {}
    for zone in document.get("zones_externes") or []:
        zone_names[zone.get("id")] = zone.get("nom")
        zones.append(
            {
                "identifiant": zone.get("id", ""),
                "nom": zone.get("nom", ""),
                "latitude": zone.get("latitude"),
                "longitude": zone.get("longitude"),
                "population": zone.get("population"),
                **(zone.get("donnees") or {}),
            }
        )
    communes = []
    rows: dict[str, dict] = {}
    for code, figures in (document.get("donnees") or {}).items():
        rows[code] = {"code": code, **figures}
        communes.append(rows[code])
    for horizon in horizons:
        for code, population in (horizon.get("populations") or {}).items():
            row = rows.get(code)
            if row is None or "annee" in row:
                row = {"code": code}
                communes.append(row)
            row.update(annee=horizon.get("annee"), population=population)
    desks = []
    for desk in offer.get("postes") or []:
        where = desk.get("commune") or zone_names.get(desk.get("zone")) or desk.get("zone", "")
        desks.append(
            {
                "nom": desk.get("nom", ""),
                "emplacement": where,
                "latitude": desk.get("latitude"),
                "longitude": desk.get("longitude"),
                "postes": desk.get("postes"),
                "statut": desk.get("statut", "ouvert"),
            }
        )
    return {"form": form, "zones": zones, "communes": communes, "desks": desks}


class UploadForm(forms.Form):
    fichier = forms.FileField(
        label="Importer un fichier d'étude (JSON ou XLSX)",
        help_text="Le fichier téléchargé depuis une étude (document JSON ou classeur XLSX), "
        "2 Mo au plus.",
    )

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                f"Fichier de {upload.size // 1024} Ko ; 2 Mo au plus pour un fichier d'étude."
            )
        return upload
