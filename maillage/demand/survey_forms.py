"""Forms of the survey import: the upload, then the column mapping."""

from django import forms

from maillage.demand.survey_mapping import FIELDS
from maillage.demand.survey_reading import MAX_BYTES

NO_COLUMN = ""


class SurveyUploadForm(forms.Form):
    nom = forms.CharField(
        label="Nom de l'enquête",
        max_length=200,
        help_text="Ex. « Enquête télétravail 2026 du Bessin ».",
    )
    fichier = forms.FileField(
        label="Fichier exporté de l'outil d'enquête (CSV ou XLSX)",
        help_text="Google Forms, LimeSurvey, Framaforms, SurveyMonkey… 5 Mo et 20 000 réponses "
        "au plus.",
    )

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"Fichier trop volumineux ({upload.size / 1_000_000:.1f} Mo) : 5 Mo au plus."
            )
        return upload


class SurveyMappingForm(forms.Form):
    """One select per field: the column it is read from (or none)."""

    def __init__(self, *args, columns: list[str], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NO_COLUMN, "— aucune colonne —")] + [
            (str(index), column) for index, column in enumerate(columns)
        ]
        for key, (label, required) in FIELDS.items():
            guessed = initial_mapping.get(key)
            self.fields[key] = forms.ChoiceField(
                label=label + (" (obligatoire)" if required else ""),
                choices=choices,
                required=False,
                initial=NO_COLUMN if guessed is None else str(guessed),
            )

    def mapping(self) -> dict[str, int | None]:
        return {
            key: None
            if self.cleaned_data.get(key, NO_COLUMN) == NO_COLUMN
            else int(self.cleaned_data[key])
            for key in FIELDS
        }
