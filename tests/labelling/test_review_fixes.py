"""Regressions of the issue 15 review: each test failed before its fix."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.audit.models import AuditEvent
from maillage.core import documents
from maillage.labelling import services
from maillage.labelling.badges import labelled_place_ids, labels_version
from maillage.labelling.errors import LabelError
from maillage.labelling.models import (
    Answer,
    Application,
    ApplicationStep,
    Award,
    AwardSuspension,
    Evidence,
    ReminderSent,
)
from maillage.labelling.reminders import label_reminders_send
from tests.factories import UserFactory
from tests.labelling.conftest import NOW, PDF_BYTES, answer_all, judge_all

pytestmark = pytest.mark.django_db


def test_a_criterion_added_while_an_application_is_open_can_be_answered_then_submitted(
    client, scheme, place, manager, coordinator
):
    draft = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    answer_all(draft, manager)
    new = services.criterion_create(
        user=coordinator,
        scheme=scheme,
        data=services.CriterionInput(group="services", title="Casiers sécurisés", mandatory=True),
    )
    assert draft.answers.filter(criterion=new).count() == 1
    client.force_login(manager)
    page = client.get(f"/label/candidature/{draft.public_id}/").content.decode()
    assert "Casiers sécurisés" in page
    assert f"/critere/{new.pk}/" in page
    with pytest.raises(LabelError) as refused:
        services.application_submit(user=manager, application=draft, now=NOW)
    assert refused.value.missing == [new.pk]
    services.answer_save(
        user=manager,
        application=draft,
        criterion_id=new.pk,
        self_assessment=Answer.SelfAssessment.MET,
        comment="Douze casiers.",
        links=[],
    )
    services.application_submit(user=manager, application=draft, now=NOW)
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED


def test_a_team_edit_after_changes_requested_clears_the_verdict_so_grant_needs_a_new_one(
    application, coordinator, manager
):
    judge_all(application, coordinator)  # every criterion « conforme »
    services.application_request_changes(
        user=coordinator, application=application, message="Précisez."
    )
    mandatory = application.scheme.criteria.filter(mandatory=True).order_by("pk").first()
    untouched = application.scheme.criteria.filter(mandatory=False).order_by("pk").first()
    services.answer_save(
        user=manager,
        application=application,
        criterion_id=mandatory.pk,
        self_assessment=Answer.SelfAssessment.NOT_MET,
        comment="En fait non.",
        links=[],
    )
    # Saving an answer unchanged keeps its verdict.
    kept = application.answers.get(criterion=untouched)
    services.answer_save(
        user=manager,
        application=application,
        criterion_id=untouched.pk,
        self_assessment=kept.self_assessment,
        comment=kept.comment,
        links=kept.links,
    )
    services.application_submit(user=manager, application=application)
    assert application.answers.get(criterion=mandatory).verdict == ""
    assert application.answers.get(criterion=untouched).verdict == "conforme"
    assert AuditEvent.objects.filter(action="label.verdict_reset").count() == 1
    with pytest.raises(LabelError) as refused:
        services.application_grant(user=coordinator, application=application)
    assert refused.value.code == "obligatoires"
    assert mandatory.title in refused.value.message
    assert not Award.objects.exists()


def test_removing_a_file_clears_the_verdict(application, coordinator, manager):
    criterion = application.answers.order_by("pk").first().criterion
    services.application_request_changes(
        user=coordinator, application=application, message="Ajoutez le bail."
    )
    services.answer_save(
        user=manager,
        application=application,
        criterion_id=criterion.pk,
        self_assessment="atteint",
        comment="Vérifié sur place.",
        links=[],
        upload=SimpleUploadedFile("bail.pdf", PDF_BYTES),
    )
    services.application_submit(user=manager, application=application)
    judge_all(application, coordinator)
    services.application_request_changes(
        user=coordinator, application=application, message="Encore un point."
    )
    services.evidence_remove(user=manager, evidence=Evidence.objects.get())
    assert application.answers.get(criterion=criterion).verdict == ""
    assert application.answers.exclude(criterion=criterion).filter(verdict="").count() == 0


def _renewed(application, coordinator, manager, scheme, place):
    """The first award granted at NOW, then a renewal granted two years later (chained)."""
    judge_all(application, coordinator)
    first = services.application_grant(user=coordinator, application=application, now=NOW)
    later = NOW + timedelta(days=365 * 2)
    renewal = services.application_open(user=manager, scheme=scheme, place=place, now=later)
    answer_all(renewal, manager)
    services.application_submit(user=manager, application=renewal, now=later)
    judge_all(renewal, coordinator)
    second = services.application_grant(user=coordinator, application=renewal, now=later)
    assert second.starts_on == first.expires_on == date(2029, 11, 30)
    return first, second, later


def test_revoking_the_running_award_revokes_the_renewal_already_granted(
    application, coordinator, manager, scheme, place
):
    first, second, later = _renewed(application, coordinator, manager, scheme, place)
    revoked_at = later + timedelta(days=30)  # 30 December 2028
    services.award_revoke(
        user=coordinator, award=first, reason="Manquements graves.", now=revoked_at
    )
    second.refresh_from_db()
    assert second.revoked_at == revoked_at
    assert labelled_place_ids(date(2029, 11, 29)) == set()
    assert labelled_place_ids(date(2029, 11, 30)) == set()
    assert labelled_place_ids(date(2030, 6, 1)) == set()
    steps = ApplicationStep.objects.filter(kind=ApplicationStep.Kind.REVOKED).order_by("award_id")
    assert [s.award_id for s in steps] == [first.pk, second.pk]
    assert steps[1].message == "Retiré avec le label en cours : Manquements graves."


def test_suspending_the_running_award_suspends_the_renewal_and_reinstating_brings_both_back(
    application, coordinator, manager, scheme, place
):
    first, second, later = _renewed(application, coordinator, manager, scheme, place)
    services.award_suspend(
        user=coordinator, award=first, reason="Travaux.", now=later + timedelta(days=1)
    )
    second.refresh_from_db()
    assert second.suspended_at is not None
    assert labelled_place_ids(date(2029, 12, 15)) == set()
    with pytest.raises(LabelError) as refused:
        services.award_suspend(user=coordinator, award=second, reason="Encore.", now=later)
    assert refused.value.status == 409
    services.award_reinstate(user=coordinator, award=first, now=later + timedelta(days=40))
    second.refresh_from_db()
    assert (second.suspended_at, second.suspension_reason) == (None, "")
    assert labelled_place_ids(date(2029, 12, 15)) == {place.pk}
    kinds = list(ApplicationStep.objects.filter(award=second).values_list("kind", flat=True))
    assert kinds == ["accordee", "suspendu", "retabli"]


def test_a_revocation_leaves_the_past_days_labelled(application, coordinator, place):
    judge_all(application, coordinator)
    services.application_grant(user=coordinator, application=application, now=NOW)
    award = Award.objects.get()
    # Revoked on 4 January 2028 at 23:30 in Paris (22:30 UTC).
    services.award_revoke(
        user=coordinator,
        award=award,
        reason="Fermeture.",
        now=datetime(2028, 1, 4, 22, 30, tzinfo=UTC),
    )
    assert labelled_place_ids(date(2026, 12, 5)) == {place.pk}
    assert labelled_place_ids(date(2028, 1, 3)) == {place.pk}
    assert labelled_place_ids(date(2028, 1, 4)) == set()
    assert labelled_place_ids(date(2028, 1, 5)) == set()


def test_a_suspension_period_is_kept_as_history(application, coordinator, place):
    judge_all(application, coordinator)
    award = services.application_grant(user=coordinator, application=application, now=NOW)
    version_before = labels_version(date(2027, 3, 1))
    # Suspended on 10 March 2027 (Paris), reinstated on 20 March 2027.
    services.award_suspend(
        user=coordinator, award=award, reason="Travaux.", now=datetime(2027, 3, 10, 8, tzinfo=UTC)
    )
    assert labels_version(date(2027, 3, 1)) == version_before
    services.award_reinstate(
        user=coordinator, award=award, now=datetime(2027, 3, 20, 8, tzinfo=UTC)
    )
    assert labelled_place_ids(date(2027, 3, 9)) == {place.pk}
    assert labelled_place_ids(date(2027, 3, 10)) == set()
    assert labelled_place_ids(date(2027, 3, 19)) == set()
    assert labelled_place_ids(date(2027, 3, 20)) == {place.pk}
    assert labels_version(date(2027, 3, 1)) == version_before
    period = AwardSuspension.objects.get()
    assert (period.award_id, period.origin_id, period.reason) == (award.pk, award.pk, "Travaux.")


@pytest.mark.parametrize("starts_on", [date(2001, 1, 1), date(2026, 10, 29), date(2027, 12, 1)])
def test_grant_start_out_of_bounds_is_refused_and_nothing_saved(
    application, coordinator, starts_on
):
    judge_all(application, coordinator)
    with pytest.raises(LabelError) as refused:
        services.application_grant(
            user=coordinator, application=application, starts_on=starts_on, now=NOW
        )
    assert refused.value.field == "starts_on"
    assert refused.value.message == (
        "Le début du label doit être entre le 30/10/2026 et le 30/11/2027."
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Award.objects.exists()


def test_grant_start_at_the_bounds_is_accepted(application, coordinator):
    judge_all(application, coordinator)
    award = services.application_grant(
        user=coordinator, application=application, starts_on=date(2026, 10, 30), now=NOW
    )
    assert (award.starts_on, award.expires_on) == (date(2026, 10, 30), date(2029, 10, 30))


def test_grant_page_refuses_a_far_start_in_french(client, application, coordinator):
    judge_all(application, coordinator)
    client.force_login(coordinator)
    response = client.post(
        f"/label/candidatures/{application.public_id}/accorder/", {"starts_on": "9999-12-01"}
    )
    assert response.status_code == 400
    assert "Le début du label doit être entre le" in response.content.decode()
    assert not Award.objects.exists()


def test_the_history_names_people_without_their_e_mail(client, application, manager):
    nameless = UserFactory(
        coordinator=True, display_name="", email="coordinatrice.perso@exemple.fr"
    )
    services.application_comment(user=nameless, application=application, message="Bien reçu.")
    client.force_login(manager)
    page = client.get(f"/label/candidature/{application.public_id}/").content.decode()
    assert "coordinatrice.perso@exemple.fr" not in page
    assert "par la coordination<br>Bien reçu." in page
    assert f"par {manager.display_name}" in page  # the team's own steps: its display name


def test_no_renewal_reminder_once_the_renewal_is_granted(
    application, coordinator, manager, scheme, place
):
    _first, second, later = _renewed(application, coordinator, manager, scheme, place)
    # 30 days before the first award's expiry (30 November 2029), 9:00 in Paris.
    assert label_reminders_send(now=datetime(2029, 10, 31, 8, tzinfo=UTC)) == 0
    assert not ReminderSent.objects.exists()
    # A renewal revoked (alone, as an older revocation left it) is no renewal: reminded.
    Award.objects.filter(pk=second.pk).update(revoked_at=later + timedelta(days=3))
    assert label_reminders_send(now=datetime(2029, 10, 31, 8, tzinfo=UTC)) == 1
    assert ApplicationStep.objects.get(kind="relance").message == (
        "Label valable jusqu'au 29/11/2029 inclus (J-30)."
    )


def test_submit_reads_answers_without_joining_the_shared_criteria(scheme, place, manager):
    draft = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    answer_all(draft, manager)
    with CaptureQueriesContext(connection) as queries:
        services.application_submit(user=manager, application=draft, now=NOW)
    answer_reads = [q["sql"] for q in queries if 'FROM "labelling_answer"' in q["sql"]]
    assert len(answer_reads) == 1
    assert "labelling_criterion" not in answer_reads[0]
    assert "FOR UPDATE" not in answer_reads[0]


@pytest.mark.parametrize(
    ("original", "offered"),
    [
        ("«».pdf", "document.pdf"),
        ("🏠🏠.pdf", "document.pdf"),
        ("bail «2026».pdf", "bail_2026.pdf"),
    ],
)
def test_an_odd_file_name_falls_back_to_document(original, offered):
    assert documents.download_name(original, "pdf") == offered


def test_an_odd_file_name_keeps_the_answer_and_the_file(client, scheme, place, manager):
    draft = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    criterion = draft.answers.order_by("pk").first().criterion
    client.force_login(manager)
    response = client.post(
        f"/label/candidature/{draft.public_id}/critere/{criterion.pk}/",
        {
            "self_assessment": "atteint",
            "comment": "Voir le bail.",
            "links": "",
            "file": SimpleUploadedFile("«».pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    answer = draft.answers.get(criterion=criterion)
    assert (answer.self_assessment, answer.comment) == ("atteint", "Voir le bail.")
    assert list(answer.files.values_list("name", flat=True)) == ["document.pdf"]


def test_renaming_a_criterion_to_a_taken_title_is_a_french_field_error(
    scheme, coordinator, monkeypatch
):
    first, second = scheme.criteria.order_by("pk")[:2]
    data = services.CriterionInput(group=second.group, title=first.title)
    with pytest.raises(LabelError) as refused:
        services.criterion_update(user=coordinator, criterion=second, data=data)
    assert (refused.value.field, refused.value.message) == ("title", services.TITLE_TAKEN)
    # A writer that passed the check before the other committed (PostgreSQL, no lock) meets
    # the unique constraint: the same French refusal, nothing saved.
    monkeypatch.setattr(services, "_title_taken", lambda *args, **kwargs: False)
    with pytest.raises(LabelError) as refused:
        services.criterion_update(user=coordinator, criterion=second, data=data)
    assert (refused.value.field, refused.value.message) == ("title", services.TITLE_TAKEN)
    second.refresh_from_db()
    assert second.title != first.title
