"""Forms of the employer pages: French labels, every value bounded; the services check again."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from maillage.booking.bounds import id_from_text
from maillage.core.forms import FrenchDecimalField
from maillage.employers.models import MAX_BUDGET_CENTS, MAX_BUDGET_DAYS, BudgetUnit, Employee
from maillage.places.models import Place
from maillage.territory.models import EPCI, Departement

_SEPARATORS = re.compile(r"[\s,;]+")
MAX_EMAILS_TEXT = 60_000


class EmployerOpenForm(forms.Form):
    nom = forms.CharField(label="Raison sociale", max_length=200)
    forme_juridique = forms.CharField(
        label="Forme juridique", max_length=80, required=False, help_text="SAS, SARL, commune…"
    )
    siren = forms.CharField(label="SIREN", max_length=20, help_text="9 chiffres.")
    siret = forms.CharField(
        label="SIRET de l'établissement facturé",
        max_length=25,
        required=False,
        help_text="14 chiffres ; obligatoire pour un acheteur public.",
    )
    adresse = forms.CharField(label="Adresse de facturation", max_length=250)
    code_postal = forms.CharField(label="Code postal", max_length=5)
    commune = forms.CharField(label="Commune", max_length=120)
    email = forms.EmailField(label="E-mail de facturation", required=False)
    acheteur_public = forms.BooleanField(
        label="Acheteur public (factures déposées sur Chorus Pro)", required=False
    )
    code_service = forms.CharField(label="Code service Chorus Pro", max_length=100, required=False)
    domaine = forms.CharField(
        label="Domaine des adresses de vos salariés",
        max_length=120,
        required=False,
        help_text="Par exemple exemple.fr : ces adresses pourront rejoindre le compte seules.",
    )

    def identity(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["nom"],
            "legal_form": data["forme_juridique"],
            "siren": data["siren"],
            "siret": data["siret"],
            "address": data["adresse"],
            "postcode": data["code_postal"],
            "city": data["commune"],
            "email": data["email"],
            "is_public_body": data["acheteur_public"],
            "service_code": data["code_service"],
            "email_domain": data["domaine"],
        }


FIELD_OF_ERROR = {
    "nom": "nom",
    "siren": "siren",
    "siret": "siret",
    "adresse": "adresse",
    "code_service": "code_service",
    "domaine": "domaine",
    "emails": "emails",
    "budget": "budget",
    "unite": "unite",
    "zone": "zone",
}


def add_service_error(form: forms.Form, error) -> None:
    """A service refusal on its field when the form has it, else above the form."""
    name = FIELD_OF_ERROR.get(error.field)
    form.add_error(name if name in form.fields else None, error.message)


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label="Adresses e-mail à inviter",
        max_length=MAX_EMAILS_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une adresse par ligne (ou séparées par des virgules), 200 au plus.",
    )

    def clean_emails(self) -> list[str]:
        return [part for part in _SEPARATORS.split(self.cleaned_data["emails"]) if part]


class BudgetFields(forms.Form):
    unite = forms.ChoiceField(label="Budget en", choices=BudgetUnit.choices)
    budget = FrenchDecimalField(
        label="Budget mensuel",
        min_value=0,
        max_value=MAX_BUDGET_CENTS / 100,
        help_text=f"En jours (≤ {MAX_BUDGET_DAYS}, une demi-journée compte 0,5) ou en euros TTC "
        "(≤ 10 000).",
    )
    salles = forms.BooleanField(label="Salles de réunion comprises", required=False)

    def budget_amount(self) -> int:
        """Days as a whole number, euros as cents."""
        data = self.cleaned_data
        if data["unite"] == BudgetUnit.DAYS:
            if data["budget"] != int(data["budget"]):
                self.add_error("budget", "Un budget en jours est un nombre entier.")
                return -1
            return int(data["budget"])
        return round(data["budget"] * 100)

    def clean(self):
        data = super().clean()
        if (
            data.get("unite") == BudgetUnit.DAYS
            and data.get("budget") is not None
            and data["budget"] > MAX_BUDGET_DAYS
        ):
            self.add_error("budget", f"Un mois compte au plus {MAX_BUDGET_DAYS} jours.")
        return data


class SettingsForm(BudgetFields):
    domaine = forms.CharField(
        label="Domaine des adresses de vos salariés",
        max_length=120,
        required=False,
        help_text="Vide : on ne rejoint le compte que sur invitation.",
    )


class PlacesField(forms.ModelMultipleChoiceField):
    """Ticked places by id. An id no column can hold is an unknown choice, not the server error
    its `IN` query would raise (an OverflowError on SQLite, out of range on PostgreSQL)."""

    def _check_values(self, value):
        for pk in value:
            if id_from_text(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class RulesForm(BudgetFields):
    lieux = PlacesField(
        label="Lieux pris en charge",
        queryset=Place.objects.none(),
        required=False,
        help_text="Aucun choisi : tous les lieux du réseau.",
        widget=forms.CheckboxSelectMultiple,
    )
    zone = forms.CharField(
        label="Zone prise en charge",
        max_length=9,
        required=False,
        help_text="Code d'un département (14, 2A, 971) ou SIREN d'une intercommunalité ; vide : "
        "partout.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieux"].queryset = (
            Place.objects.filter(resources__is_active=True).distinct().order_by("name", "id")
        )

    def clean_zone(self) -> Departement | EPCI | None:
        code = self.cleaned_data["zone"].strip().upper()
        if not code:
            return None
        if re.fullmatch(r"[0-9]{9}", code):
            found = EPCI.objects.filter(code=code).first()
        else:
            found = Departement.objects.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(
                f"« {code} » n'est ni un département ni une intercommunalité connus."
            )
        return found

    @staticmethod
    def initial_for(employee: Employee) -> dict:
        area = employee.allowed_epci or employee.allowed_departement
        budget = employee.monthly_budget
        return {
            "unite": employee.budget_unit,
            "budget": budget if employee.budget_unit == BudgetUnit.DAYS else budget / 100,
            "salles": employee.rooms_included,
            "lieux": list(employee.allowed_places.all()),
            "zone": area.code if area else "",
        }


class ConsentForm(forms.Form):
    partage = forms.BooleanField(
        label="Je montre à mon employeur les lieux et les dates de mes réservations",
        required=False,
    )


def month_from_text(text: str | None, default: date) -> date:
    """« 2026-12 » → 1 December 2026; anything unreadable or out of bounds gives `default`."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", (text or "")[:7])
    if not match:
        return default
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return default
    return date(year, month, 1)
