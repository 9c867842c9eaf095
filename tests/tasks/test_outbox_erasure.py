"""An erased account's e-mails leave the outbox at once, attachments included; other people's
stay, even when their address contains the erased one."""

import pytest
from django.core.files.base import ContentFile
from post_office.models import Attachment, Email

from maillage.accounts.services import account_erase
from maillage.audit.models import AuditEvent
from maillage.audit.views import DELETED_ACCOUNT, actor_label
from maillage.tasks.erasure import outbox_erase
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queue(to, *, cc=(), with_file=None):
    email = Email.objects.create(
        from_email="maillage <ne-pas-repondre@localhost>",
        to=list(to),
        cc=list(cc),
        subject="Votre réservation",
        message="Bonjour",
    )
    if with_file is not None:
        with_file.emails.add(email)
    return email


def test_erasure_deletes_the_members_emails_and_their_unshared_attachments():
    anne = UserFactory(email="anne@exemple.fr")
    ics = Attachment.objects.create(name="reservation.ics")
    ics.file.save("reservation.ics", ContentFile(b"BEGIN:VCALENDAR"), save=True)
    shared = Attachment.objects.create(name="agenda.ics")
    shared.file.save("agenda.ics", ContentFile(b"BEGIN:VCALENDAR"), save=True)
    own = queue(["Anne@Exemple.fr"], with_file=ics)
    copied = queue(["bruno@exemple.fr"], cc=["anne@exemple.fr"], with_file=shared)
    other = queue(["marianne@exemple.fr"])  # contains « anne@exemple.fr », another person
    also_bruno = queue(["bruno@exemple.fr"], with_file=shared)

    assert outbox_erase(anne) == 2

    assert set(Email.objects.values_list("pk", flat=True)) == {other.pk, also_bruno.pk}
    assert not Email.objects.filter(pk__in=[own.pk, copied.pk]).exists()
    assert list(Attachment.objects.values_list("name", flat=True)) == ["agenda.ics"]
    assert outbox_erase(anne) == 0


def test_account_erasure_runs_the_outbox_eraser_and_the_journal_says_compte_supprime():
    anne = UserFactory(email="anne@exemple.fr")
    queue(["anne@exemple.fr"])
    counts = account_erase(user=anne, actor=anne)
    assert counts["e-mails en attente ou conservés"] == 1
    assert Email.objects.count() == 0
    event = AuditEvent.objects.get(action="account.erase")
    assert actor_label(event) == DELETED_ACCOUNT == "compte supprimé"
