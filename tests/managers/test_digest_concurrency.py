"""Worker passes overlapping (two processes, a retry): the weekly digest still goes once per
person and week, on real connections released together."""

from datetime import UTC, datetime

import pytest
from post_office.models import Email

from maillage.managers.models import DigestSent
from maillage.managers.services import managers_digest_send
from tests.concurrency import race
from tests.factories import OrganisationFactory, UserFactory
from tests.managers.conftest import make_post

pytestmark = pytest.mark.django_db(transaction=True)

WEDNESDAY = datetime(2026, 10, 21, 10, 0, tzinfo=UTC)
MONDAY_RUN = datetime(2026, 10, 26, 6, 0, tzinfo=UTC)


def test_parallel_digest_runs_send_each_digest_once():
    author = UserFactory()
    readers = [UserFactory() for _ in range(3)]
    OrganisationFactory(managers=[author, *readers])
    make_post(author, now=WEDNESDAY)

    results = race([lambda: managers_digest_send(now=MONDAY_RUN) for _ in range(6)])

    assert all(kind == "ok" for kind, _ in results), results
    assert sum(count for _, count in results) == 3
    sent_to = sorted(address for email in Email.objects.all() for address in email.to)
    assert sent_to == sorted(reader.email for reader in readers)
    assert DigestSent.objects.count() == 3
