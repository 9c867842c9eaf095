import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm

from maillage.territory.forms import CommuneFieldsMixin
from maillage.territory.models import Commune

RGPD_NOTICE = (
    "J'accepte que maillage conserve mon adresse e-mail et mon nom pour gérer mon compte et mes "
    "contributions. Je peux demander la suppression de mon compte à la coordination du réseau."
)


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(
        label="Nom affiché (facultatif)",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(label=RGPD_NOTICE)

    def clean_email(self) -> str:
        # No « this address has an account » error: the page would tell anyone which addresses
        # have one. user_signup() writes to the owner instead.
        return get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(
                    data["password1"], get_user_model()(email=data.get("email", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Confirmez d'abord votre adresse e-mail : le lien vous a été envoyé.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Adresse e-mail"
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = get_user_model().objects.filter(email__iexact=email or "").first()
        if user is not None and not user.is_active and password and user.check_password(password):
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().clean()


class ResendForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


# « Mon profil de déplacement »: why the communes are asked, shown above the form.
COMMUTE_NOTICE = (
    "Facultatif. Indiquez la commune où vous habitez et celle où vous travaillez d'habitude : "
    "chaque réservation garde ces deux communes, et le réseau en déduit, tous usagers confondus, "
    "les kilomètres de trajet domicile-travail et le CO2 évités grâce à ses lieux. Seuls des "
    "totaux sont publiés, jamais vos trajets. Ni adresse ni itinéraire : la commune suffit. Vous "
    "pouvez modifier ou effacer ces informations à tout moment."
)
COMMUNE_HELP = (
    "Nom, code postal ou code INSEE, par exemple « Bayeux », « 14400 » ou « 14047 ». "
    "Laissez vide pour ne pas la donner."
)
# "Bayeux (14047)": how a chosen commune is shown back in the field, so that sending the form
# again unchanged keeps the same commune even when another one has the same name.
_LABELLED_CODE = re.compile(r"\(((?:[0-9]{2}|2[AB])[0-9]{3})\)\s*$", re.IGNORECASE)


def commune_label(commune: Commune | None) -> str:
    return f"{commune.name} ({commune.code})" if commune else ""


class CommuteProfileForm(CommuneFieldsMixin, forms.Form):
    """Home and work communes, each optional, typed as text and resolved like the search forms
    (name, postcode or INSEE code; an ambiguous name asks for the INSEE code)."""

    residence = forms.CharField(
        label="Commune de résidence (facultative)",
        required=False,
        max_length=100,
        help_text=COMMUNE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    travail = forms.CharField(
        label="Commune de travail habituelle (facultative)",
        required=False,
        max_length=100,
        help_text=COMMUNE_HELP
        + " Celle de votre employeur ou de votre lieu de travail principal, hors télétravail.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        if user is not None:
            kwargs.setdefault(
                "initial",
                {
                    "residence": commune_label(user.home_commune),
                    "travail": commune_label(user.work_commune),
                },
            )
        super().__init__(*args, **kwargs)

    # A POST form: the notice names what to type for the other reading (no link).
    commune_notice_links = False

    def clean_residence(self) -> Commune | None:
        return self._commune("residence")

    def clean_travail(self) -> Commune | None:
        return self._commune("travail")

    def _commune(self, name: str) -> Commune | None:
        text = " ".join(self.cleaned_data[name].split())
        if not text:
            return None
        labelled = _LABELLED_CODE.search(text)
        if labelled:
            return _commune_with_code(labelled.group(1).upper(), text)
        found = self.resolve_commune(name)
        return _commune_with_code(found.code, text) if found else None


def _commune_with_code(code: str, text: str) -> Commune:
    commune = Commune.objects.defer("outline", "boundary").filter(code=code).first()
    if commune is None:
        raise forms.ValidationError(
            "Commune inconnue : « %(text)s ». Donnez son nom ou son code INSEE, ex. 14118.",
            params={"text": text},
        )
    return commune


class AccountEraseForm(forms.Form):
    """Erasing an account asks for its password: a session left open is not enough."""

    password = forms.CharField(
        label="Mot de passe",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe pour confirmer."},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Mot de passe incorrect : le compte n'est pas supprimé.")
        return password
