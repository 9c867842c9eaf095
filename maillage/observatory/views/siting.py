"""« Où ouvrir » : the covering model on a territory's unmet need, for signed-in users (a solve
can take seconds, so it is not open to anonymous crawlers)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.forms import FrenchDecimalField
from maillage.core.tables import CSV_TYPE, attachment, csv_bytes
from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory import selectors, siting_run
from maillage.observatory.errors import ObservatoryError
from maillage.observatory.forms import CatchmentForm, bound_with_defaults
from maillage.observatory.siting import STATUS_LABELS
from maillage.observatory.views.dashboard import OUTLINE_PATHS
from maillage.places.permissions import is_coordinator

MAX_CANDIDATE_FILE = 200_000  # bytes: a list of commune codes, not a database dump
# Site tints cycle over this many classes (siting.css, siting.js): the rank number carries the
# identity, the tint only groups a site with its served communes.
SITE_COLOURS = 8
DOWNLOADS = [
    ("csv", "Télécharger le classement (CSV)"),
    ("geojson", "Télécharger la carte (GeoJSON : sites, communes servies, lieux existants)"),
]


class SitingForm(CatchmentForm):
    scenario = forms.ChoiceField(label="Scénario", choices=())
    demande = forms.ChoiceField(
        label="Points de demande",
        choices=list(siting_run.DEMAND_SOURCES.items()),
        initial="modele",
        help_text="La demande exprimée compte les postes-équivalents déclarés (jours par semaine "
        "÷ 5) des communes publiées : les lieux existants n'en sont pas déduits.",
    )
    objectif = forms.ChoiceField(
        label="Objectif", choices=list(siting_run.OBJECTIVES.items()), initial="nombre"
    )
    k = forms.IntegerField(
        label="Nombre de nouveaux sites (K)", min_value=1, max_value=200, initial=5
    )
    part = FrenchDecimalField(
        label="Part du besoin non couvert à couvrir (%)", min_value=1, max_value=100, initial=80
    )
    seuil_population = forms.IntegerField(
        label="Communes candidates : au moins (habitants)",
        min_value=0,
        max_value=siting_run.MAX_POPULATION_THRESHOLD,
        initial=2000,
    )
    candidats = forms.CharField(
        label="Ou liste de communes candidates (codes INSEE)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Codes séparés par des espaces, virgules ou retours à la ligne, "
        "ex. des communes ayant un bâtiment public à reconvertir. Remplace le seuil.",
    )
    fichier = forms.FileField(
        label="Ou fichier CSV de communes candidates",
        required=False,
        help_text="Un code INSEE par ligne (première colonne) ; 200 Ko au plus.",
    )

    def __init__(self, *args, scenario_choices, stated_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = scenario_choices
        # Stated demand rests on a few people: the coordination's only (decision 0031).
        if not stated_allowed:
            del self.fields["demande"]
        self.fields["scenario"].initial = "tendanciel"
        self.order_fields(["scenario", "demande", "objectif", "k", "part", "seuil_population"])

    def clean_fichier(self):
        upload = self.cleaned_data.get("fichier")
        if not upload:
            return []
        if upload.size > MAX_CANDIDATE_FILE:
            raise forms.ValidationError("Fichier trop volumineux : 200 Ko au plus.")
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        codes = []
        for line in text.splitlines():
            first = line.replace(",", ";").split(";")[0].strip().strip('"')
            if first and first.upper() not in {"CODGEO", "CODE", "CODE_INSEE", "INSEE"}:
                codes.append(first)
        return codes

    def clean(self):
        data = super().clean()
        codes = (data.get("candidats") or "").replace(",", " ").replace(";", " ").split()
        codes += data.get("fichier") or []
        bad = [
            code
            for code in codes
            if not (len(code) == 5 and code[:2].isalnum() and code[2:].isdigit())
        ]
        if bad:
            self.add_error(
                "candidats",
                f"Codes INSEE mal formés : {', '.join(bad[:10])} (5 caractères, ex. 14118).",
            )
        data["codes"] = codes
        return data


@login_required
def siting(request: HttpRequest, level: str, code: str) -> HttpResponse:
    spec, name = selectors.territory_get(level=level, code=code)
    catalogue = selectors.scenario_catalogue(today=timezone.localdate())
    choices = [(key, scenario.label or key) for key, scenario in catalogue.items()]
    stated_allowed = is_coordinator(request.user)
    context = {"level": spec, "code": code, "name": name}
    if request.method != "POST":
        context["form"] = SitingForm(scenario_choices=choices, stated_allowed=stated_allowed)
        return render(request, "observatory/siting.html", context)
    form = bound_with_defaults(
        SitingForm,
        request.POST,
        scenario_choices=choices,
        stated_allowed=stated_allowed,
        files=request.FILES,
    )
    context["form"] = form
    if not form.is_valid():
        return render(request, "observatory/siting.html", context, status=400)
    data = form.cleaned_data
    with siting_run.siting_slot(request.user) as free:
        if not free:
            form.add_error(None, siting_run.BUSY_MESSAGE)
            return render(request, "observatory/siting.html", context, status=429)
        try:
            outcome = siting_run.siting_for_territory(
                level=spec.key,
                code=code,
                scenario=catalogue[data["scenario"]],
                catchment=data["catchment"],
                include_projects=data["projets"],
                objective=data["objectif"],
                k=data["k"],
                share=data["part"] / 100,
                population_threshold=data["seuil_population"],
                candidate_codes=data["codes"] or None,
                demand_source=data.get("demande", "modele"),
            )
        except ObservatoryError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
            return render(request, "observatory/siting.html", context, status=400)
    summary = siting_run.as_dict(outcome)
    # The download solves again: it must get the same candidates, file included, as codes.
    replay = {
        key: value
        for key, value in request.POST.items()
        if key not in {"csrfmiddlewaretoken", "format", "candidats"}
    }
    replay["candidats"] = " ".join(data["codes"])
    slug = slugify(name) or code
    if request.POST.get("format") == "csv":
        header = [
            "Rang",
            "Code commune",
            "Commune",
            "Postes non couverts servis",
            "Communes servies",
            "Population des communes servies",
        ]
        rows = [
            [
                site["rang"],
                site["code"],
                site["nom"],
                site["postes_couverts"],
                len(site["communes"]),
                site["population_servie"],
            ]
            for site in outcome.sites
        ]
        return attachment(csv_bytes(header, rows), CSV_TYPE, f"implantation-{slug}.csv")
    drawn = siting_run.map_data(outcome)
    if request.POST.get("format") == "geojson":
        body = siting_run.siting_geojson(
            sites=outcome.sites, places=drawn["lieux"], radius_km=drawn["rayon_km"]
        )
        return attachment(
            body.encode("utf-8"), "application/geo+json", f"implantation-{slug}.geojson"
        )
    outlines = f"/api/territoires/{OUTLINE_PATHS[spec.key]}/{code}/contours?maille="
    context.update(
        {
            "outcome": outcome,
            "replay": replay,
            "summary": summary,
            "demand_label": siting_run.DEMAND_SOURCES[outcome.demand_source],
            "status_label": STATUS_LABELS.get(outcome.result.status, outcome.result.status),
            "covered": french_decimal(summary["besoin_couvert"], 1),
            "total": french_decimal(summary["besoin_non_couvert_total"], 1),
            "share": french_decimal(summary["part_couverte"] * 100, 1),
            "gap": None
            if summary["ecart_optimalite"] is None
            else french_decimal(summary["ecart_optimalite"] * 100, 2),
            "seconds": french_decimal(summary["duree_s"], 2),
            "sites": [
                {
                    **site,
                    "text": french_decimal(site["postes_couverts"], 1),
                    "served_names": ", ".join(c["nom"] for c in site["communes"]),
                    "colour": (site["rang"] - 1) % SITE_COLOURS,
                }
                for site in outcome.sites
            ],
            "places": [
                {**place, "text": french_decimal(place["postes"], 0)} for place in drawn["lieux"]
            ],
            "places_desks": french_decimal(sum(place["postes"] for place in drawn["lieux"]), 0),
            "radius": french_decimal(drawn["rayon_km"], 1),
            "with_projects": data["projets"],
            "downloads": DOWNLOADS,
            "map_data": {
                **drawn,
                "contours": {
                    "perimetre": outlines + "perimetre",
                    "communes": outlines + "communes",
                },
            },
        }
    )
    return render(request, "observatory/siting.html", context)
