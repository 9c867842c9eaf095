"""The sellers' forms: structure settings, filters of the accounting page, manual invoices and
credit notes, closing a month. They bound and read what was typed; the rules are the services'."""

import re
from datetime import date
from decimal import Decimal

from django import forms

from maillage.billing.accounting_selectors import DocumentFilters
from maillage.billing.amounts import rate_label
from maillage.billing.entity_services import MAX_PAYMENT_DAYS
from maillage.billing.models import VAT_RATES_BP, Invoice, LegalEntity, VatRegime

FIRST_MONTH = date(2000, 1, 1)
LAST_MONTH = date(2100, 12, 1)
MAX_LINES_TYPED = 30
UNITS = [("C62", "unité"), ("DAY", "jour"), ("HUR", "heure"), ("MON", "mois")]
VAT_CHOICES = [(str(rate), rate_label(rate)) for rate in VAT_RATES_BP]
_EUROS = re.compile(r"^[0-9]{1,7}(?:[.,][0-9]{1,2})?$")
_QUANTITY = re.compile(r"^[0-9]{1,6}(?:[.,][0-9]{1,3})?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def cents_from_text(text: str) -> int:
    """« 1 234,5 » → 123450. Raises ValueError beyond 9 999 999,99 € or with three decimals."""
    cleaned = _SPACES.sub("", text or "")
    if not _EUROS.match(cleaned):
        raise ValueError(text)
    return int(Decimal(cleaned.replace(",", ".")) * 100)


def quantity_from_text(text: str) -> Decimal:
    cleaned = _SPACES.sub("", text or "")
    if not _QUANTITY.match(cleaned):
        raise ValueError(text)
    return Decimal(cleaned.replace(",", "."))


class TypedTextField(forms.Field):
    """A short text read into a value by `parse` (a ValueError: `message`). The length is
    checked on the text, before anything is parsed or echoed back."""

    widget = forms.TextInput
    max_typed = 20
    message = ""

    def parse(self, text: str):
        raise NotImplementedError

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > self.max_typed:
            raise forms.ValidationError(self.message)
        try:
            return self.parse(text)
        except ValueError:
            raise forms.ValidationError(self.message) from None


class MonthField(TypedTextField):
    """AAAA-MM (what `<input type="month">` sends) → the month's first day, 2000 to 2100."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})
    message = "Mois illisible : écrivez AAAA-MM, par exemple 2026-11."

    def parse(self, text: str) -> date:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
            raise ValueError(text)
        return date(int(text[:4]), int(text[5:]), 1)

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_MONTH <= value <= LAST_MONTH:
            raise forms.ValidationError("Choisissez un mois entre 2000 et 2100.")

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class EuroField(TypedTextField):
    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    message = "Montant illisible : écrivez par exemple 12,50 (moins de 10 millions d'euros)."

    def parse(self, text: str) -> int:
        return cents_from_text(text)


class QuantityField(TypedTextField):
    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    message = "Quantité illisible : un nombre positif, trois décimales au plus (exemple : 1,5)."

    def parse(self, text: str) -> Decimal:
        return quantity_from_text(text)


class EntityForm(forms.Form):
    """The structure's identity and invoice settings (checked again by legal_entity_save)."""

    name = forms.CharField(label="Raison sociale", max_length=200)
    legal_form = forms.CharField(
        label="Forme juridique", max_length=80, required=False, help_text="SAS, SCIC, association…"
    )
    siren = forms.CharField(label="SIREN", max_length=20)
    siret = forms.CharField(label="SIRET de l'établissement", max_length=25, required=False)
    rcs = forms.CharField(
        label="Immatriculation",
        max_length=80,
        required=False,
        help_text="« RCS Caen », ou vide pour une association non inscrite.",
    )
    share_capital = forms.CharField(label="Capital social", max_length=40, required=False)
    address = forms.CharField(label="Adresse", max_length=250)
    postcode = forms.CharField(label="Code postal", max_length=10)
    city = forms.CharField(label="Commune", max_length=120)
    email = forms.EmailField(label="E-mail de facturation", max_length=254, required=False)
    electronic_address = forms.CharField(
        label="Adresse de facturation électronique",
        max_length=100,
        required=False,
        help_text="Celle de l'annuaire de la facturation électronique (souvent le SIREN).",
    )
    vat_regime = forms.ChoiceField(label="Régime de TVA", choices=VatRegime.choices)
    vat_number = forms.CharField(
        label="N° de TVA intracommunautaire",
        max_length=20,
        required=False,
        help_text="Vide en franchise de TVA.",
    )
    vat_on_debits = forms.BooleanField(
        label="Option pour le paiement de la TVA d'après les débits", required=False
    )
    invoice_prefix = forms.CharField(
        label="Préfixe des numéros de facture",
        max_length=10,
        help_text="1 à 10 lettres majuscules, chiffres ou tirets ; ne change plus après la "
        "première facture.",
    )
    payment_terms_days = forms.IntegerField(
        label="Délai de paiement (jours)", min_value=0, max_value=MAX_PAYMENT_DAYS
    )
    late_penalty_rate = forms.CharField(label="Taux des pénalités de retard", max_length=120)
    iban = forms.CharField(label="IBAN", max_length=50, required=False)
    bic = forms.CharField(label="BIC", max_length=15, required=False)

    @classmethod
    def initial_for(cls, entity: LegalEntity | None) -> dict:
        if entity is None:
            return {
                "vat_regime": VatRegime.NORMAL,
                "invoice_prefix": "F-",
                "payment_terms_days": 30,
                "late_penalty_rate": "trois fois le taux d'intérêt légal",
            }
        return {name: getattr(entity, name) for name in cls.base_fields}


class DocumentFilterForm(forms.Form):
    mois = MonthField(label="Mois d'émission", required=False)
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "factures et avoirs"), *Invoice.Kind.choices],
    )
    acheteur = forms.CharField(label="Acheteur (nom ou e-mail)", max_length=100, required=False)

    def filters(self) -> DocumentFilters:
        data = self.cleaned_data
        return DocumentFilters(
            month=data.get("mois"), kind=data.get("type") or "", buyer=data.get("acheteur") or ""
        )


class MonthForm(forms.Form):
    """One month: the one to close, or the one to export."""

    mois = MonthField(label="Mois")


class InvoiceHeaderForm(forms.Form):
    """Who buys (an account's e-mail, a known SIREN, or a new structure typed in) and when."""

    token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput, max_length=32
    )

    buyer_email = forms.EmailField(
        label="E-mail d'une personne inscrite", max_length=254, required=False
    )
    buyer_siren = forms.CharField(
        label="SIREN de la structure cliente",
        max_length=20,
        required=False,
        help_text="Une structure déjà connue est reprise telle quelle ; sinon remplissez la suite.",
    )
    buyer_name = forms.CharField(label="Raison sociale", max_length=200, required=False)
    buyer_address = forms.CharField(label="Adresse", max_length=250, required=False)
    buyer_postcode = forms.CharField(label="Code postal", max_length=10, required=False)
    buyer_city = forms.CharField(label="Commune", max_length=120, required=False)
    buyer_vat_number = forms.CharField(
        label="N° de TVA intracommunautaire", max_length=20, required=False
    )
    buyer_siret = forms.CharField(label="SIRET", max_length=25, required=False)
    buyer_is_public = forms.BooleanField(label="Acheteur public (Chorus Pro)", required=False)
    buyer_service_code = forms.CharField(
        label="Code service (Chorus Pro)", max_length=100, required=False
    )
    order_ref = forms.CharField(
        label="Référence de commande de l'acheteur", max_length=50, required=False
    )
    service_start = forms.DateField(
        label="Début de la prestation",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    service_end = forms.DateField(
        label="Fin de la prestation", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    prices = forms.ChoiceField(
        label="Les prix unitaires saisis sont",
        choices=[("ht", "hors taxes (HT)"), ("ttc", "toutes taxes comprises (TTC)")],
        initial="ht",
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        for name in ("service_start", "service_end"):
            day = data.get(name)
            if day and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, "Choisissez une date entre 2000 et 2100.")
        if not (data.get("buyer_email") or data.get("buyer_siren")):
            raise forms.ValidationError(
                "Indiquez l'acheteur : l'e-mail d'une personne inscrite ou le SIREN d'une "
                "structure."
            )
        return data


class LineForm(forms.Form):
    label = forms.CharField(label="Désignation", max_length=300)
    quantity = QuantityField(label="Quantité")
    unit = forms.ChoiceField(label="Unité", choices=UNITS, initial="C62")
    unit_price = EuroField(label="Prix unitaire (€)")
    vat_rate = forms.TypedChoiceField(
        label="Taux de TVA", choices=VAT_CHOICES, coerce=int, initial="2000"
    )


LineFormSet = forms.formset_factory(
    LineForm,
    extra=3,
    max_num=MAX_LINES_TYPED,
    absolute_max=MAX_LINES_TYPED,
    validate_max=True,
)


class CreditNoteForm(forms.Form):
    """The reason, and per line of the original the quantity to credit (0: not credited)."""

    reason = forms.CharField(label="Motif de l'avoir", max_length=300)

    def __init__(self, *args, original: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_lines = list(original.lines.all())
        for line in self.original_lines:
            self.fields[f"quantity_{line.position}"] = QuantityField(
                label=f"Quantité à créditer — {line.label}",
                initial=str(line.quantity.normalize()).replace(".", ","),
                help_text=f"Au plus {str(line.quantity.normalize()).replace('.', ',')}.",
            )

    def clean(self):
        data = super().clean()
        chosen = []
        for line in self.original_lines:
            quantity = data.get(f"quantity_{line.position}")
            if quantity is None:
                continue
            if quantity > line.quantity:
                self.add_error(
                    f"quantity_{line.position}", "Plus que la quantité facturée sur cette ligne."
                )
            elif quantity > 0:
                chosen.append((line, quantity))
        if not self.errors and not chosen:
            raise forms.ValidationError("Choisissez au moins une ligne à créditer.")
        data["chosen"] = chosen
        data["whole"] = len(chosen) == len(self.original_lines) and all(
            quantity == line.quantity for line, quantity in chosen
        )
        return data
