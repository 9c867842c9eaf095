"""The application's workflow: each transition, each refused one, the history, the e-mails."""

from datetime import date, timedelta

import pytest

from maillage.audit.models import AuditEvent
from maillage.labelling import services
from maillage.labelling.errors import LabelError
from maillage.labelling.models import Answer, Application, ApplicationStep, Award
from tests.labelling.conftest import NOW, answer_all, judge_all, submitted
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db
Status = Application.Status
Step = ApplicationStep.Kind


def steps(place) -> list[str]:
    return list(ApplicationStep.objects.filter(place=place).values_list("kind", flat=True))


def test_open_creates_a_draft_with_one_empty_answer_per_criterion(scheme, place, manager):
    application = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)

    assert application.status == Status.DRAFT
    assert application.kind == Application.Kind.FIRST
    assert application.answers.count() == 12
    assert set(application.answers.values_list("self_assessment", flat=True)) == {""}
    assert steps(place) == [Step.CREATED]
    assert AuditEvent.objects.filter(action="label.application_open").count() == 1


def test_applying_twice_is_refused_in_french_and_saves_nothing(scheme, place, manager):
    services.application_open(user=manager, scheme=scheme, place=place, now=NOW)

    with pytest.raises(LabelError) as refusal:
        services.application_open(user=manager, scheme=scheme, place=place, now=NOW)

    assert refusal.value.message == (
        "Ce lieu a déjà une candidature en cours pour ce label : complétez-la plutôt."
    )
    assert refusal.value.status == 409
    assert Application.objects.filter(place=place).count() == 1
    assert steps(place) == [Step.CREATED]


def test_applying_while_the_scheme_is_closed_is_refused(scheme, place, manager):
    scheme.accepting = False
    scheme.save(update_fields=["accepting"])

    with pytest.raises(LabelError, match="fermées"):
        services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    assert Application.objects.count() == 0


def test_submitting_with_unanswered_criteria_names_them_and_changes_nothing(scheme, place, manager):
    application = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    criteria = list(scheme.criteria.order_by("group", "position"))
    for criterion in criteria[:-1]:
        services.answer_save(
            user=manager,
            application=application,
            criterion_id=criterion.pk,
            self_assessment=Answer.SelfAssessment.PARTLY,
            comment="",
            links=[],
        )

    with pytest.raises(LabelError) as refusal:
        services.application_submit(user=manager, application=application, now=NOW)

    assert refusal.value.message == (
        "Répondez à chaque critère avant de déposer la candidature : " + criteria[-1].title
    )
    assert refusal.value.missing == [criteria[-1].pk]
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.submitted_at is None
    assert application.answers.exclude(platform_value=None).count() == 0
    assert steps(place) == [Step.CREATED]


def test_grant_with_every_mandatory_criterion_met(application, coordinator, manager, place):
    judge_all(application, coordinator)
    deliver()  # the outbox is empty before the decision

    award = services.application_grant(user=coordinator, application=application, now=NOW)

    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert application.decided_by == coordinator
    assert application.override_reason == ""
    assert (award.starts_on, award.expires_on) == (date(2026, 11, 30), date(2029, 11, 30))
    assert steps(place) == [Step.CREATED, Step.SUBMITTED, Step.GRANTED]
    sent = deliver()
    assert [m.to for m in sent] == [[manager.email]]
    assert sent[0].subject == (
        "Label régional des tiers-lieux — Label accordé — La Fabrique du Port"
    )
    assert "Label valable du 30/11/2026 au 30/11/2029 (exclu)." in sent[0].body


def test_grant_without_every_mandatory_criterion_is_refused_with_the_list(
    application, coordinator, place
):
    judge_all(application, coordinator)
    internet = application.answers.get(criterion__title__startswith="Accès internet")
    services.answer_audit(
        user=coordinator,
        application=application,
        criterion_id=internet.criterion_id,
        verdict=Answer.Verdict.NOT_MET,
        audit_comment="Débit mesuré : 30 Mbit/s.",
    )
    optional = application.answers.filter(criterion__mandatory=False).first()
    services.answer_audit(
        user=coordinator,
        application=application,
        criterion_id=optional.criterion_id,
        verdict=Answer.Verdict.NOT_MET,
        audit_comment="",
    )

    with pytest.raises(LabelError) as refusal:
        services.application_grant(user=coordinator, application=application, now=NOW)

    assert refusal.value.message == (
        "Critères obligatoires non jugés conformes : Accès internet très haut débit "
        "(≥ 100 Mbit/s). Jugez-les conformes ou indiquez le motif d'une dérogation."
    )
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert Award.objects.count() == 0
    assert steps(place) == [Step.CREATED, Step.SUBMITTED]


def test_grant_by_override_keeps_the_reason_in_the_application_and_the_history(
    application, coordinator, place
):
    # No verdict at all: every mandatory criterion is unmet.
    award = services.application_grant(
        user=coordinator,
        application=application,
        override_reason="Fibre raccordée le mois prochain (devis signé).",
        now=NOW,
    )

    application.refresh_from_db()
    assert application.override_reason == "Fibre raccordée le mois prochain (devis signé)."
    step = ApplicationStep.objects.get(kind=Step.OVERRIDE)
    assert step.award == award
    assert step.message == (
        "Label valable du 30/11/2026 au 30/11/2029 (exclu).\n"
        "Dérogation : Fibre raccordée le mois prochain (devis signé)."
    )
    assert len(step.data["unmet_criteria"]) == 6
    event = AuditEvent.objects.get(action="label.grant")
    assert event.data == {"application_id": application.pk, "override": True}


def test_an_override_reason_is_not_kept_when_every_mandatory_criterion_is_met(
    application, coordinator
):
    judge_all(application, coordinator)
    services.application_grant(
        user=coordinator, application=application, override_reason="Inutile", now=NOW
    )
    application.refresh_from_db()
    assert application.override_reason == ""
    assert ApplicationStep.objects.filter(kind=Step.OVERRIDE).count() == 0


def test_refuse_needs_reasons_then_records_them(application, coordinator, place):
    with pytest.raises(LabelError, match="Indiquez les motifs du refus"):
        services.application_refuse(user=coordinator, application=application, reason="  ")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED

    services.application_refuse(
        user=coordinator, application=application, reason="Lieu fermé 2 jours sur 5.", now=NOW
    )
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == (
        Status.REFUSED,
        "Lieu fermé 2 jours sur 5.",
    )
    assert steps(place)[-1] == Step.REFUSED


def test_changes_requested_then_the_team_edits_and_resubmits(
    application, coordinator, manager, place
):
    deliver()
    services.application_request_changes(
        user=coordinator,
        application=application,
        message="Joignez la capture du test de débit.",
        now=NOW,
    )
    application.refresh_from_db()
    assert application.status == Status.CHANGES_REQUESTED
    sent = deliver()
    assert [m.to for m in sent] == [[manager.email]]
    assert "Joignez la capture du test de débit." in sent[0].body

    criterion = application.answers.first().criterion
    services.answer_save(
        user=manager,
        application=application,
        criterion_id=criterion.pk,
        self_assessment=Answer.SelfAssessment.MET,
        comment="Capture jointe.",
        links=["https://www.example.fr/debit"],
    )
    later = NOW + timedelta(days=3)
    services.application_submit(user=manager, application=application, now=later)
    application.refresh_from_db()
    assert (application.status, application.submitted_at) == (Status.SUBMITTED, later)
    assert steps(place) == [
        Step.CREATED,
        Step.SUBMITTED,
        Step.CHANGES_REQUESTED,
        Step.SUBMITTED,
    ]


def test_visit_date_is_a_paris_day_not_in_the_past_and_e_mailed(application, coordinator, manager):
    with pytest.raises(LabelError, match="passée"):
        services.application_set_visit(
            user=coordinator, application=application, day=date(2026, 11, 29), now=NOW
        )
    deliver()
    services.application_set_visit(
        user=coordinator,
        application=application,
        day=date(2026, 12, 15),
        message="À 10 h avec la gérante.",
        now=NOW,
    )
    application.refresh_from_db()
    assert application.visit_on == date(2026, 12, 15)
    step = ApplicationStep.objects.get(kind=Step.VISIT)
    assert step.message == "Visite prévue le 15/12/2026.\nÀ 10 h avec la gérante."
    assert [m.to for m in deliver()] == [[manager.email]]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (
            lambda a, u: services.answer_save(
                user=u,
                application=a,
                criterion_id=a.answers.first().criterion_id,
                self_assessment="atteint",
                comment="",
                links=[],
            ),
            "Cette candidature ne peut plus être modifiée (la candidature est « Label accordé »).",
        ),
        (
            lambda a, u: services.application_submit(user=u, application=a),
            "Cette candidature ne peut pas être déposée (la candidature est « Label accordé »).",
        ),
        (
            lambda a, u: services.application_grant(user=u, application=a, override_reason="x"),
            "Seule une candidature déposée peut être accordée "
            "(la candidature est « Label accordé »).",
        ),
        (
            lambda a, u: services.application_refuse(user=u, application=a, reason="x"),
            "Seule une candidature déposée peut être refusée "
            "(la candidature est « Label accordé »).",
        ),
        (
            lambda a, u: services.application_request_changes(user=u, application=a, message="x"),
            "Seule une candidature déposée peut être renvoyée "
            "(la candidature est « Label accordé »).",
        ),
        (
            lambda a, u: services.application_withdraw(user=u, application=a),
            "Cette candidature est déjà close (la candidature est « Label accordé »).",
        ),
        (
            lambda a, u: services.answer_audit(
                user=u,
                application=a,
                criterion_id=a.answers.first().criterion_id,
                verdict="conforme",
                audit_comment="",
            ),
            "Seule une candidature déposée s'évalue (la candidature est « Label accordé »).",
        ),
    ],
)
def test_every_transition_from_a_decided_application_is_refused(
    application, coordinator, place, call, expected
):
    judge_all(application, coordinator)
    services.application_grant(user=coordinator, application=application, now=NOW)
    before = steps(place)

    with pytest.raises(LabelError) as refusal:
        call(application, coordinator)

    assert refusal.value.message == expected
    assert refusal.value.status == 409
    assert steps(place) == before
    assert Award.objects.count() == 1


def test_a_draft_cannot_be_granted_audited_or_sent_back(scheme, place, manager, coordinator):
    application = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    answer_all(application, manager)
    for call in (
        lambda: services.application_grant(
            user=coordinator, application=application, override_reason="x"
        ),
        lambda: services.application_refuse(user=coordinator, application=application, reason="x"),
        lambda: services.application_request_changes(
            user=coordinator, application=application, message="x"
        ),
    ):
        with pytest.raises(LabelError, match="la candidature est « Brouillon »"):
            call()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_withdrawn_application_frees_the_place_for_a_new_one(scheme, place, manager):
    first = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    services.application_withdraw(user=manager, application=first, now=NOW)
    second = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)

    assert second.kind == Application.Kind.FIRST
    assert steps(place) == [Step.CREATED, Step.WITHDRAWN, Step.CREATED]


def test_a_place_that_held_the_label_applies_for_a_renewal(
    application, coordinator, scheme, place, manager
):
    services.application_grant(
        user=coordinator, application=application, override_reason="Test", now=NOW
    )
    renewal = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    assert renewal.kind == Application.Kind.RENEWAL


def test_history_steps_are_append_only(application):
    step = ApplicationStep.objects.filter(application=application).first()
    step.message = "réécrit"
    with pytest.raises(ValueError, match="ne peut pas être modifiée"):
        step.save()
    with pytest.raises(ValueError, match="ne peut pas être supprimée"):
        step.delete()


def test_audit_event_data_holds_ids_only(application, coordinator):
    judge_all(application, coordinator)
    event = AuditEvent.objects.filter(action="label.answer_audit").first()
    assert set(event.data) == {"criterion_id", "verdict"}


def test_second_application_of_another_place_is_independent(
    scheme, place, manager, other_place, other_manager
):
    submitted(scheme, place, manager)
    other = submitted(scheme, other_place, other_manager)
    assert other.status == Status.SUBMITTED
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 2
