"""The directory's filters, read from the query string (the URL is the shareable state)."""

from django import forms

from maillage.places.models import Kind, Label, Place, Service
from maillage.places.selectors import PlaceFilters
from maillage.territory.models import Commune


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, max_length=100)
    type = forms.MultipleChoiceField(
        label="Types de lieu", required=False, widget=forms.CheckboxSelectMultiple
    )
    service = forms.MultipleChoiceField(
        label="Services", required=False, widget=forms.CheckboxSelectMultiple
    )
    label = forms.MultipleChoiceField(
        label="Labels", required=False, widget=forms.CheckboxSelectMultiple
    )
    statut = forms.MultipleChoiceField(
        label="Statut",
        required=False,
        choices=Place.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    ouvert_maintenant = forms.BooleanField(label="Ouvert maintenant", required=False)
    postes_min = forms.IntegerField(
        label="Au moins N postes de travail", required=False, min_value=0, max_value=10_000
    )
    departement = forms.CharField(label="Département (code)", required=False, max_length=3)
    epci = forms.RegexField(
        r"^[0-9]{9}$",
        label="Intercommunalité (SIREN)",
        required=False,
        error_messages={"invalid": "Le SIREN d'un EPCI compte 9 chiffres."},
    )
    commune = forms.CharField(label="Commune (code INSEE)", required=False, max_length=5)
    pres_de = forms.CharField(label="Près de la commune (code INSEE)", required=False, max_length=5)
    rayon_km = forms.FloatField(
        label="Rayon (km)", required=False, min_value=1, max_value=200, initial=20
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            (k.slug, k.name) for k in Kind.objects.filter(is_active=True)
        ]
        self.services = list(Service.objects.filter(is_active=True))
        self.fields["service"].choices = [(s.slug, s.name) for s in self.services]
        self.fields["label"].choices = [
            (lb.slug, lb.name) for lb in Label.objects.filter(is_active=True)
        ]

    def service_options(self) -> list[tuple]:
        """(checkbox, pictogram name) pairs, so each service shows its icon."""
        icons = {service.slug: service.icon for service in self.services}
        return [
            (choice, icons.get(choice.data["value"], "help-circle")) for choice in self["service"]
        ]

    def clean_pres_de(self) -> str:
        code = self.cleaned_data["pres_de"].strip().upper()
        if code and not Commune.objects.filter(code=code).exists():
            raise forms.ValidationError("Commune inconnue : donnez un code INSEE, ex. 14118.")
        return code

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
            departement=data["departement"].strip().upper(),
            epci=data["epci"],
            commune=data["commune"].strip().upper(),
            near=data["pres_de"],
            radius_km=data["rayon_km"] or 20.0,
        )
