"""Forms of the events pages: fields bounded here, rules in services (one place for the rules)."""

from django import forms

from maillage.booking.bounds import BookingDateField
from maillage.core.forms import FrenchDecimalField
from maillage.events.models import MAX_CAPACITY, Audience, Theme
from maillage.events.services import EventInput
from maillage.territory.selectors import commune_resolve

NETWORK = "reseau"


class EventForm(forms.Form):
    organisateur = forms.ChoiceField(label="Organisé par")
    titre = forms.CharField(label="Titre", max_length=200)
    description = forms.CharField(
        label="Description",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    date = BookingDateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    debut = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}))
    fin = forms.TimeField(label="Heure de fin", widget=forms.TimeInput(attrs={"type": "time"}))
    date_fin = BookingDateField(
        label="Date de fin",
        required=False,
        help_text="Seulement si l'événement se termine un autre jour.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    places = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages={
            "min_value": "Le nombre de places va de 1 à 10 000.",
            "max_value": "Le nombre de places va de 1 à 10 000.",
            "invalid": "Indiquez un nombre entier de places.",
        },
    )
    theme = forms.ChoiceField(label="Thème", choices=Theme.choices)
    public = forms.ChoiceField(label="Public", choices=Audience.choices, initial=Audience.EVERYONE)
    en_ligne = forms.URLField(
        label="Adresse en ligne (visioconférence)",
        assume_scheme="https",
        max_length=500,
        required=False,
        help_text="Pour un événement en ligne ; obligatoire pour un événement du réseau sans lieu.",
    )
    prix = FrenchDecimalField(
        label="Prix en euros TTC",
        required=False,
        min_value=0,
        max_value=1000,
        help_text="Vide ou 0 : gratuit. Un événement payant se règle sur place.",
    )

    def __init__(self, *args, places=(), network: bool = False, fixed=None, **kwargs):
        """`places` the organiser's places, `network` whether the coordination may publish for
        the network; `fixed` an event being edited (its organiser does not change)."""
        super().__init__(*args, **kwargs)
        if fixed is not None:
            del self.fields["organisateur"]
            return
        choices = [(str(place.public_id), place.name) for place in places]
        if network:
            choices.insert(0, (NETWORK, "Le réseau (coordination)"))
        self.fields["organisateur"].choices = choices
        self.fields["organisateur"].error_messages["invalid_choice"] = (
            "Choisissez un organisateur de la liste."
        )

    def event_input(self) -> EventInput:
        data = self.cleaned_data
        return EventInput(
            title=data["titre"],
            description=data["description"],
            day=data["date"],
            start=data["debut"],
            end=data["fin"],
            end_day=data["date_fin"],
            capacity=data["places"],
            theme=data["theme"],
            audience=data["public"],
            online_url=data["en_ligne"],
            price_cents=round((data["prix"] or 0) * 100),
        )


class AgendaForm(forms.Form):
    """The agenda's GET filters (also the API's parameter names)."""

    du = BookingDateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    au = BookingDateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    zone = forms.CharField(
        label="Département, intercommunalité ou commune",
        max_length=80,
        required=False,
        help_text=(
            "Un code de département (14), un SIREN d'intercommunalité (9 chiffres), "
            "ou une commune : son nom, son code postal ou son code INSEE."
        ),
    )
    theme = forms.ChoiceField(
        label="Thème", choices=[("", "Tous les thèmes"), *Theme.choices], required=False
    )

    def clean_zone(self) -> str:
        """A département or EPCI code as typed; anything else is read as a commune (name,
        postcode or INSEE code) and becomes its INSEE code."""
        text = self.cleaned_data["zone"].strip()
        if not text or (len(text) in (2, 3, 9) and text.isalnum() and text[:1].isdigit()):
            return text.upper()
        match = commune_resolve(text=text)  # a French ValidationError when unknown
        return match.code if match else ""

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La date de fin de la période vient avant son début.")
        return data
