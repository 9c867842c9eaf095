"""The coordination's journal page: coordinators read and filter it, others get a 403 or the
login page, the CSV holds the filtered rows."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from maillage.audit.models import AuditEvent
from maillage.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:journal")
CSV_URL = reverse("audit:journal-csv")


@pytest.fixture
def journal():
    """Three events on two days by two people; one account deleted since."""
    alice, bob = UserFactory(email="alice@exemple.fr"), UserFactory(email="bob@exemple.fr")
    gone = UserFactory(email="parti@exemple.fr")
    for actor, action, object_id, at in [
        (alice, "place.update", "lieu-1", datetime(2026, 11, 2, 9, tzinfo=UTC)),
        (bob, "booking.cancel", "resa-7", datetime(2026, 11, 3, 10, tzinfo=UTC)),
        (gone, "role.grant", "coordination", datetime(2026, 11, 3, 11, tzinfo=UTC)),
    ]:
        event = audit_record(actor=actor, action=action, object_type="t", object_id=object_id)
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    gone.delete()


def rows(response) -> list[str]:
    return [event.action for event in response.context["page"].object_list]


def test_journal_coordinator_sees_events_newest_first(client, journal):
    client.force_login(UserFactory(coordinator=True))

    response = client.get(URL)

    assert response.status_code == 200
    assert rows(response) == ["role.grant", "booking.cancel", "place.update"]
    assert [e.actor_label for e in response.context["page"]] == [
        "compte supprimé",
        "bob@exemple.fr",
        "alice@exemple.fr",
    ]
    assert "Journal des actions" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"famille": "booking"}, ["booking.cancel"]),
        ({"acteur": "ALICE@exemple.fr"}, ["place.update"]),
        ({"du": "2026-11-03"}, ["role.grant", "booking.cancel"]),
        ({"au": "2026-11-02"}, ["place.update"]),
        ({"objet": "resa-7"}, ["booking.cancel"]),
        ({"du": "2026-11-04", "au": "2026-11-01"}, []),  # refused: the end precedes the start
        ({"du": "9999-12-31", "au": "9999-12-31"}, []),
        ({"famille": "inconnue"}, []),
    ],
)
def test_journal_filters(client, journal, query, expected):
    client.force_login(UserFactory(coordinator=True))

    response = client.get(URL, query)

    assert (response.status_code, rows(response)) == (200, expected)


def test_journal_bad_filters_get_french_messages(client, journal):
    client.force_login(UserFactory(coordinator=True))

    response = client.get(URL, {"du": "0000-99-99", "au": "2026-11-01", "page": "abc"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"du": ["Saisissez une date valide."]}


def test_journal_member_gets_403(client, journal):
    client.force_login(UserFactory())

    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403


def test_journal_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_journal_csv_holds_the_filtered_rows(client, journal):
    client.force_login(UserFactory(coordinator=True))

    response = client.get(CSV_URL, {"du": "2026-11-03"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="journal.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Date (heure de Paris);Personne;Action;Type d'objet;Objet;Résumé",
        "2026-11-03 12:00:00;compte supprimé;role.grant;t;coordination;",
        "2026-11-03 11:00:00;bob@exemple.fr;booking.cancel;t;resa-7;",
    ]


def test_journal_is_linked_from_the_coordination_menu(client):
    client.force_login(UserFactory(coordinator=True))

    response = client.get(reverse("places:directory"))

    assert f'href="{URL}"' in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_journal_queries_do_not_grow_with_rows(client, django_assert_num_queries, count):
    coordinator = UserFactory(coordinator=True)
    for number in range(count):
        audit_record(actor=UserFactory(), action="place.update", object_id=str(number))
    client.force_login(coordinator)

    # session, user, role (view), count, page of events with their actors, e-mail outbox
    # (counts, last error), role (menu), pending proposals (menu)
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert len(rows(response)) == count
