"""Forms of the settlement pages: every input bounded, French messages."""

import re
import uuid
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from maillage.booking.bounds import EARLIEST_DAY, LATEST_DAY, day_in_range
from maillage.booking.models import PassProduct, PlaceBookingSettings
from maillage.core.forms import FrenchDecimalField
from maillage.employers.models import Employer
from maillage.places.models import Place
from maillage.settlement.services import MAX_PASSES_PER_SALE, MAX_RATE_CENTS, PAID_METHODS


class SaleForm(forms.Form):
    produit = forms.ModelChoiceField(
        label="Carnet",
        queryset=PassProduct.objects.filter(place__isnull=True, is_active=True).order_by("name"),
        error_messages={"invalid_choice": "Choisissez un pass réseau en vente."},
    )
    acheteur = forms.ChoiceField(
        label="Acheteur",
        choices=[("personne", "Une personne"), ("employeur", "Un employeur")],
        widget=forms.RadioSelect,
        initial="personne",
    )
    email = forms.EmailField(label="E-mail de la personne", required=False, max_length=254)
    nom = forms.CharField(label="Nom (si elle n'a pas de compte)", required=False, max_length=150)
    employeur = forms.ModelChoiceField(
        label="Employeur",
        queryset=Employer.objects.select_related("entity").order_by("entity__name"),
        required=False,
        error_messages={"invalid_choice": "Choisissez un employeur de la liste."},
    )
    titulaires = forms.CharField(
        label="E-mails des titulaires (un par ligne)",
        help_text="Pour un employeur : une adresse pour tous les pass, ou une par pass. "
        "Pour une personne : vide si elle utilise elle-même ses pass.",
        required=False,
        max_length=(254 + 2) * MAX_PASSES_PER_SALE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    quantite = forms.IntegerField(
        label="Nombre de pass", min_value=1, max_value=MAX_PASSES_PER_SALE, initial=1
    )
    paiement = forms.ChoiceField(
        label="Déjà payé par",
        required=False,
        choices=[("", "pas encore payé"), *PAID_METHODS.items()],
    )
    # The form's idempotency key (a new one per page shown): a double click sells once.
    cle = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["cle"] = uuid.uuid4().hex

    def clean_titulaires(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["titulaires"].splitlines()]
        emails = [line for line in lines if line]
        if len(emails) > MAX_PASSES_PER_SALE:
            raise ValidationError(f"{MAX_PASSES_PER_SALE} adresses au plus.")
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(f"Adresse e-mail invalide : {email[:60]}") from None
        return emails

    def clean(self):
        data = super().clean()
        if data.get("acheteur") == "personne" and not data.get("email"):
            self.add_error("email", "Indiquez l'e-mail de la personne.")
        if data.get("acheteur") == "employeur":
            if not data.get("employeur"):
                self.add_error("employeur", "Choisissez l'employeur.")
            if not data.get("titulaires") and "titulaires" not in self.errors:
                self.add_error("titulaires", "Indiquez l'e-mail du ou des titulaires.")
        return data


def _cents(euros: float | None) -> int:
    return round((euros or 0) * 100)


class AgreementForm(forms.Form):
    lieu = forms.ModelChoiceField(
        label="Lieu",
        queryset=Place.objects.filter(
            pk__in=PlaceBookingSettings.objects.filter(accepts_network_pass=True).values("place_id")
        ).order_by("name"),
        error_messages={"invalid_choice": "Choisissez un lieu qui accepte le pass réseau."},
    )
    taux_journee = FrenchDecimalField(
        label="Reversement par journée (€ TTC)", min_value=0, max_value=MAX_RATE_CENTS / 100
    )
    taux_demi_journee = FrenchDecimalField(
        label="Reversement par demi-journée (€ TTC)", min_value=0, max_value=MAX_RATE_CENTS / 100
    )
    autofacturation = forms.BooleanField(
        label="Autofacturation : la coordination émet les factures du lieu", required=False
    )
    debut = forms.DateField(
        label="En vigueur à partir du", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_debut(self) -> date:
        day = self.cleaned_data["debut"]
        if not day_in_range(day):
            raise ValidationError("Date hors des limites (2000 à 2100).")
        return day

    def rates(self) -> tuple[int, int]:
        return _cents(self.cleaned_data["taux_journee"]), _cents(
            self.cleaned_data["taux_demi_journee"]
        )


def month_from_text(text: str | None) -> date | None:
    """« 2026-11 » → 1 November 2026; None for anything else or outside 2000–2100."""
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):  # ASCII digits: « ²²²²-11 » is no year
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= month <= 12 and EARLIEST_DAY.year <= year <= LATEST_DAY.year):
        return None  # year 0 would be a ValueError, a server error
    return date(year, month, 1)
