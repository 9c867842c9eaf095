"""The label for the tests: the default scheme (seeded again after a transactional flush), a
coordinator, the place of tests/conftest.py run by `manager`, a second place run by another
team, and the private evidence storage in a temporary folder."""

from datetime import UTC, datetime

import pytest

from maillage.labelling import services
from maillage.labelling.models import Answer, Criterion, LabelScheme
from maillage.labelling.seed import seed_default_scheme
from maillage.places.services import place_create
from tests.factories import IN_BAYEUX, OrganisationFactory, UserFactory, place_data

# Monday 30 November 2026, 10:00 in Paris.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    """STORAGES["labelling"] in a folder of the test's own."""
    folder = tmp_path / "label-evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "labelling": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


@pytest.fixture
def scheme(db) -> LabelScheme:
    return seed_default_scheme(LabelScheme, Criterion)


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True, display_name="Camille Coordination")


@pytest.fixture
def other_manager():
    return UserFactory(display_name="Sacha Lieu")


@pytest.fixture
def other_place(other_manager):
    """A fablab in Bayeux run by another team."""
    organisation = OrganisationFactory(managers=[other_manager])
    return place_create(
        data=place_data(name="Fablab de Bayeux", operator=organisation.pk, **IN_BAYEUX)
    )


def answer_all(application, user, assessment: str = Answer.SelfAssessment.MET) -> None:
    """The team answers every criterion in use."""
    for criterion in application.scheme.criteria.filter(retired_at__isnull=True):
        services.answer_save(
            user=user,
            application=application,
            criterion_id=criterion.pk,
            self_assessment=assessment,
            comment="Vérifié sur place.",
            links=[],
        )


def submitted(scheme, place, manager, *, now=NOW):
    application = services.application_open(user=manager, scheme=scheme, place=place, now=now)
    answer_all(application, manager)
    return services.application_submit(user=manager, application=application, now=now)


def judge_all(application, coordinator, verdict: str = Answer.Verdict.MET) -> None:
    for answer in application.answers.all():
        services.answer_audit(
            user=coordinator,
            application=application,
            criterion_id=answer.criterion_id,
            verdict=verdict,
            audit_comment="",
        )


@pytest.fixture
def application(scheme, place, manager):
    """A submitted application of `place`, every criterion self-assessed as met."""
    return submitted(scheme, place, manager)
