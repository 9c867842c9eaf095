"""Reads of the governance sheet: the current version (public), the history (public too: who
changed the published sheet is part of its credibility) and one's own questionnaires."""

from django.db.models import QuerySet
from django.http import Http404

from maillage.accounts.services import ERASED_EMAIL_DOMAIN
from maillage.governance.models import SavedQuestionnaire, SheetVersion


def sheet_current() -> SheetVersion:
    """The latest version; the data migration guarantees there is one."""
    version = SheetVersion.objects.select_related("author").order_by("-number").first()
    if version is None:
        raise Http404("La fiche de gouvernance n'est pas encore publiée.")
    return version


def sheet_versions() -> QuerySet[SheetVersion]:
    return SheetVersion.objects.select_related("author").order_by("-number")


def sheet_version_get(number: int) -> SheetVersion:
    version = SheetVersion.objects.select_related("author").filter(number=number).first()
    if version is None:
        raise Http404("Version introuvable.")
    return version


def author_label(version: SheetVersion) -> str:
    """Who made a version, as the public pages say it: the author's display name, else « la
    coordination » (only coordinators edit); never an e-mail address, which is personal."""
    if version.author is None:
        return "la plateforme" if version.number == 1 else "compte supprimé"
    if version.author.email.endswith("@" + ERASED_EMAIL_DOMAIN):
        return "compte supprimé"
    return version.author.display_name.strip() or "la coordination"


def questionnaires_for(user) -> QuerySet[SavedQuestionnaire]:
    if not user.is_authenticated:
        return SavedQuestionnaire.objects.none()
    return SavedQuestionnaire.objects.filter(owner=user).select_related("version")


def questionnaire_for_owner(user, pk: int) -> SavedQuestionnaire:
    """Someone else's questionnaire, or an unknown one: the same 404."""
    saved = questionnaires_for(user).filter(pk=pk).first()
    if saved is None:
        raise Http404("Questionnaire introuvable.")
    return saved
