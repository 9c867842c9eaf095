"""The directory's filters, read from the query string (the URL is the shareable state).

Parameter names are those of the API (`maillage.places.api.PlaceQuery`), so the map can ask
`/api/lieux/carte.geojson` with the same query string as the page. `query_items()` gives that query
string normalised: empty fields left out, commune names replaced by their INSEE codes.
"""

import re

from django import forms
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.translation import gettext_lazy as _

from maillage.places.models import Kind, Label, Place, Service
from maillage.places.selectors import PlaceFilters
from maillage.territory.forms import CommuneFieldsMixin
from maillage.territory.models import EPCI, Departement
from maillage.territory.selectors import commune_typed_code

DEPARTEMENT_CODE = re.compile(r"^(?:[0-9]{2}|2[AB]|97[0-9])$", re.IGNORECASE)
SIREN = re.compile(r"^[0-9]{9}$")
DEFAULT_RADIUS_KM = 20
TRUE_VALUES = {"true", "1", "on", "oui"}
FALSE_VALUES = {"false", "0", "off", "non"}


def _area_name(model, code: str) -> str | None:
    return model.objects.filter(code=code).values_list("name", flat=True).first()


def service_icon_url(icon: str) -> str:
    """URL of a service pictogram, or "" when the file is not served (unknown icon name)."""
    if not icon:
        return ""
    try:
        return staticfiles_storage.url(f"vendor/icons/{icon}.svg")
    except ValueError:  # not in the manifest: a name typed in the admin that we do not ship
        return ""


class DirectoryFilterForm(CommuneFieldsMixin, forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom du lieu, mot de sa présentation ou commune."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.MultipleChoiceField(
        label=_("Type de lieu"), required=False, widget=forms.CheckboxSelectMultiple
    )
    service = forms.MultipleChoiceField(
        label=_("Services"), required=False, widget=forms.CheckboxSelectMultiple
    )
    label = forms.MultipleChoiceField(
        label=_("Labels"), required=False, widget=forms.CheckboxSelectMultiple
    )
    statut = forms.MultipleChoiceField(
        label=_("Statut"),
        required=False,
        choices=Place.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    ouvert_maintenant = forms.BooleanField(label=_("Ouvert maintenant"), required=False)
    labellise = forms.BooleanField(
        label=_("Labellisés"),
        required=False,
        help_text=_("Les lieux qui détiennent le label régional aujourd'hui."),
    )
    postes_min = forms.IntegerField(
        label=_("Postes de travail, au moins"),
        required=False,
        min_value=0,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    departement = forms.CharField(label=_("Département"), required=False, widget=forms.Select)
    epci = forms.CharField(label=_("Intercommunalité (EPCI)"), required=False, widget=forms.Select)
    commune = forms.CharField(
        label=_("Commune"),
        required=False,
        max_length=100,
        help_text=_("Nom, code postal ou code INSEE, ex. « Bayeux », 14400 ou 14047."),
    )
    pres_de = forms.CharField(
        label=_("Près de la commune"),
        required=False,
        max_length=100,
        help_text=_("Nom, code postal ou code INSEE, ex. « Caen », 14000 ou 14118."),
    )
    rayon_km = forms.FloatField(
        label=_("Dans un rayon de (km)"),
        required=False,
        min_value=1,
        max_value=200,
        widget=forms.NumberInput(attrs={"step": "1", "placeholder": str(DEFAULT_RADIUS_KM)}),
    )
    evenements = forms.CharField(
        label=_("Événements"),
        required=False,
        max_length=10,
        widget=forms.Select(
            choices=[("", _("Tous les lieux")), ("1", _("Avec des événements à venir"))]
        ),
    )
    demo = forms.CharField(
        label=_("Lieux de démonstration"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Affichés (badge « Démo »)")), ("false", _("Masqués"))]
        ),
    )

    # The filters hidden under « Plus de filtres » (opened when one of them is set).
    MORE = (
        "label",
        "statut",
        "postes_min",
        "departement",
        "epci",
        "commune",
        "evenements",
        "demo",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            (k.slug, k.name) for k in Kind.objects.filter(is_active=True)
        ]
        self.services = list(Service.objects.filter(is_active=True))
        self.fields["service"].choices = [(s.slug, s.name) for s in self.services]
        self.fields["label"].choices = [
            (lb.slug, lb.name) for lb in Label.objects.filter(is_active=True)
        ]
        # Selects offer the areas that hold places (values only: outlines are large).
        departements = Departement.objects.filter(communes__places__isnull=False).distinct()
        self.fields["departement"].widget.choices = [
            ("", _("Tous")),
            *(
                (code, f"{code} – {name}")
                for code, name in departements.values_list("code", "name")
            ),
        ]
        epcis = EPCI.objects.filter(communes__places__isnull=False).distinct()
        self.fields["epci"].widget.choices = [
            ("", _("Toutes")),
            *epcis.values_list("code", "name").order_by("name"),
        ]
        self.near_commune: tuple[str, str] | None = None  # (code, name) once cleaned

    # --- Presentation helpers ------------------------------------------------------------------

    def service_options(self) -> list[tuple]:
        """(checkbox, pictogram URL) pairs, so each service shows its icon."""
        icons = {service.slug: service_icon_url(service.icon) for service in self.services}
        return [(choice, icons.get(choice.data["value"], "")) for choice in self["service"]]

    def more_fields(self) -> list[forms.BoundField]:
        names = ("postes_min", "departement", "epci", "commune", "evenements", "demo")
        return [self[name] for name in names]

    def more_is_open(self) -> bool:
        """Open the « Plus de filtres » box when one of its filters is set or wrong."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in self.MORE) or any(
            name in self.errors for name in self.MORE
        )

    # --- Validation ----------------------------------------------------------------------------

    def clean_departement(self) -> str:
        code = self.cleaned_data["departement"].strip().upper()
        if not code:
            return ""
        name = DEPARTEMENT_CODE.match(code) and _area_name(Departement, code)
        if not name:
            raise forms.ValidationError(
                _("Département inconnu : « %(code)s »."), params={"code": code}
            )
        self._keep_choice("departement", code, f"{code} – {name}")
        return code

    def clean_epci(self) -> str:
        code = self.cleaned_data["epci"].strip()
        if not code:
            return ""
        if not SIREN.match(code):
            raise forms.ValidationError(_("Le SIREN d'un EPCI compte 9 chiffres."))
        name = _area_name(EPCI, code)
        if not name:
            raise forms.ValidationError(
                _("Intercommunalité inconnue : SIREN « %(code)s »."), params={"code": code}
            )
        self._keep_choice("epci", code, name)
        return code

    def clean_commune(self) -> str:
        found = self.resolve_commune("commune")
        return found.code if found else ""

    def clean_pres_de(self) -> str:
        found = self.resolve_commune("pres_de")
        self.near_commune = (found.code, found.name) if found else None
        return found.code if found else ""

    def clean_demo(self) -> bool:
        value = self.cleaned_data["demo"].strip().lower()
        if value in TRUE_VALUES or not value:
            return True
        if value in FALSE_VALUES:
            return False
        raise forms.ValidationError(_("Valeur attendue : « true » ou « false »."))

    def clean_labellise(self) -> bool:
        """`labellise=1` (a shared link) or the ticked box; « 0 » is not a yes."""
        value = str(self.data.get("labellise", "")).strip().lower()
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES or not value:
            return False
        raise forms.ValidationError(_("Valeur attendue : « 1 » ou rien."))

    def clean_evenements(self) -> bool:
        value = self.cleaned_data["evenements"].strip().lower()
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES or not value:
            return False
        raise forms.ValidationError(_("Valeur attendue : « 1 » ou rien."))

    def _keep_choice(self, name: str, code: str, label: str) -> None:
        """A valid area without places (a shared link, a place since removed) stays selected."""
        choices = self.fields[name].widget.choices
        if all(value != code for value, _label in choices):
            choices.append((code, label))

    # --- Results -------------------------------------------------------------------------------

    def filters(self) -> PlaceFilters:
        data = self.cleaned_data
        return PlaceFilters(
            q=data["q"],
            kinds=data["type"],
            services=data["service"],
            labels=data["label"],
            statuses=data["statut"] or [Place.Status.OPEN, Place.Status.PROJECT],
            open_now=data["ouvert_maintenant"],
            min_desks=data["postes_min"],
            departement=data["departement"],
            epci=data["epci"],
            commune=data["commune"],
            near=data["pres_de"],
            radius_km=self.radius_km(),
            include_demo=data["demo"],
            with_upcoming_events=data["evenements"],
            labelled=data["labellise"],
        )

    def radius_km(self) -> float:
        return self.cleaned_data.get("rayon_km") or float(DEFAULT_RADIUS_KM)

    def query_items(self) -> list[tuple[str, str]]:
        """The filters set, as API query parameters (same names, codes instead of names)."""
        data = self.cleaned_data
        items: list[tuple[str, str]] = []
        if data["q"]:
            items.append(("q", data["q"]))
        for name in ("type", "service", "label", "statut"):
            items += [(name, value) for value in data[name]]
        if data["ouvert_maintenant"]:
            items.append(("ouvert_maintenant", "true"))
        if data["labellise"]:
            items.append(("labellise", "1"))
        if data["postes_min"] is not None:
            items.append(("postes_min", str(data["postes_min"])))
        for name in ("departement", "epci"):
            if data[name]:
                items.append((name, data[name]))
        if data["commune"]:
            items.append(("commune", commune_typed_code(code=data["commune"])))
        if data["pres_de"]:
            items.append(("pres_de", commune_typed_code(code=data["pres_de"])))
            if data["rayon_km"]:
                items.append(("rayon_km", f"{data['rayon_km']:g}"))
        if data["evenements"]:
            items.append(("evenements", "1"))
        if not data["demo"]:
            items.append(("demo", "false"))
        return items
