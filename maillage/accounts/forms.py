from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm

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
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un compte existe déjà avec cette adresse.")
        return email

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
