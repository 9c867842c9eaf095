"""List pages run a fixed number of queries whatever the number of rows (no N+1)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.labelling import services
from maillage.labelling.models import Evidence
from maillage.places.services import place_create
from tests.factories import OrganisationFactory, place_data
from tests.labelling.conftest import NOW, PDF_BYTES, submitted

pytestmark = pytest.mark.django_db


def _places(count: int, manager):
    organisation = OrganisationFactory(managers=[manager])
    return [
        place_create(data=place_data(name=f"Tiers-lieu {i}", operator=organisation.pk))
        for i in range(count)
    ]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/label/candidatures/", "/label/labels/", "/label/"])
def test_list_pages_do_not_grow_with_rows(client, scheme, coordinator, url):
    client.force_login(coordinator)
    counts = []
    for places in (1, 3):
        for place in _places(places, coordinator):
            application = submitted(scheme, place, coordinator)
            if url == "/label/labels/":
                services.application_grant(
                    user=coordinator, application=application, override_reason="Test", now=NOW
                )
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


def test_the_team_removes_a_file_and_it_leaves_the_storage(
    client, scheme, place, manager, evidence_dir, django_capture_on_commit_callbacks
):
    application = services.application_open(user=manager, scheme=scheme, place=place, now=NOW)
    criterion = application.answers.first().criterion
    services.answer_save(
        user=manager,
        application=application,
        criterion_id=criterion.pk,
        self_assessment="atteint",
        comment="",
        links=[],
        upload=SimpleUploadedFile("plan.pdf", PDF_BYTES),
    )
    evidence = Evidence.objects.get()
    assert len(list(evidence_dir.glob("*.pdf"))) == 1
    client.force_login(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/label/justificatif/{evidence.public_id}/supprimer/")

    assert response.status_code == 302
    assert Evidence.objects.count() == 0
    assert list(evidence_dir.glob("*.pdf")) == []
