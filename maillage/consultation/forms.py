"""Forms of the consultation pages: French labels, every value bounded; the services check
again. Dates are typed in Paris time and refused when they do not exist or exist twice."""

from datetime import datetime

from django import forms

from maillage.booking.bounds import BookingDateField
from maillage.booking.errors import BookingError
from maillage.booking.timeslots import local_instant
from maillage.consultation.models import MAX_OPTIONS, MAX_POINTS, Consultation
from maillage.consultation.services import OptionInput, Settings
from maillage.places.opening_hours import PARIS

OPTIONS_HELP = (
    f"Une option par ligne, de 2 à {MAX_OPTIONS} ; une description facultative après une barre "
    "verticale : « Ouvrir un fablab | dans l'ancienne gare »."
)
# The errors of the services, by their field, on the form's fields.
FIELD_OF_ERROR = {
    "title": "titre",
    "question": "question",
    "points": "points",
    "max_per_option": "plafond",
    "access": "acces",
    "results": "resultats",
    "opens_at": "ouverture_heure",
    "closes_at": "cloture_heure",
    "options": "options",
}


def add_service_error(form: forms.Form, error) -> None:
    """A service refusal on its field when the form has it, else above the form."""
    name = FIELD_OF_ERROR.get(error.field)
    form.add_error(name if name in form.fields else None, error.message)


def options_text(consultation: Consultation) -> str:
    return "\n".join(
        f"{o.label} | {o.description}" if o.description else o.label
        for o in consultation.options.all()
    )


class ConsultationForm(forms.Form):
    titre = forms.CharField(label="Titre", max_length=200)
    question = forms.CharField(
        label="Question posée", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    options = forms.CharField(
        label="Options (actions ou sites)",
        max_length=MAX_OPTIONS * 640,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=OPTIONS_HELP,
    )
    points = forms.IntegerField(
        label="Points par participant", min_value=1, max_value=MAX_POINTS, initial=10
    )
    plafond = forms.IntegerField(
        label="Points au plus sur une même option",
        min_value=1,
        max_value=MAX_POINTS,
        required=False,
        help_text="Laisser vide : pas de plafond.",
    )
    acces = forms.ChoiceField(
        label="Qui vote",
        choices=Consultation.Access.choices,
        widget=forms.RadioSelect,
        initial=Consultation.Access.INVITATION,
        help_text="Sur invitation : un lien personnel par adresse, sans compte. Ouverte : tout "
        "membre connecté, un vote par compte.",
    )
    resultats = forms.ChoiceField(
        label="Résultats",
        choices=Consultation.Results.choices,
        widget=forms.RadioSelect,
        initial=Consultation.Results.HIDDEN,
        help_text="Ils sont toujours publiés à la clôture.",
    )
    ouverture_date = BookingDateField(
        label="Ouverture du vote (date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    ouverture_heure = forms.TimeField(
        label="Ouverture du vote (heure de Paris)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    cloture_date = BookingDateField(
        label="Clôture du vote (date)", widget=forms.DateInput(attrs={"type": "date"})
    )
    cloture_heure = forms.TimeField(
        label="Clôture du vote (heure de Paris)", widget=forms.TimeInput(attrs={"type": "time"})
    )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict:
        opens = consultation.opens_at.astimezone(PARIS)
        closes = consultation.closes_at.astimezone(PARIS)
        return {
            "titre": consultation.title,
            "question": consultation.question,
            "options": options_text(consultation),
            "points": consultation.points,
            "plafond": consultation.max_per_option,
            "acces": consultation.access,
            "resultats": consultation.results,
            "ouverture_date": opens.date(),
            "ouverture_heure": opens.time().replace(second=0, microsecond=0),
            "cloture_date": closes.date(),
            "cloture_heure": closes.time().replace(second=0, microsecond=0),
        }

    def clean_options(self) -> list[OptionInput]:
        options = []
        for line in self.cleaned_data["options"].splitlines():
            label, _, description = line.partition("|")
            label, description = label.strip(), description.strip()
            if not label:
                continue
            if len(label) > 120:
                raise forms.ValidationError(f"« {label[:40]}… » : 120 caractères au plus.")
            if len(description) > 500:
                raise forms.ValidationError(
                    f"La description de « {label} » : 500 caractères au plus."
                )
            options.append(OptionInput(label, description))
        return options

    def _instant(self, day_field: str, time_field: str) -> datetime | None:
        day, clock = self.cleaned_data.get(day_field), self.cleaned_data.get(time_field)
        if day is None or clock is None:
            return None
        try:
            return local_instant(day, clock)
        except BookingError as error:
            self.add_error(time_field, error.message)
            return None

    def clean(self):
        data = super().clean()
        data["opens_at"] = self._instant("ouverture_date", "ouverture_heure")
        data["closes_at"] = self._instant("cloture_date", "cloture_heure")
        if data["opens_at"] and data["closes_at"] and data["closes_at"] <= data["opens_at"]:
            self.add_error("cloture_heure", "La clôture doit suivre l'ouverture.")
        plafond, points = data.get("plafond"), data.get("points")
        if plafond is not None and points is not None and plafond > points:
            self.add_error("plafond", "Le plafond ne peut dépasser les points par participant.")
        return data

    def settings(self) -> Settings:
        data = self.cleaned_data
        return Settings(
            title=data["titre"],
            question=data["question"],
            points=data["points"],
            max_per_option=data["plafond"],
            access=data["acces"],
            results=data["resultats"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
        )


class BallotForm(forms.Form):
    """One number per option (empty counts as 0); the budget is the service's to check, so that
    one rule answers the page and the API."""

    def __init__(self, *args, consultation: Consultation, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        cap = consultation.max_per_option or consultation.points
        for option in self.options:
            self.fields[f"option-{option.pk}"] = forms.IntegerField(
                label=option.label,
                min_value=0,
                max_value=cap,
                required=False,
                help_text=option.description,
                widget=forms.NumberInput(attrs={"class": "consultation-points", "step": 1}),
                error_messages={
                    "min_value": "Pas de points négatifs.",
                    "max_value": f"{cap} points au plus sur une option.",
                    "invalid": "Un nombre entier de points.",
                },
            )

    def points(self) -> dict[int, int]:
        return {o.pk: self.cleaned_data.get(f"option-{o.pk}") or 0 for o in self.options}
