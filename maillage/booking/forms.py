"""Forms of the booking pages: French labels and messages, values turned into BookingRequest."""

from datetime import date, timedelta

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.accounts.forms import RGPD_NOTICE
from maillage.booking import selectors
from maillage.booking.bounds import BookingDateField, day_from_text
from maillage.booking.models import Payment, Resource
from maillage.booking.quotes import payment_labels
from maillage.booking.services import BookingRequest
from maillage.booking.timeslots import local_day
from maillage.employers.selectors import employer_may_pay
from maillage.territory.forms import CommuneFieldsMixin
from maillage.territory.models import Commune

NO_ACCOUNT = (
    "Aucun compte actif avec cette adresse e-mail : la personne doit d'abord créer son compte."
)
WALK_IN_NAME = (
    "Aucun compte actif avec cette adresse e-mail : indiquez le nom de la personne pour lui "
    "retenir la place ; elle la confirmera avec le lien reçu par e-mail, ce qui crée son compte."
)
SLOT_CHOICES = [
    ("day", "Journée"),
    ("morning", "Matinée"),
    ("afternoon", "Après-midi"),
    ("hours", "À l'heure"),
]
KIND_CHOICES = [("", "Tous les espaces"), *Resource.Kind.choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def today() -> date:
    return local_day(timezone.now())


class SearchForm(CommuneFieldsMixin, forms.Form):
    date = BookingDateField(label="Date", widget=DateInput())
    creneau = forms.ChoiceField(label="Créneau", choices=SLOT_CHOICES, initial="day")
    debut = forms.TimeField(
        label="De", required=False, widget=TimeInput(), help_text="Pour une recherche à l'heure."
    )
    fin = forms.TimeField(label="À", required=False, widget=TimeInput())
    type = forms.ChoiceField(label="Espace", choices=KIND_CHOICES, required=False)
    pres_de = forms.CharField(
        label="Près de (commune)",
        required=False,
        max_length=80,
        help_text="Nom, code postal ou code INSEE. Vide : tous les lieux du réseau.",
    )
    rayon = forms.IntegerField(
        label="Rayon (km)", min_value=1, max_value=200, initial=20, required=False
    )

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < today():
            raise forms.ValidationError("Choisissez aujourd'hui ou une date à venir.")
        return day

    def clean_pres_de(self) -> Commune | None:
        found = self.resolve_commune("pres_de")
        return Commune.objects.get(code=found.code) if found else None

    def clean(self):
        data = super().clean()
        if data.get("creneau") == "hours":
            start, end = data.get("debut"), data.get("fin")
            if start is None or end is None:
                self.add_error("debut", "Indiquez l'heure de début et l'heure de fin.")
            elif end <= start:
                self.add_error("fin", "L'heure de fin doit suivre l'heure de début, le même jour.")
        return data


class BookingForm(forms.Form):
    date = BookingDateField(label="Date", widget=DateInput())
    creneau = forms.ChoiceField(label="Créneau", choices=SLOT_CHOICES)
    debut = forms.TimeField(
        label="Début",
        required=False,
        widget=TimeInput(),
        help_text="Pour une réservation à l'heure.",
    )
    fin = forms.TimeField(label="Fin", required=False, widget=TimeInput())
    places = forms.IntegerField(
        label="Nombre de places", min_value=1, max_value=500, initial=1, required=False
    )
    paiement = forms.ChoiceField(
        label="Réglée par",
        choices=Payment.choices,
        initial=Payment.ON_SITE,
        widget=forms.RadioSelect,
    )
    carnet = forms.ChoiceField(label="Carnet", required=False)

    def __init__(self, *args, resource: Resource, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        slots = [(value, label) for value, label in SLOT_CHOICES if _offers(resource, value)]
        self.fields["creneau"].choices = slots
        if not resource.by_hour:
            del self.fields["debut"], self.fields["fin"]
        if resource.capacity == 1:
            del self.fields["places"]
        # Only the ways this person can really pay here: a plan or a carnet they hold for it.
        self.passes = selectors.usable_passes(user, resource, today=today())
        subscribed = selectors.has_usable_subscription(user, resource, today=today())
        # « Payé par mon employeur »: an active employee whose rules cover this resource (the
        # month's budget is checked when booking, under the employee's lock).
        self.employer_pays = employer_may_pay(user, resource)
        self.fields["paiement"].choices = [
            (value, label)
            for value, label in Payment.choices
            if value == Payment.ON_SITE
            or (value == Payment.PASS and self.passes)
            or (value == Payment.PLAN and subscribed)
            or (value == Payment.EMPLOYER and self.employer_pays)
        ]
        self.fields["carnet"].choices = [("", "—")] + [
            (str(held.public_id), f"{held.product.name} — {held.units_left} unité(s) restante(s)")
            for held in self.passes
        ]

    def show_costs(self, user) -> None:
        """Each payment choice says what this booking would cost that way (issue 13 point 6):
        from the submitted request, or from the slot the page was opened for."""
        request = self._quote_request()
        if request is None:
            return
        choices = self.fields["paiement"].choices
        labels = payment_labels(user, self.resource, request, [v for v, _ in choices], self.passes)
        self.fields["paiement"].choices = [(v, labels.get(v, label)) for v, label in choices]

    def _quote_request(self) -> BookingRequest | None:
        if self.is_bound:
            return self.booking_request() if self.is_valid() else None
        day = day_from_text(str(self.initial.get("date") or ""))
        slot = self.initial.get("creneau")
        if day is None or slot not in dict(self.fields["creneau"].choices):
            return None
        times = []
        for name in ("debut", "fin"):
            try:
                times.append(forms.TimeField().to_python(self.initial.get(name) or None))
            except forms.ValidationError:
                return None
        seats = str(self.initial.get("places") or "1")
        return BookingRequest(
            resource=self.resource,
            day=day,
            slot=slot,
            start=times[0],
            end=times[1],
            seats=int(seats) if seats.isdigit() and 1 <= int(seats) <= 500 else 1,
        )

    def booking_request(self) -> BookingRequest:
        data = self.cleaned_data
        return BookingRequest(
            resource=self.resource,
            day=data["date"],
            slot=data["creneau"],
            start=data.get("debut"),
            end=data.get("fin"),
            seats=data.get("places") or 1,
            payment=data["paiement"],
            pass_id=data.get("carnet") or None,
        )

    def add_booking_error(self, error) -> None:
        field = {
            "date": "date",
            "creneau": "creneau",
            "debut": "debut",
            "fin": "fin",
            "places": "places",
            "paiement": "paiement",
            "carnet": "carnet",
        }.get(error.field)
        if field and field in self.fields:
            self.add_error(field, error.message)
        else:
            self.add_error(None, error.message)


def _offers(resource: Resource, slot: str) -> bool:
    return {
        "day": resource.by_day,
        "morning": resource.by_half_day,
        "afternoon": resource.by_half_day,
        "hours": resource.by_hour,
    }[slot]


class ReasonForm(forms.Form):
    motif = forms.CharField(
        label="Motif", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class GuestBookingForm(BookingForm):
    """A walk-in's booking without an account: a name, an address, the slot; paid at the place."""

    nom = forms.CharField(
        label="Votre nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        help_text="Vous y recevrez le lien qui confirme la réservation.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(label=RGPD_NOTICE)

    field_order = ["nom", "email"]

    def __init__(self, *args, resource: Resource, **kwargs):
        super().__init__(*args, resource=resource, user=AnonymousUser(), **kwargs)
        del self.fields["carnet"]
        self.fields["paiement"].widget = forms.HiddenInput()
