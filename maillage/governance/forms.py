"""Forms of the governance pages: one cell's edit, a restore, and the questionnaire, whose
questions and choices come from the current version of the sheet."""

from django import forms

from maillage.governance import sheet

MAX_VERSION = 10**6


class BaseVersionMixin(forms.Form):
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)


class TextCellForm(BaseVersionMixin):
    value = forms.CharField(
        label="Texte", widget=forms.Textarea(attrs={"rows": 8}), max_length=3000
    )


class SourcesCellForm(BaseVersionMixin):
    value = forms.CharField(
        label="Sources",
        help_text=(
            "Une source par ligne : « libellé | https://… » "
            "(Légifrance ou site en .gouv.fr de préférence)."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=6000,
    )


class ScoreCellForm(BaseVersionMixin):
    points = forms.IntegerField(
        label="Points",
        min_value=sheet.MIN_POINTS,
        max_value=sheet.MAX_POINTS,
        help_text="De -3 (déconseillé) à 3 (très adapté) ; 0 sans raison retire la ligne.",
    )
    reason = forms.CharField(
        label="Raison montrée à l'équipe projet",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def cell_form_class(cell: sheet.Cell) -> type[forms.Form]:
    return {"text": TextCellForm, "sources": SourcesCellForm, "score": ScoreCellForm}[cell.kind]


def cell_initial(cell: sheet.Cell, base: int) -> dict:
    if cell.kind == "score":
        return {"base": base, **cell.value}
    return {"base": base, "value": sheet.cell_text(cell)}


class RestoreForm(BaseVersionMixin):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)


class QuestionnaireForm(forms.Form):
    """One radio group per question of `content`; unknown or missing choices are field errors."""

    project = forms.CharField(
        label="Nom du projet (pour le retrouver)", max_length=120, required=False
    )

    def __init__(self, *args, content: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = content["questions"]
        for question in self.questions:
            self.fields[question["key"]] = forms.ChoiceField(
                label=question["label"],
                choices=[(c["key"], c["label"]) for c in question["choices"]],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Répondez à cette question.",
                    "invalid_choice": "Choix inconnu : choisissez une des réponses proposées.",
                },
            )

    def answers(self) -> dict[str, str]:
        return {q["key"]: self.cleaned_data[q["key"]] for q in self.questions}

    def question_fields(self):
        return [self[q["key"]] for q in self.questions]
