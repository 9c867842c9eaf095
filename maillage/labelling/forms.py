"""Forms of the label pages: every input bounded, French messages; the services check the rules
(states, mandatory criteria) and their refusals land on the field at fault."""

import re

from django import forms
from django.utils import timezone

from maillage.labelling.errors import LabelError
from maillage.labelling.models import (
    MAX_VALIDITY_MONTHS,
    MIN_VALIDITY_MONTHS,
    Answer,
    Application,
    Criterion,
)
from maillage.labelling.selectors import AWARD_FILTERS
from maillage.labelling.services import (
    MAX_LINKS,
    MAX_REMINDER_DAYS,
    CriterionInput,
    grant_start_check,
)

TEXT_ROWS = {"rows": 4}


def add_service_error(form: forms.Form, error: LabelError) -> None:
    """A service refusal on its field when the form has it, else above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class SchemeForm(forms.Form):
    name = forms.CharField(label="Nom du label", max_length=150)
    short_name = forms.CharField(
        label="Nom court", max_length=40, help_text="Affiché sur le badge des lieux labellisés."
    )
    description = forms.CharField(
        label="Présentation", max_length=5000, required=False, widget=forms.Textarea(TEXT_ROWS)
    )
    validity_months = forms.IntegerField(
        label="Durée de validité (mois)",
        min_value=MIN_VALIDITY_MONTHS,
        max_value=MAX_VALIDITY_MONTHS,
    )
    reminder_days = forms.CharField(
        label="Relances avant échéance (jours)",
        max_length=40,
        required=False,
        help_text="Délais séparés par des virgules, par exemple « 90, 30 ».",
    )
    accepting = forms.BooleanField(label="Candidatures ouvertes", required=False)

    def clean_reminder_days(self) -> list[int]:
        parts = [p for p in re.split(r"[,;\s]+", self.cleaned_data["reminder_days"]) if p]
        if any(not p.isdigit() or len(p) > 3 for p in parts):
            raise forms.ValidationError(
                "Indiquez des nombres de jours entiers, par exemple 90, 30."
            )
        days = [int(p) for p in parts]
        if len(days) > 5 or any(not 1 <= d <= MAX_REMINDER_DAYS for d in days):
            raise forms.ValidationError(
                f"Au plus 5 délais, chacun entre 1 et {MAX_REMINDER_DAYS} jours."
            )
        return days


class CriterionForm(forms.Form):
    group = forms.ChoiceField(label="Famille", choices=Criterion.Group.choices)
    title = forms.CharField(label="Intitulé", max_length=200)
    description = forms.CharField(
        label="Précisions", max_length=2000, required=False, widget=forms.Textarea(TEXT_ROWS)
    )
    mandatory = forms.BooleanField(label="Critère obligatoire", required=False)
    evidence_asked = forms.CharField(label="Justificatif demandé", max_length=500, required=False)
    platform_figure = forms.ChoiceField(
        label="Donnée de la plateforme affichée",
        choices=Criterion.PlatformFigure.choices,
        required=False,
    )

    def to_input(self) -> CriterionInput:
        return CriterionInput(**self.cleaned_data)


class AnswerForm(forms.Form):
    self_assessment = forms.ChoiceField(
        label="Votre auto-évaluation",
        choices=Answer.SelfAssessment.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Commentaire", max_length=5000, required=False, widget=forms.Textarea(TEXT_ROWS)
    )
    links = forms.CharField(
        label="Liens",
        max_length=MAX_LINKS * 510,
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=f"Une adresse http ou https par ligne, {MAX_LINKS} au plus.",
    )
    file = forms.FileField(
        label="Ajouter un justificatif",
        required=False,
        help_text="PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG, 10 Mo au plus.",
    )

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]


class AuditAnswerForm(forms.Form):
    verdict = forms.ChoiceField(label="Avis", choices=Answer.Verdict.choices, required=False)
    audit_comment = forms.CharField(
        label="Commentaire de l'audit",
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )


class MessageForm(forms.Form):
    message = forms.CharField(label="Message", max_length=5000, widget=forms.Textarea(TEXT_ROWS))


class VisitForm(forms.Form):
    visit_on = forms.DateField(
        label="Date de la visite",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    message = forms.CharField(
        label="Précisions (heure, personne rencontrée)",
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )


class GrantForm(forms.Form):
    starts_on = forms.DateField(
        label="Début du label",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Aujourd'hui si vide ; un renouvellement commence à l'échéance du label "
        "en cours.",
    )
    reason = forms.CharField(
        label="Motivation de la décision",
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )
    override_reason = forms.CharField(
        label="Motif de la dérogation",
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text="Seulement pour accorder le label alors qu'un critère obligatoire n'est pas "
        "jugé conforme.",
    )

    def clean_starts_on(self):
        starts_on = self.cleaned_data.get("starts_on")
        if starts_on is not None:
            try:
                grant_start_check(starts_on, today=timezone.localdate())
            except LabelError as error:
                raise forms.ValidationError(error.message) from None
        return starts_on


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motifs", max_length=5000, widget=forms.Textarea({"rows": 3}))


class QueueFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "En cours (brouillon, déposée, à compléter)"), *Application.Status.choices],
    )


class AwardFilterForm(forms.Form):
    etat = forms.ChoiceField(
        label="Labels", required=False, choices=[("", "Tous"), *AWARD_FILTERS.items()]
    )
