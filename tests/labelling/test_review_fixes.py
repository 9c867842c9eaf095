"""Regressions of the issue 15 review: each test failed before its fix."""


import pytest

from maillage.labelling import services
from maillage.labelling.errors import LabelError
from maillage.labelling.models import Answer, Application
from tests.labelling.conftest import NOW, answer_all

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
