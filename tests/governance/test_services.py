"""Versions of the sheet: an edit, the history, a restore, a conflict between two coordinators
(in turn and truly at once), the coordinator rule, and kept questionnaires."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from maillage.accounts.services import account_erase
from maillage.audit.models import AuditEvent
from maillage.governance import sheet
from maillage.governance.errors import GovernanceError
from maillage.governance.models import SavedQuestionnaire, SheetVersion
from maillage.governance.selectors import author_label
from maillage.governance.services import (
    cell_value_clean,
    questionnaire_save,
    questionnaires_erase,
    sheet_cell_update,
    sheet_restore,
    sheet_seed,
    sources_parse,
)
from tests.concurrency import race
from tests.governance.conftest import TO_OPERATOR

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
TIMELINE = "modele.regie.timeline"


def test_cell_update_adds_a_version_and_keeps_the_previous_one(coordinator, sheet_v1):
    version = sheet_cell_update(
        actor=coordinator, base_number=1, address=TIMELINE, value="Une délibération.", now=NOW
    )
    assert (version.number, version.author, version.created_at) == (2, coordinator, NOW)
    assert version.change == "Régie directe — Délai type avant l'ouverture"
    assert version.content["models"][0]["cells"]["timeline"] == "Une délibération."
    sheet_v1.refresh_from_db()
    assert sheet_v1.content["models"][0]["cells"]["timeline"].startswith("Le plus court")
    event = AuditEvent.objects.get(action="governance.update")
    assert (event.actor, event.object_id, event.data) == (
        coordinator,
        str(version.pk),
        {"version": 2, "base": 1, "restored_from": None},
    )
    assert [c.address for c in sheet.sheet_diff(sheet_v1.content, version.content)] == [TIMELINE]


def test_second_coordinator_on_the_same_version_gets_a_conflict(coordinator, other_coordinator):
    sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value="Premier.", now=NOW)
    with pytest.raises(GovernanceError) as refused:
        sheet_cell_update(actor=other_coordinator, base_number=1, address=TIMELINE, value="Second.")
    assert refused.value.status == 409
    assert refused.value.message == (
        "La fiche a changé pendant votre modification : version 2 enregistrée le 07/12/2026 à "
        f"10:30 par {coordinator.email} (Régie directe — Délai type avant l'ouverture). Votre "
        "texte est conservé ci-dessous : relisez la version actuelle, puis enregistrez à nouveau."
    )
    assert list(SheetVersion.objects.values_list("number", flat=True)) == [2, 1]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_keep_one_and_refuse_the_other(coordinator, other_coordinator):
    sheet_seed()

    def edit(actor, text):
        def call():
            try:
                return sheet_cell_update(actor=actor, base_number=1, address=TIMELINE, value=text)
            except GovernanceError as error:
                return error.status

        return call

    for _round in range(3):
        SheetVersion.objects.filter(number__gt=1).delete()
        outcomes = race([edit(coordinator, "Texte A."), edit(other_coordinator, "Texte B.")])
        results = sorted(str(value) for _ok, value in outcomes)
        assert results == ["409", "Version 2"]
        assert SheetVersion.objects.count() == 2


def test_restore_brings_back_an_old_content_as_a_new_version(coordinator, sheet_v1):
    sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value="Deux.", now=NOW)
    restored = sheet_restore(actor=coordinator, base_number=2, restore_number=1, now=NOW)
    assert (restored.number, restored.restored_from, restored.change) == (
        3,
        1,
        "Retour à la version 1",
    )
    assert restored.content == sheet_v1.content
    assert AuditEvent.objects.filter(action="governance.restore").count() == 1
    with pytest.raises(GovernanceError) as stale:
        sheet_restore(actor=coordinator, base_number=2, restore_number=1)
    assert stale.value.status == 409
    with pytest.raises(GovernanceError) as unknown:
        sheet_restore(actor=coordinator, base_number=3, restore_number=99)
    assert unknown.value.status == 404


def test_only_coordinators_write_the_sheet(member):
    with pytest.raises(PermissionDenied):
        sheet_cell_update(actor=member, base_number=1, address=TIMELINE, value="Non.")
    with pytest.raises(PermissionDenied):
        sheet_restore(actor=member, base_number=1, restore_number=1)
    assert SheetVersion.objects.count() == 1


def test_unchanged_or_unknown_cell_is_refused(coordinator, sheet_v1):
    current = sheet_v1.content["models"][0]["cells"]["timeline"]
    with pytest.raises(GovernanceError) as same:
        sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value=current)
    assert same.value.message == "Rien n'a changé : la fiche reste à cette version."
    with pytest.raises(GovernanceError) as unknown:
        sheet_cell_update(actor=coordinator, base_number=1, address="modele.regie.x", value="a")
    assert unknown.value.status == 404
    assert SheetVersion.objects.count() == 1


def test_a_version_is_never_rewritten(sheet_v1):
    sheet_v1.change = "autre"
    with pytest.raises(ValueError, match="ne peut pas être modifiée"):
        sheet_v1.save()


def test_cell_values_are_cleaned_with_french_messages(sheet_v1):
    sources = sheet.cell_get(sheet_v1.content, "modele.regie.sources")
    assert sources_parse("CGCT art. L1 | https://www.legifrance.gouv.fr/x\n\n") == [
        {"label": "CGCT art. L1", "url": "https://www.legifrance.gouv.fr/x"}
    ]
    for text, message in [
        ("", "Indiquez au moins une source."),
        (
            "CGCT | http://www.legifrance.gouv.fr/",
            "Ligne 1 : écrivez « libellé | https://… » (une adresse https complète).",
        ),
        (
            "A | https://a.gouv.fr\nsans adresse",
            "Ligne 2 : écrivez « libellé | https://… » (une adresse https complète).",
        ),
    ]:
        with pytest.raises(GovernanceError) as refused:
            cell_value_clean(sources, text=text)
        assert refused.value.message == message
    score = sheet.cell_get(sheet_v1.content, "bareme.risque.operateur.dsp")
    assert cell_value_clean(score, points=0, reason="") == {"points": 0, "reason": ""}
    with pytest.raises(GovernanceError, match="Donnez la raison"):
        cell_value_clean(score, points=2, reason="  ")
    with pytest.raises(GovernanceError, match="de -3 à 3"):
        cell_value_clean(score, points=4, reason="x")
    text = sheet.cell_get(sheet_v1.content, TIMELINE)
    with pytest.raises(GovernanceError, match="ne peut pas être vide"):
        cell_value_clean(text, text="   ")


def test_score_update_changes_the_ranking_of_the_new_version(coordinator, sheet_v1):
    version = sheet_cell_update(
        actor=coordinator,
        base_number=1,
        address="bareme.risque.operateur.dsp",
        value={"points": 0, "reason": ""},
    )
    assert "dsp" not in version.content["questions"][0]["choices"][2]["scores"]
    ranked = [(r.key, r.score) for r in sheet.ranking(version.content, TO_OPERATOR)][:2]
    assert ranked == [("aot", 11), ("dsp", 10)]


def test_questionnaire_kept_and_erased(member, sheet_v1):
    saved = questionnaire_save(
        owner=member,
        project="  Tiers-lieu de Vimoutiers ",
        answers=TO_OPERATOR,
        version=sheet_v1,
        now=NOW,
    )
    assert (saved.project, saved.answers, saved.version) == (
        "Tiers-lieu de Vimoutiers",
        TO_OPERATOR,
        sheet_v1,
    )
    with pytest.raises(GovernanceError, match="toutes les questions"):
        questionnaire_save(owner=member, project="X", answers={}, version=sheet_v1)
    with pytest.raises(GovernanceError, match="Donnez un nom"):
        questionnaire_save(owner=member, project=" ", answers=TO_OPERATOR, version=sheet_v1)
    assert questionnaires_erase(member) == 1
    assert SavedQuestionnaire.objects.count() == 0


def test_account_erasure_removes_kept_questionnaires_and_hides_the_author(
    member, coordinator, sheet_v1
):
    questionnaire_save(owner=member, project="P", answers=TO_OPERATOR, version=sheet_v1)
    version = sheet_cell_update(actor=coordinator, base_number=1, address=TIMELINE, value="Vite.")
    report = account_erase(user=member, actor=member)
    assert report["questionnaires de gouvernance"] == 1
    assert SavedQuestionnaire.objects.count() == 0
    account_erase(user=coordinator, actor=coordinator)
    version.refresh_from_db()
    assert author_label(version) == "compte supprimé"
    assert author_label(sheet_v1) == "la plateforme"
