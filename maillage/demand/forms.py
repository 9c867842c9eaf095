"""The « Je veux un lieu » form: communes typed as text (name, postcode or INSEE code), never an
address; every number bounded so that bad input gets a French message on its field."""

from django import forms

from maillage.demand.models import CommuteMode, Need, Willingness
from maillage.demand.services import StatementInput
from maillage.places.models import Service
from maillage.territory.forms import CommuneFieldsMixin
from maillage.territory.models import Commune

COMMUNE_HELP = "Nom, code postal ou code INSEE, par exemple « Bayeux », « 14400 » ou « 14047 »."
MAX_KM = 1000  # the model's check: one way, km
MAX_MINUTES = 600  # the model's check: one way, minutes

CONSENT_TEXT = (
    "J'accepte que le réseau garde cette demande pour savoir où ouvrir des lieux et, si je l'ai "
    "demandé, pour me prévenir d'une ouverture près de chez moi. Seules les communes sont "
    "gardées, jamais d'adresse ; la demande est conservée 3 ans ou jusqu'à ce que je la retire, "
    "et n'est publiée qu'en totaux par commune ou intercommunalité."
)


class StatementForm(CommuneFieldsMixin, forms.Form):
    """`with_email`: anonymous visitors give an address (to confirm and to be told); an
    account's statement uses the account."""

    commune_notice_links = False  # a POST form: the notice says what to type instead

    commune = forms.CharField(
        label="Votre commune de résidence",
        max_length=100,
        help_text=COMMUNE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    commune_travail = forms.CharField(
        label="Votre commune de travail (facultative)",
        max_length=100,
        required=False,
        help_text=COMMUNE_HELP + " Celle de votre employeur ou de votre lieu de travail habituel.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    jours = forms.TypedChoiceField(
        label="Combien de jours par semaine iriez-vous dans un lieu ?",
        choices=[("", "Choisissez")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        error_messages={
            "invalid_choice": "Choisissez un nombre de jours entre 1 et 5.",
            "required": "Choisissez un nombre de jours entre 1 et 5.",
        },
    )
    besoins = forms.MultipleChoiceField(
        label="Ce dont vous avez besoin",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins un besoin.",
            "invalid_choice": "Choix inconnu : « %(value)s ».",
        },
    )
    services = forms.ModelMultipleChoiceField(
        label="Services souhaités (facultatif)",
        queryset=Service.objects.filter(is_active=True).order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Service inconnu.",
            "invalid_pk_value": "Service inconnu.",
        },
    )
    mode = forms.ChoiceField(
        label="Comment allez-vous travailler aujourd'hui ? (facultatif)",
        choices=CommuteMode.choices,
        required=False,
        error_messages={"invalid_choice": "Choisissez un mode de déplacement de la liste."},
    )
    km = forms.IntegerField(
        label="Distance de votre trajet actuel, aller, en km (facultatif)",
        required=False,
        min_value=0,
        max_value=MAX_KM,
        error_messages={
            "invalid": "Donnez un nombre entier de kilomètres.",
            "min_value": "La distance ne peut pas être négative.",
            "max_value": f"La distance ne peut pas dépasser {MAX_KM} km.",
        },
    )
    minutes = forms.IntegerField(
        label="Durée de votre trajet actuel, aller, en minutes (facultatif)",
        required=False,
        min_value=0,
        max_value=MAX_MINUTES,
        error_messages={
            "invalid": "Donnez un nombre entier de minutes.",
            "min_value": "La durée ne peut pas être négative.",
            "max_value": f"La durée ne peut pas dépasser {MAX_MINUTES} minutes.",
        },
    )
    disposition = forms.ChoiceField(
        label="Travailleriez-vous dans un tiers-lieu s'il y en avait un près de chez vous ?",
        choices=[c for c in Willingness.choices if c[0]],
        initial=Willingness.YES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Dites si vous utiliseriez un lieu.",
            "invalid_choice": "Choisissez oui, peut-être ou non.",
        },
    )
    prevenir = forms.BooleanField(
        label="Prévenez-moi par e-mail quand un lieu ouvre à moins de 15 km de ma commune",
        required=False,
        initial=True,
    )
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        help_text="Vous y recevrez le lien qui confirme la demande, puis celui pour la retirer.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Donnez votre adresse e-mail : elle sert à confirmer la demande.",
            "invalid": "Adresse e-mail invalide.",
        },
    )
    consentement = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Cochez cette case pour envoyer la demande."},
    )
    # Honeypot: hidden by CSS and from assistive technologies, out of the tab order. People
    # leave it empty; a robot filling every field gets a pretend success and nothing is stored.
    site_web = forms.CharField(
        label="Ne remplissez pas ce champ",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, with_email: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_email:
            del self.fields["email"]

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled (read before validation: a robot's other fields may be junk)."""
        return bool(str(self.data.get("site_web", "")).strip())

    def clean_commune(self) -> Commune:
        return self._commune("commune")

    def clean_commune_travail(self) -> Commune | None:
        return self._commune("commune_travail")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def _commune(self, name: str) -> Commune | None:
        match = self.resolve_commune(name)
        if match is None:
            return None
        return Commune.objects.defer("outline", "boundary").get(code=match.code)

    def statement_input(self) -> StatementInput:
        data = self.cleaned_data
        return StatementInput(
            commune=data["commune"],
            work_commune=data.get("commune_travail"),
            days_per_week=data["jours"],
            needs=list(data["besoins"]),
            services=list(data["services"]),
            commute_mode=data.get("mode") or "",
            commute_km=data.get("km"),
            commute_minutes=data.get("minutes"),
            willingness=data["disposition"],
            notify_opening=data.get("prevenir", False),
        )
