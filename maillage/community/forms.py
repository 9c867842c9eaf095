"""Forms of the members' network: every field bounded, every message French."""

from django import forms

from maillage.community.models import (
    MAX_HOME_PLACES,
    MAX_MESSAGE_LENGTH,
    MAX_REPORT_LENGTH,
    MemberProfile,
    Report,
)
from maillage.community.selectors import DirectoryFilters, directory_places
from maillage.community.services import ProfileData
from maillage.community.skills import SkillsError, skills_parse


class PlaceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.commune.name})" if obj.commune_id else obj.name


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Nom affiché",
        max_length=80,
        help_text="Le nom que les autres membres verront (votre adresse e-mail ne l'est jamais).",
    )
    trade = forms.CharField(label="Métier ou activité", max_length=120, required=False)
    skills = forms.CharField(
        label="Compétences",
        required=False,
        max_length=500,
        help_text="Séparées par des virgules, 10 au plus (par exemple : menuiserie, site web).",
    )
    home_places = PlaceChoiceField(
        label="Mes lieux",
        queryset=directory_places().select_related("commune"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=f"Les tiers-lieux où l'on peut vous croiser, {MAX_HOME_PLACES} au plus.",
    )
    offers = forms.CharField(
        label="Ce que je propose",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    looks_for = forms.CharField(
        label="Ce que je cherche",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visible = forms.BooleanField(
        label="J'accepte d'apparaître dans l'annuaire des membres, visible des seuls membres "
        "connectés. Je peux retirer mon profil à tout moment.",
        required=False,
    )

    error_messages = {"too_many_places": f"{MAX_HOME_PLACES} lieux au plus."}

    def __init__(self, *args, profile: MemberProfile | None = None, **kwargs) -> None:
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "display_name": profile.display_name,
                "trade": profile.trade,
                "skills": ", ".join(profile.skills),
                "home_places": list(profile.home_places.all()),
                "offers": profile.offers,
                "looks_for": profile.looks_for,
                "visible": profile.visible,
            }
        super().__init__(*args, **kwargs)
        self.fields["home_places"].error_messages["invalid_choice"] = (
            "Choisissez des lieux de la liste."
        )
        self.fields["home_places"].error_messages["invalid_pk_value"] = (
            "Choisissez des lieux de la liste."
        )

    def clean_skills(self) -> list[str]:
        try:
            return skills_parse(self.cleaned_data["skills"])
        except SkillsError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_home_places(self):
        places = self.cleaned_data["home_places"]
        if len(places) > MAX_HOME_PLACES:
            raise forms.ValidationError(self.error_messages["too_many_places"])
        return places

    def data_for_service(self) -> ProfileData:
        data = self.cleaned_data
        return ProfileData(
            display_name=data["display_name"].strip(),
            trade=data["trade"].strip(),
            skills=data["skills"],
            home_places=list(data["home_places"]),
            offers=data["offers"].strip(),
            looks_for=data["looks_for"].strip(),
        )


class DirectorySearchForm(forms.Form):
    skill = forms.CharField(label="Compétence", max_length=60, required=False)
    trade = forms.CharField(label="Métier", max_length=60, required=False)
    place = forms.ModelChoiceField(
        label="Lieu",
        queryset=directory_places(),
        required=False,
        empty_label="Tous les lieux",
        error_messages={"invalid_choice": "Choisissez un lieu de la liste."},
    )

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        data = self.cleaned_data
        return DirectoryFilters(skill=data["skill"], trade=data["trade"], place=data["place"])


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre message",
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Le message est vide.",
            "max_length": f"Le message fait {MAX_MESSAGE_LENGTH} caractères au plus "
            "(%(show_value)d saisis).",
        },
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Motif",
        choices=Report.Reason.choices,
        error_messages={"invalid_choice": "Choisissez un motif dans la liste."},
    )
    details = forms.CharField(
        label="Précisions (facultatif)",
        max_length=MAX_REPORT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
