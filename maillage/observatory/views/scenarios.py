"""Scenarios: read the published ones and their sources, compare two side by side, save a copy
with other values (signed-in users)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from maillage.core.forms import FrenchDecimalField, french_number_text, parse_french_number
from maillage.observatory import selectors, services
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.exports import parameter_text
from maillage.observatory.pcs import PCS_KEYS, PCS_LABELS
from maillage.observatory.scenarios import (
    FIELD_LABELS,
    PARAMETER_FIELDS,
    scenario_compare,
    scenario_copy,
)


def scenario_list(request: HttpRequest) -> HttpResponse:
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    names = list(catalogue)
    first = request.GET.get("a") or "actuel"
    second = request.GET.get("b") or "rupture"
    error = ""
    if first not in catalogue or second not in catalogue:
        error = "Scénario inconnu : choisissez deux scénarios de la liste."
        first, second = "actuel", "rupture"
    a, b = catalogue[first], catalogue[second]
    differing = scenario_compare(a, b)
    rows = [
        {
            "label": FIELD_LABELS[key].capitalize(),
            "a": parameter_text(a, key),
            "b": parameter_text(b, key),
            "source_a": a.sources.get(key, ""),
            "source_b": b.sources.get(key, ""),
            "differs": key in differing,
        }
        for key in PARAMETER_FIELDS
    ]
    return render(
        request,
        "observatory/scenarios.html",
        {
            "catalogue": catalogue,
            "names": names,
            "a": a,
            "b": b,
            "rows": rows,
            "error": error,
        },
        status=400 if error else 200,
    )


def _float(label: str, **kwargs) -> FrenchDecimalField:
    return FrenchDecimalField(label=label, **kwargs)


class ScenarioForm(forms.Form):
    """Every parameter of a scenario, shares typed in percent (people think in percent)."""

    name = forms.SlugField(
        label="Nom court (lettres, chiffres, tirets)",
        max_length=60,
        help_text="Identifiant du scénario, ex. « rupture-2032-normandie ».",
    )
    label = forms.CharField(label="Libellé", max_length=120, required=False)
    horizon = forms.IntegerField(label="Année d'horizon")
    compatible_ratio = _float(
        "Part des emplois télétravaillables jugés compatibles par les salariés (%)"
    )
    adoption = _float("Taux d'adoption parmi les emplois jugés compatibles (%)")
    days_per_week = _float("Jours de télétravail par semaine (kilomètres évités)")
    shared_bounds_km = forms.CharField(
        label="Bornes des tranches de distance domicile-travail (km)",
        max_length=200,
        help_text="Séparées par des points-virgules, ex. « 5 ; 50 ».",
    )
    shared_shares = forms.CharField(
        label="Part des télétravailleurs qui utilisent un tiers-lieu, par tranche (%)",
        max_length=200,
        help_text="Une valeur de plus que de bornes, ex. « 1 ; 2 ; 5,1 ».",
    )
    shared_days_per_week = _float(
        "Jours par semaine en tiers-lieu d'un télétravailleur usager (postes nécessaires)"
    )
    solo_share = _float("Part des indépendants sans salarié en tiers-lieu (%)")
    solo_days_per_week = _float("Jours par semaine des indépendants en tiers-lieu")
    opening_days = _float("Jours d'ouverture par semaine")
    occupancy = _float("Taux d'occupation cible (%)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in zip(PCS_KEYS, PCS_LABELS, strict=True):
            self.fields[f"tau_{key}"] = _float(f"Part télétravaillable : {label} (%)")

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "horizon": data["horizon"],
            "teleworkable": tuple(data[f"tau_{key}"] / 100 for key in PCS_KEYS),
            "compatible_ratio": data["compatible_ratio"] / 100,
            "adoption": data["adoption"] / 100,
            "days_per_week": data["days_per_week"],
            "shared_days_per_week": data["shared_days_per_week"],
            "shared_bounds_km": _numbers(data["shared_bounds_km"]),
            "shared_shares": tuple(value / 100 for value in _numbers(data["shared_shares"])),
            "solo_share": data["solo_share"] / 100,
            "solo_days_per_week": data["solo_days_per_week"],
            "opening_days": data["opening_days"],
            "occupancy": data["occupancy"] / 100,
        }

    def clean_shared_bounds_km(self):
        return self._list("shared_bounds_km")

    def clean_shared_shares(self):
        return self._list("shared_shares")

    def _list(self, name: str) -> str:
        try:
            _numbers(self.cleaned_data[name])
        except ValueError:
            raise forms.ValidationError(
                "Des nombres séparés par des points-virgules sont attendus, ex. « 5 ; 50 »."
            ) from None
        return self.cleaned_data[name]


def _numbers(text: str) -> tuple[float, ...]:
    """« 5 ; 12,5 ; 1 000 » → (5.0, 12.5, 1000.0); `ValueError` on anything else."""
    return tuple(parse_french_number(part) for part in text.split(";") if part.strip())


def _initial(scenario) -> dict:
    percent = lambda value: round(value * 100, 4)  # noqa: E731  (a local formatter)
    initial = {
        "label": "",
        "horizon": scenario.horizon,
        "compatible_ratio": percent(scenario.compatible_ratio),
        "adoption": percent(scenario.adoption),
        "days_per_week": scenario.days_per_week,
        "shared_days_per_week": scenario.shared_days_per_week,
        "shared_bounds_km": " ; ".join(map(french_number_text, scenario.shared_bounds_km)),
        "shared_shares": " ; ".join(french_number_text(percent(v)) for v in scenario.shared_shares),
        "solo_share": percent(scenario.solo_share),
        "solo_days_per_week": scenario.solo_days_per_week,
        "opening_days": scenario.opening_days,
        "occupancy": percent(scenario.occupancy),
    }
    for key, value in zip(PCS_KEYS, scenario.teleworkable, strict=True):
        initial[f"tau_{key}"] = percent(value)
    return initial


# Scenario field → form field, to show a model error next to the input that caused it.
_FORM_FIELDS = {
    "teleworkable": f"tau_{PCS_KEYS[0]}",
    "name": "name",
    "label": "label",
}


@login_required
def scenario_new(request: HttpRequest, source: str) -> HttpResponse:
    today = timezone.localdate()
    catalogue = selectors.scenario_catalogue(today=today)
    if source not in catalogue:
        raise Http404(f"Scénario introuvable : « {source} ».")
    origin = catalogue[source]
    if request.method == "POST":
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                scenario = scenario_copy(
                    origin,
                    form.cleaned_data["name"],
                    today=today,
                    label=form.cleaned_data["label"] or form.cleaned_data["name"],
                    **form.parameters(),
                )
                saved = services.scenario_save(user=request.user, scenario=scenario, today=today)
            except ObservatoryError as error:
                field = _FORM_FIELDS.get(error.field, error.field)
                if error.field == "teleworkable" and error.index is not None:
                    field = f"tau_{PCS_KEYS[error.index]}"
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(
                    request, f"Scénario « {saved.name} » enregistré (version {saved.version})."
                )
                return redirect(reverse("observatory:scenarios") + f"?a={source}&b={saved.name}")
        status = 400
    else:
        form = ScenarioForm(initial=_initial(origin) | {"name": f"{origin.name}-copie"})
        status = 200
    return render(
        request,
        "observatory/scenario_form.html",
        {"form": form, "origin": origin},
        status=status,
    )
