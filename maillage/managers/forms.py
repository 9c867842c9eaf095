"""Forms of the managers' space: bounds and French messages; the services check again."""

from django import forms

from maillage.managers.documents import ACCEPTED
from maillage.managers.models import (
    BODY_MAX,
    COMMENT_MAX,
    LINK_MAX,
    TITLE_MAX,
    Category,
    EmailMode,
)

CATEGORY_CHOICES = [("", "Toutes les catégories"), *Category.choices]


class PostForm(forms.Form):
    title = forms.CharField(
        label="Titre",
        max_length=TITLE_MAX,
        error_messages={
            "required": "Donnez un titre au message.",
            "max_length": f"Titre trop long : {TITLE_MAX} caractères au plus.",
        },
    )
    category = forms.ChoiceField(
        label="Catégorie",
        choices=[("", "Choisir…"), *Category.choices],
        error_messages={
            "required": "Choisissez une catégorie.",
            "invalid_choice": "Choisissez une catégorie de la liste.",
        },
    )
    body = forms.CharField(
        label="Texte",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Texte simple ; une ligne vide sépare deux paragraphes.",
        error_messages={
            "required": "Écrivez le texte du message.",
            "max_length": f"Texte trop long : {BODY_MAX:,} caractères au plus.".replace(",", " "),
        },
    )
    link = forms.URLField(
        label="Lien",
        required=False,
        max_length=LINK_MAX,
        assume_scheme="https",
        help_text="Facultatif : une adresse web à consulter.",
        error_messages={
            "invalid": "Lien invalide : une adresse en http:// ou https://.",
            "max_length": f"Lien trop long : {LINK_MAX} caractères au plus.",
        },
    )
    document = forms.FileField(
        label="Document joint",
        required=False,
        help_text=f"Facultatif : {ACCEPTED}, 10 Mo au plus.",
        error_messages={
            "invalid": "Ce fichier n'a pas pu être lu.",
            "empty": "Le fichier est vide.",
        },
    )

    def __init__(self, *args, editing: bool = False, has_document: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing and has_document:
            self.fields["remove_document"] = forms.BooleanField(
                label="Retirer le document joint", required=False
            )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Écrivez votre réponse.",
            "max_length": f"Réponse trop longue : {COMMENT_MAX:,} caractères au plus.".replace(
                ",", " "
            ),
        },
    )


class FeedFilterForm(forms.Form):
    categorie = forms.ChoiceField(label="Catégorie", choices=CATEGORY_CHOICES, required=False)


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label="E-mails de l'espace des gestionnaires",
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une des propositions.",
            "invalid_choice": "Choisissez une des propositions.",
        },
    )


def add_service_error(form: forms.Form, error) -> None:
    """A service's ValidationError back on the form's fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
