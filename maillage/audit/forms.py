"""The journal's filters: every parameter bounded, French messages, never a 500."""

from django import forms

from maillage.audit.models import FAMILIES


class JournalFilterForm(forms.Form):
    famille = forms.ChoiceField(
        label="Type d'action",
        required=False,
        choices=[("", "Toutes"), *FAMILIES.items()],
    )
    acteur = forms.EmailField(label="Adresse e-mail de la personne", required=False, max_length=254)
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    objet = forms.CharField(
        label="Objet (identifiant ou type)",
        required=False,
        max_length=64,
        help_text="Par exemple l'identifiant d'un lieu ou d'une réservation, ou « places.place ».",
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            self.add_error("au", "La date de fin précède la date de début.")
        return data

    def filters(self) -> dict:
        """Keyword arguments for `events_for_coordination` (call after `is_valid()`)."""
        data = self.cleaned_data
        return {
            "family": data.get("famille") or "",
            "actor_email": data.get("acteur") or "",
            "since": data.get("du"),
            "until": data.get("au"),
            "obj": (data.get("objet") or "").strip(),
        }
