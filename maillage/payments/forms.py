"""Forms of the payment pages: amounts typed in euros the French way, read as cents."""

import secrets

from django import forms

from maillage.booking.bounds import BookingDateField
from maillage.booking.forms import DateInput
from maillage.core.forms import FrenchDecimalField
from maillage.payments.models import Payment
from maillage.payments.services import MANUAL_METHODS

METHOD_CHOICES = [(m.value, m.label.capitalize()) for m in Payment.Method if m in MANUAL_METHODS]


class EurosField(FrenchDecimalField):
    """An amount in euros (« 12,50 ») → integer cents; two decimals at most."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0.01, max_value=1_000_000, **kwargs)
        self.error_messages["min_value"] = "Le montant doit être positif."
        self.error_messages["max_value"] = "Montant absurde (plus d'un million d'euros)."

    def clean(self, value):
        euros = super().clean(value)
        if euros is None:
            return None
        cents = round(euros * 100)
        if abs(euros * 100 - cents) > 1e-6:
            raise forms.ValidationError("Deux décimales au plus (les centimes).")
        return cents


def euros_text(cents: int) -> str:
    """Cents as a person types them back: 1500 → « 15,00 »."""
    return f"{cents // 100},{cents % 100:02d}"


class RecordForm(forms.Form):
    moyen = forms.ChoiceField(label="Moyen de paiement", choices=METHOD_CHOICES)
    montant = EurosField(label="Montant reçu (€)")
    date = BookingDateField(label="Reçu le", widget=DateInput())
    cle = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    @staticmethod
    def new_key() -> str:
        """Generated when the form is shown: a double submission carries the same key."""
        return secrets.token_urlsafe(24)


class RefundForm(forms.Form):
    montant = EurosField(
        label="Montant à rembourser (€)",
        required=False,
        help_text="Laissez vide pour rembourser tout ce qui a été payé.",
    )
    motif = forms.CharField(label="Motif (imprimé sur l'avoir)", max_length=300)


class SettleForm(forms.Form):
    moyen = forms.ChoiceField(label="Moyen de paiement", choices=METHOD_CHOICES)
