"""Forms of the observatory pages: what to show (scenario, indicator, mesh) and how far a place
reaches (catchment). Every bad value comes back as a French message next to its field; numbers
may be typed the French way (« 12,5 »)."""

from django import forms
from django.core.exceptions import ValidationError

from maillage.core.forms import FrenchDecimalField
from maillage.observatory.analysis import INDICATORS
from maillage.observatory.catchment import Catchment
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.impacts import ImpactParameters, parameters_copy

MESHES = (("communes", "Communes"), ("epci", "Intercommunalités (EPCI)"))
MODES = (("distance", "Distance par la route (km)"), ("temps", "Temps de trajet (minutes)"))
DEFAULT_RADIUS_KM = 15.0
DEFAULT_MINUTES = 20.0

# The catchment's own field names (in `Catchment` and its errors) → the form's French names.
_CATCHMENT_FIELDS = {
    "radius_km": "rayon",
    "minutes": "minutes",
    "detour": "detour",
    "speed_kmh": "vitesse",
    "mode": "mode",
}


class CatchmentForm(forms.Form):
    """How far a shared place serves: km by the road, or minutes at an average speed."""

    mode = forms.ChoiceField(label="Zone de chalandise", choices=MODES, initial="distance")
    rayon = FrenchDecimalField(
        label="Rayon (km par la route)",
        required=False,
        initial=DEFAULT_RADIUS_KM,
        help_text="Distance à vol d'oiseau multipliée par le facteur de détour.",
    )
    minutes = FrenchDecimalField(
        label="Temps de trajet (minutes)", required=False, initial=DEFAULT_MINUTES
    )
    detour = FrenchDecimalField(
        label="Facteur de détour", required=False, initial=1.3, help_text="Route / vol d'oiseau."
    )
    vitesse = FrenchDecimalField(label="Vitesse moyenne (km/h)", required=False, initial=50.0)
    projets = forms.BooleanField(
        label="Compter aussi les lieux en projet", required=False, initial=False
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        mode = "time" if data.get("mode") == "temps" else "distance"
        values = {
            "mode": mode,
            "radius_km": _or(data.get("rayon"), DEFAULT_RADIUS_KM) if mode == "distance" else None,
            "minutes": _or(data.get("minutes"), DEFAULT_MINUTES) if mode == "time" else None,
            "detour": _or(data.get("detour"), 1.3),
            "speed_kmh": _or(data.get("vitesse"), 50.0),
        }
        try:
            data["catchment"] = Catchment(**values)
        except ObservatoryError as error:
            raise ValidationError({_CATCHMENT_FIELDS.get(error.field): error.message}) from None
        return data


# The impact parameters a user may change on the pages, the API and the command (the others
# keep their published defaults): impacts' field → its French name.
IMPACT_FIELDS = {"emission_factor": "facteur_emission", "cost_per_km": "cout_km"}


def impact_parameters_from(
    *, emission_factor: float | None = None, cost_per_km: float | None = None
) -> ImpactParameters:
    """The default impact parameters with the values given, each changed one marked « valeur
    modifiée par l'utilisateur »; an `ObservatoryError` on the French field name if refused."""
    given = {"emission_factor": emission_factor, "cost_per_km": cost_per_km}
    changes = {key: float(value) for key, value in given.items() if value is not None}
    try:
        return parameters_copy(ImpactParameters(), **changes)
    except ObservatoryError as error:
        raise ObservatoryError(IMPACT_FIELDS.get(error.field, error.field), error.message) from None


def _or(value, default):
    return default if value is None else value


class AnalysisForm(CatchmentForm):
    """The dashboard: which scenario and indicator the map shows, at which mesh."""

    scenario = forms.ChoiceField(label="Scénario affiché", choices=())
    indicateur = forms.ChoiceField(
        label="Indicateur",
        choices=[(indicator.key, indicator.label) for indicator in INDICATORS],
        initial="postes",
    )
    maille = forms.ChoiceField(label="Maille", choices=MESHES, initial="epci")
    facteur_emission = FrenchDecimalField(
        label="Facteur d'émission de la voiture (kgCO2e par km)",
        required=False,
        initial=ImpactParameters().emission_factor,
        help_text="Par défaut : ADEME, Base Carbone (voiture particulière moyenne).",
    )
    cout_km = FrenchDecimalField(
        label="Coût d'un km en voiture pour le ménage (euros)",
        required=False,
        initial=ImpactParameters().cost_per_km,
        help_text="Par défaut : barème kilométrique fiscal.",
    )

    def __init__(self, *args, scenario_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = scenario_choices
        self.fields["scenario"].initial = scenario_choices[0][0]
        self.order_fields(["scenario", "indicateur", "maille"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["impacts"] = impact_parameters_from(
                emission_factor=data.get("facteur_emission"), cost_per_km=data.get("cout_km")
            )
        except ObservatoryError as error:
            raise ValidationError({error.field: error.message}) from None
        return data


def bound_with_defaults(form_class, data, **kwargs):
    """A form bound to the query string, with the initial value of every missing field, so that
    a first visit without parameters shows results instead of « ce champ est obligatoire »."""
    probe = form_class(**kwargs)
    merged = {name: field.initial for name, field in probe.fields.items()}
    merged = {key: value for key, value in merged.items() if value is not None}
    for key in data:
        merged[key] = data.get(key)
    if "projets" in merged and merged["projets"] in (False, "False", "0", "", "off"):
        merged.pop("projets")
    return form_class(merged, **kwargs)
