"""Regressions of the issue 15 review: each test failed before its fix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.audit.models import AuditEvent
from maillage.labelling import services
from maillage.labelling.errors import LabelError
from maillage.labelling.models import Answer, Application, Award, Evidence
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
