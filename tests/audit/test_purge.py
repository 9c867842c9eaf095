"""The retention purge: events of days before the given date go, the purge itself stays."""

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from maillage.audit.models import AuditEvent
from maillage.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated_events():
    for object_id, at in [
        ("ancien", datetime(2025, 1, 10, 12, tzinfo=UTC)),
        ("veille", datetime(2025, 1, 31, 23, 30, tzinfo=UTC)),  # 00:30 on 1 February in Paris
        ("recent", datetime(2025, 3, 1, 12, tzinfo=UTC)),
    ]:
        event = audit_record(actor=None, action="place.update", object_id=object_id)
        AuditEvent.objects.filter(pk=event.pk).update(at=at)


def test_audit_purge_command_deletes_days_before_the_date(dated_events, capsys):
    call_command("audit_purge", "--avant", "2025-02-01")

    assert capsys.readouterr().out == "1 événement(s) antérieur(s) au 01/02/2025 supprimé(s).\n"
    remaining = AuditEvent.objects.filter(action="place.update").values_list("object_id", flat=True)
    assert sorted(remaining) == ["recent", "veille"]
    purge = AuditEvent.objects.get(action="audit.purge")
    assert (purge.actor_id, purge.by_platform, purge.data) == (
        None,
        True,
        {"before": "2025-02-01", "deleted": 1},
    )


@pytest.mark.parametrize("value", ["01/02/2025", "2025-13-01", "demain"])
def test_audit_purge_command_refuses_a_bad_date(dated_events, value):
    with pytest.raises(CommandError, match="n'est pas une date AAAA-MM-JJ"):
        call_command("audit_purge", "--avant", value)
    assert AuditEvent.objects.count() == 3


def test_audit_purge_command_refuses_a_future_date(dated_events):
    with pytest.raises(CommandError, match="dans le futur"):
        call_command("audit_purge", "--avant", "2999-01-01")
    assert AuditEvent.objects.count() == 3
