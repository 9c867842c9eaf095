"""The label pages end to end: the team's application, evidence files, the coordination's audit,
permissions (someone else's ids give 404), bad input (French messages, nothing saved)."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.labelling import services
from maillage.labelling.models import Answer, Application, ApplicationStep, Award, Evidence
from tests.labelling.conftest import NOW, PDF_BYTES, answer_all, judge_all, submitted

pytestmark = pytest.mark.django_db


def first_criterion(application):
    return application.answers.order_by("criterion__group", "criterion__position").first().criterion


@pytest.fixture
def draft(scheme, place, manager):
    return services.application_open(user=manager, scheme=scheme, place=place, now=NOW)


def answer_url(application, criterion_id) -> str:
    return f"/label/candidature/{application.public_id}/critere/{criterion_id}/"


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the team's pages


def test_apply_page_opens_the_application(client, scheme, place, manager):
    client.force_login(manager)
    response = client.post(f"/label/candidater/{place.public_id}/")

    application = Application.objects.get(place=place)
    assert response.status_code == 302
    assert response["Location"] == f"/label/candidature/{application.public_id}/"


def test_apply_twice_through_the_page_says_so(client, scheme, place, manager, draft):
    client.force_login(manager)
    response = client.post(f"/label/candidater/{place.public_id}/")

    assert response.status_code == 409
    assert "Ce lieu a déjà une candidature en cours pour ce label" in text(response)
    assert Application.objects.filter(place=place).count() == 1


def test_answer_with_a_file_then_download_it(client, manager, draft, evidence_dir):
    criterion = first_criterion(draft)
    client.force_login(manager)
    response = client.post(
        answer_url(draft, criterion.pk),
        {
            "self_assessment": "atteint",
            "comment": "Plan joint.",
            "links": "https://www.example.fr/plan\n",
            "file": SimpleUploadedFile("../../plan des espaces.svg", PDF_BYTES),
        },
    )

    assert response.status_code == 302
    answer = draft.answers.get(criterion=criterion)
    assert (answer.self_assessment, answer.comment, answer.links) == (
        "atteint",
        "Plan joint.",
        ["https://www.example.fr/plan"],
    )
    evidence = answer.files.get()
    assert (evidence.name, evidence.content_type, evidence.size) == (
        "plan_des_espaces.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    download = client.get(f"/label/justificatif/{evidence.public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"] == 'attachment; filename="plan_des_espaces.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_submit_page_lists_missing_answers_and_submits_nothing(client, manager, draft):
    client.force_login(manager)
    response = client.post(f"/label/candidature/{draft.public_id}/deposer/")

    assert response.status_code == 400
    assert "La candidature n'a pas été déposée." in text(response)
    assert text(response).count("Réponse manquante.") == 12
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_team_pages_show_the_application(client, manager, draft, place):
    answer_all(draft, manager)
    client.force_login(manager)
    home = client.get("/label/")
    assert home.status_code == 200
    assert f'href="/label/candidature/{draft.public_id}/"' in text(home)
    page = client.get(f"/label/candidature/{draft.public_id}/")
    assert page.status_code == 200
    assert "Donnée de la plateforme (aujourd'hui) : Du lundi au vendredi : 9 h – 18 h" in (
        text(page)
    )
    assert client.get(f"/label/lieu/{place.public_id}/").status_code == 200


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"self_assessment": "excellent"}, "Sélectionnez un choix valide."),
        ({"comment": "x" * 5001}, "Assurez-vous que cette valeur comporte au plus 5000"),
        ({"links": "javascript:alert(1)"}, "Lien non valide (adresse http ou https attendue)"),
        ({"links": "ftp://exemple.fr/plan"}, "Lien non valide (adresse http ou https attendue)"),
        ({"links": "\n".join(f"https://exemple.fr/{i}" for i in range(6))}, "5 liens au plus."),
        (
            {"file": SimpleUploadedFile("rapport.pdf", b"<html><script>x</script></html>")},
            "Ce type de fichier n&#x27;est pas accepté",
        ),
        ({"file": SimpleUploadedFile("vide.pdf", b"")}, "Le fichier"),
    ],
)
def test_bad_answers_are_refused_in_french_and_nothing_is_saved(
    client, manager, draft, evidence_dir, fields, message
):
    criterion = first_criterion(draft)
    client.force_login(manager)
    data = {"self_assessment": "atteint", "comment": "", "links": ""} | fields

    response = client.post(answer_url(draft, criterion.pk), data)

    assert response.status_code == 400
    assert message in text(response)
    answer = draft.answers.get(criterion=criterion)
    assert (answer.self_assessment, answer.comment, answer.links) == ("", "", [])
    assert Evidence.objects.count() == 0
    assert list(evidence_dir.glob("*")) == []


def test_an_oversized_file_is_refused(client, manager, draft, evidence_dir, monkeypatch):
    from maillage.core import documents

    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 100)
    client.force_login(manager)
    response = client.post(
        answer_url(draft, first_criterion(draft).pk),
        {"self_assessment": "atteint", "file": SimpleUploadedFile("a.pdf", PDF_BYTES * 3)},
    )
    assert response.status_code == 400
    assert "Fichier trop lourd" in text(response)
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("criterion_id", ["999999", "99999999999999999999999", "abc", "-1"])
def test_unknown_criterion_id_is_a_404(client, manager, draft, criterion_id):
    client.force_login(manager)
    response = client.post(answer_url(draft, criterion_id), {"self_assessment": "atteint"})
    assert response.status_code == 404


def test_a_criterion_of_another_scheme_is_refused_by_the_service(draft, manager):
    from maillage.labelling.errors import LabelError

    with pytest.raises(LabelError, match="Critère inconnu pour ce label"):
        services.answer_save(
            user=manager,
            application=draft,
            criterion_id=2**62,
            self_assessment="atteint",
            comment="",
            links=[],
        )


def test_extra_fields_are_ignored(client, manager, draft):
    client.force_login(manager)
    criterion = first_criterion(draft)
    response = client.post(
        answer_url(draft, criterion.pk),
        {"self_assessment": "atteint", "status": "accordee", "verdict": "conforme"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert draft.answers.get(criterion=criterion).verdict == ""


# ---------------------------------------------------------------- permissions


def test_another_team_gets_404_on_everything_of_this_application(
    client, manager, other_manager, draft, place
):
    criterion = first_criterion(draft)
    services.answer_save(
        user=manager,
        application=draft,
        criterion_id=criterion.pk,
        self_assessment="atteint",
        comment="",
        links=[],
        upload=SimpleUploadedFile("plan.pdf", PDF_BYTES),
    )
    evidence = Evidence.objects.get()
    client.force_login(other_manager)
    urls = [
        ("get", f"/label/candidature/{draft.public_id}/"),
        ("get", answer_url(draft, criterion.pk)),
        ("post", answer_url(draft, criterion.pk)),
        ("post", f"/label/candidature/{draft.public_id}/deposer/"),
        ("post", f"/label/candidature/{draft.public_id}/retirer/"),
        ("get", f"/label/justificatif/{evidence.public_id}/"),
        ("post", f"/label/justificatif/{evidence.public_id}/supprimer/"),
        ("get", f"/label/lieu/{place.public_id}/"),
        ("post", f"/label/candidater/{place.public_id}/"),
        ("get", f"/label/candidatures/{draft.public_id}/"),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"self_assessment": "non_atteint"})
        assert (url, response.status_code) == (url, 404)
        assert "La Fabrique du Port" not in text(response)
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert Evidence.objects.count() == 1
    assert Application.objects.count() == 1


def test_anonymous_people_are_sent_to_the_login(client, draft):
    response = client.get(f"/label/candidature/{draft.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == (f"/compte/connexion?next=/label/candidature/{draft.public_id}/")


def test_place_teams_cannot_use_the_coordination_pages(client, manager, application):
    client.force_login(manager)
    answer = application.answers.first()
    for method, url in [
        ("get", "/label/criteres/"),
        ("get", "/label/criteres/nouveau/"),
        ("get", "/label/criteres/parametres/"),
        ("get", "/label/candidatures/"),
        ("get", f"/label/candidatures/{application.public_id}/"),
        ("post", f"/label/candidatures/{application.public_id}/avis/{answer.criterion_id}/"),
        ("post", f"/label/candidatures/{application.public_id}/accorder/"),
        ("post", f"/label/candidatures/{application.public_id}/refuser/"),
        ("get", "/label/labels/"),
    ]:
        response = getattr(client, method)(
            url, {"override_reason": "moi", "verdict": "conforme", "c1-verdict": "conforme"}
        )
        assert (url, response.status_code) == (url, 404)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert set(application.answers.values_list("verdict", flat=True)) == {""}


# ---------------------------------------------------------------- the coordination's pages


def test_the_coordination_audits_and_grants_through_the_pages(
    client, coordinator, application, place
):
    client.force_login(coordinator)
    assert client.get("/label/candidatures/").status_code == 200
    base = f"/label/candidatures/{application.public_id}"
    for answer in application.answers.all():
        prefix = f"c{answer.criterion_id}"
        response = client.post(
            f"{base}/avis/{answer.criterion_id}/",
            {f"{prefix}-verdict": "conforme", f"{prefix}-audit_comment": "Vu."},
        )
        assert response.status_code == 302
    response = client.post(f"{base}/accorder/", {"starts_on": "2027-01-31", "reason": ""})

    assert response.status_code == 302
    award = Award.objects.get(place=place)
    assert (award.starts_on, award.expires_on) == (date(2027, 1, 31), date(2030, 1, 31))
    assert set(application.answers.values_list("verdict", "audit_comment")) == {("conforme", "Vu.")}


def test_granting_without_mandatory_criteria_shows_the_refusal_on_the_page(
    client, coordinator, application
):
    client.force_login(coordinator)
    response = client.post(f"/label/candidatures/{application.public_id}/accorder/", {})

    assert response.status_code == 409
    assert "Critères obligatoires non jugés conformes" in text(response)
    assert Award.objects.count() == 0


def test_refusing_without_reasons_is_a_field_error(client, coordinator, application):
    client.force_login(coordinator)
    response = client.post(
        f"/label/candidatures/{application.public_id}/refuser/", {"refuse-reason": ""}
    )
    assert response.status_code == 400
    assert "La candidature n'a pas été refusée." in text(response)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_bad_visit_date_is_refused(client, coordinator, application):
    client.force_login(coordinator)
    response = client.post(
        f"/label/candidatures/{application.public_id}/visite/", {"visit_on": "2026-02-30"}
    )
    assert response.status_code == 400
    assert "Saisissez une date valide." in text(response)
    application.refresh_from_db()
    assert application.visit_on is None


def test_unknown_queue_filter_is_a_400_not_a_500(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/label/candidatures/?statut=nimporte").status_code == 400
    assert client.get("/label/labels/?etat=tous").status_code == 400


def test_awards_csv(client, coordinator, application, scheme, other_place, other_manager):
    judge_all(application, coordinator)
    granted = services.application_grant(user=coordinator, application=application, now=NOW)
    other = services.application_grant(
        user=coordinator,
        application=submitted(scheme, other_place, other_manager),
        override_reason="Test",
        now=NOW,
    )
    services.award_suspend(user=coordinator, award=other, reason="Travaux.", now=NOW)
    client.force_login(coordinator)

    response = client.get("/label/labels/?format=csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Lieu", "Identifiant du lieu", "Début", "Échéance", "État", "Type"],
        [
            "La Fabrique du Port",
            str(granted.place.public_id),
            "2026-11-30",
            "2029-11-30",
            "En vigueur",
            "Première demande",
        ],
        [
            "Fablab de Bayeux",
            str(other_place.public_id),
            "2026-11-30",
            "2029-11-30",
            "Suspendu",
            "Première demande",
        ],
    ]
    suspended = client.get("/label/labels/?etat=suspendus&format=csv")
    assert suspended.content.decode("utf-8-sig").count("\n") == 2


def test_criteria_management(client, coordinator, scheme, application):
    client.force_login(coordinator)
    response = client.post(
        "/label/criteres/nouveau/",
        {
            "group": "animation",
            "title": "Un temps convivial chaque semaine",
            "description": "",
            "evidence_asked": "",
            "platform_figure": "",
        },
    )
    assert response.status_code == 302
    new = scheme.criteria.get(title="Un temps convivial chaque semaine")
    assert new.position == 3

    duplicate = client.post("/label/criteres/nouveau/", {"group": "animation", "title": new.title})
    assert duplicate.status_code == 400
    assert "Un critère porte déjà cet intitulé." in text(duplicate)

    # Never answered: deleted. Answered: retired and kept.
    assert client.post(f"/label/criteres/{new.pk}/retirer/").status_code == 302
    assert not scheme.criteria.filter(pk=new.pk).exists()
    answered = application.answers.first().criterion
    assert client.post(f"/label/criteres/{answered.pk}/retirer/").status_code == 302
    answered.refresh_from_db()
    assert answered.retired_at is not None
    assert application.answers.filter(criterion=answered).count() == 1

    # Moving the second criterion of a group up makes it first.
    second, first = scheme.criteria.filter(group="horaires").order_by("-position")[:2]
    assert client.post(f"/label/criteres/{second.pk}/deplacer/", {"sens": "up"}).status_code == 302
    assert list(
        scheme.criteria.filter(group="horaires").order_by("position").values_list("pk", flat=True)
    ) == [second.pk, first.pk]


def test_scheme_settings_are_bounded(client, coordinator, scheme):
    client.force_login(coordinator)
    response = client.post(
        "/label/criteres/parametres/",
        {
            "name": scheme.name,
            "short_name": "Labellisé",
            "validity_months": "1000",
            "reminder_days": "90, trente",
        },
    )
    assert response.status_code == 400
    body = text(response)
    assert "Assurez-vous que cette valeur est inférieure ou égale à 120." in body
    assert "Indiquez des nombres de jours entiers, par exemple 90, 30." in body
    scheme.refresh_from_db()
    assert (scheme.validity_months, scheme.reminder_days) == (36, [90, 30])

    ok = client.post(
        "/label/criteres/parametres/",
        {
            "name": scheme.name,
            "short_name": "Labellisé",
            "validity_months": "24",
            "reminder_days": "30; 90; 7",
            "accepting": "on",
        },
    )
    assert ok.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.short_name, scheme.validity_months, scheme.reminder_days) == (
        "Labellisé",
        24,
        [90, 30, 7],
    )


# ---------------------------------------------------------------- API


def test_api_public_scheme_and_awards(client, coordinator, application, place):
    judge_all(application, coordinator)
    award = services.application_grant(user=coordinator, application=application)
    scheme = client.get("/api/label/").json()
    assert (scheme["name"], len(scheme["criteria"])) == ("Label régional des tiers-lieux", 12)
    assert sum(c["mandatory"] for c in scheme["criteria"]) == 6
    assert client.get("/api/label/labels").json() == [
        {
            "place_id": str(place.public_id),
            "place_name": "La Fabrique du Port",
            "starts_on": award.starts_on.isoformat(),
            "expires_on": award.expires_on.isoformat(),
        }
    ]


def test_api_my_applications_is_for_the_team_only(client, manager, other_manager, application):
    assert client.get("/api/label/candidatures").status_code == 401
    client.force_login(other_manager)
    assert client.get("/api/label/candidatures").json() == []
    client.force_login(manager)
    rows = client.get("/api/label/candidatures").json()
    assert [(r["id"], r["status"]) for r in rows] == [(str(application.public_id), "deposee")]


def test_history_shows_every_step_to_the_team(client, manager, coordinator, application):
    services.application_comment(
        user=coordinator, application=application, message="Merci, dossier complet."
    )
    client.force_login(manager)
    body = text(client.get(f"/label/candidature/{application.public_id}/"))
    assert "Merci, dossier complet." in body
    kinds = list(
        ApplicationStep.objects.filter(application=application).values_list("kind", flat=True)
    )
    assert kinds == ["creee", "deposee", "commentaire"]
    assert Answer.objects.filter(application=application).exclude(self_assessment="").count() == 12


def test_evidence_uploads_are_throttled_per_person(client, manager, draft, monkeypatch):
    from maillage.core.ratelimit import Limit
    from maillage.labelling.views import team

    monkeypatch.setattr(team, "EVIDENCE_LIMIT", Limit("label-evidence-test", 2, 3600))
    client.force_login(manager)
    url = answer_url(draft, first_criterion(draft).pk)
    statuses = [
        client.post(
            url,
            {"self_assessment": "atteint", "file": SimpleUploadedFile(f"{i}.pdf", PDF_BYTES)},
        ).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"verdict": "parfait"}, "Sélectionnez un choix valide."),
        ({"verdict": "conforme", "audit_comment": "x" * 5001}, "au plus 5000 caractères"),
    ],
)
def test_bad_verdicts_are_refused_and_nothing_is_saved(
    client, coordinator, application, fields, message
):
    answer = application.answers.first()
    prefix = f"c{answer.criterion_id}"
    client.force_login(coordinator)
    response = client.post(
        f"/label/candidatures/{application.public_id}/avis/{answer.criterion_id}/",
        {f"{prefix}-{name}": value for name, value in fields.items()},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert "L'avis n'a pas été enregistré." in text(response)
    answer.refresh_from_db()
    assert (answer.verdict, answer.audit_comment) == ("", "")
