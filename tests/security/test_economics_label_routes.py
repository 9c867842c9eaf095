"""Every page and endpoint of the issue 15 apps (business plans, governance sheet, regional
label), listed from the URL resolver, answers garbage with a 4xx or a page, never a 500: as an
anonymous visitor, a member, a place's team and a coordinator, with real ids behind the lookups
(a plan, an application, an award, an evidence file, a criterion, a kept questionnaire)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.governance.services import questionnaire_save, sheet_seed
from maillage.labelling import services as label_services
from maillage.labelling.selectors import scheme_current
from tests.economics.conftest import stored
from tests.factories import UserFactory
from tests.labelling.conftest import answer_all, judge_all
from tests.security.test_community_routes import ODD, routes

pytestmark = pytest.mark.django_db

NAMESPACES = ("economics", "governance", "labelling")
API_PATHS = (
    "/api/plans-affaires",
    "/api/plans-affaires/{uuid}",
    "/api/plans-affaires/calcul",
    "/api/gouvernance/modeles",
    "/api/gouvernance/classement",
    "/api/label/",
    "/api/label/labels",
    "/api/label/candidatures",
)
QUERY = {
    "annee": "9" * 40,
    "statut": ODD,
    "etat": ODD,
    "format": ODD,
    "page": "²",
    "version": "-1",
}
FIELDS = {
    # business plan hypotheses (the engine's field paths)
    "annees": "9" * 40,
    "annee_debut": "²",
    "annees_avant": ODD,
    "version": "-1",
    "assujetti_tva": ODD,
    "capacites.0.unites": "-1e999",
    "capacites.0.pool": ODD,
    "produits.0.prix": "NaN",
    "produits.0.tva": "Infinity",
    "produits.0.mix": "1e308",
    "occupation.central.postes.0": "Infinity",
    "charges.0.montants.0": "9" * 40,
    "charges.0.nature": ODD,
    "investissements.0.premiere_annee": "-0",
    "copier_central": ODD,
    "name": "x" * 5000,
    "place": "²",
    "project_name": "x" * 5000,
    "commune": ODD,
    "email": "pas-une-adresse",
    # label
    "starts_on": "9999-12-01",
    "visit_on": "0001-01-01",
    "verdict": ODD,
    "self_assessment": ODD,
    "comment": "x" * 200_000,
    "links": "javascript:alert(1)\n" * 200,
    "criterion": "²",
    "reason": "x" * 200_000,
    "override_reason": ODD,
    "message": "x" * 200_000,
    "validity_months": "9" * 40,
    "reminder_days": ODD,
    "direction": ODD,
    "group": ODD,
    "platform_figure": ODD,
    # governance
    "text": "x" * 200_000,
    "points": "1e999",
    "base": "²",
    "restore": "²",
    "project": "x" * 5000,
}


@pytest.fixture
def world(manager, place):
    """Real objects behind the ids: the team's plan, a granted application with an award, a
    second open application's evidence file, a criterion, a kept questionnaire."""
    coordinator = UserFactory(coordinator=True)
    member = UserFactory()
    plan = stored(manager, place=place, document=None, name="Plan du port")
    scheme = scheme_current()
    application = label_services.application_open(user=manager, scheme=scheme, place=place)
    answer_all(application, manager)
    answer = application.answers.first()
    label_services.answer_save(
        user=manager,
        application=application,
        criterion_id=answer.criterion_id,
        self_assessment="atteint",
        comment="Voir le justificatif.",
        links=[],
        upload=SimpleUploadedFile(
            "plan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
        ),
    )
    label_services.application_submit(user=manager, application=application)
    judge_all(application, coordinator)
    award = label_services.application_grant(user=coordinator, application=application)
    evidence = answer.files.get()
    version = sheet_seed()
    answers = {q["key"]: q["choices"][0]["key"] for q in version.content["questions"]}
    kept = questionnaire_save(owner=member, project="Projet", answers=answers, version=version)
    return {
        "coordination": coordinator,
        "gestion": manager,
        "membre": member,
        "uuids": (
            None,
            plan.public_id,
            application.public_id,
            award.public_id,
            evidence.public_id,
        ),
        "ints": (None, answer.criterion_id, kept.pk),
    }


def test_every_route_of_the_issue_15_apps_is_listed():
    listed = routes(namespaces=NAMESPACES)
    for prefix in ("/plans-affaires/", "/gouvernance/", "/label/"):
        assert prefix in listed
    assert len(listed) >= 40


@pytest.mark.parametrize("role", ["anonyme", "membre", "gestion", "coordination"])
def test_garbage_never_gives_a_500(client, world, role):
    if role != "anonyme":
        client.force_login(world[role])
    failures = []
    for path in routes(world["uuids"], world["ints"], namespaces=NAMESPACES):
        for method in ("get", "post"):
            data = QUERY if method == "get" else FIELDS
            response = getattr(client, method)(path, data)
            if response.status_code >= 500:
                failures.append((method, path, response.status_code))
    for path in API_PATHS:
        path = path.format(uuid=uuid.uuid4())
        for response in (
            client.get(path, QUERY),
            client.post(path, "{", "application/json"),
            client.post(path, {"hypotheses": {"annees": "9" * 40}}, "application/json"),
            client.put(path, "{", "application/json"),
        ):
            if response.status_code >= 500:
                failures.append(("api", path, response.status_code))
    assert failures == []
