"""Notifications of the managers' space: every member but the author, e-mails by preference
(immediate, weekly digest by default, none), the digest once per person and week, erasure."""

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from post_office.models import Email

from maillage.accounts.services import account_erase
from maillage.core.erasure import erasers
from maillage.managers.models import DigestSent, Notification, Post, Preference
from maillage.managers.selectors import unread_count
from maillage.managers.services import (
    comment_create,
    digest_week,
    managers_digest_send,
    managers_erase,
    notifications_mark_read,
    preference_set,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.mailbox import deliver
from tests.managers.conftest import make_post

pytestmark = pytest.mark.django_db

# Wednesday 21 October 2026, noon in Paris; the clocks go back on Sunday 25 October.
WEDNESDAY = datetime(2026, 10, 21, 10, 0, tzinfo=UTC)
SUNDAY_LATE = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # 23:30 in Paris, still that week
MONDAY_EARLY = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # Monday 00:30 in Paris: next week
MONDAY_RUN = datetime(2026, 10, 26, 6, 0, tzinfo=UTC)


def queued() -> list[tuple[list[str], str]]:
    return [(email.to, email.subject) for email in Email.objects.order_by("id")]


def recipients(post: Post) -> set:
    return {n.recipient for n in Notification.objects.filter(post=post, comment=None)}


def test_post_notifies_every_member_but_the_author(
    coordinator, team_member, other_team_member, outsider
):
    inactive = UserFactory(is_active=False)
    OrganisationFactory(managers=[inactive])
    post = make_post(team_member)
    assert recipients(post) == {coordinator, other_team_member}
    assert Notification.objects.filter(post=post).count() == 2
    assert [unread_count(u) for u in (coordinator, other_team_member, team_member, outsider)] == [
        1,
        1,
        0,
        0,
    ]


def test_emails_follow_each_preference(coordinator, team_member, other_team_member):
    preference_set(user=coordinator, email_mode="immediate")
    preference_set(user=other_team_member, email_mode="none")
    post = make_post(team_member, title="Charte d'accueil")
    assert queued() == [([coordinator.email], "Espace des gestionnaires — Charte d'accueil")]
    delivered = deliver()
    assert len(delivered) == 1
    site = settings.MAILLAGE_SITE_URL
    assert delivered[0].body == (
        "Bonjour,\n\n"
        "Nouveau message dans l'espace des gestionnaires, par Dominique Gestion "
        "(Bonne pratique) :\n\n"
        "Charte d'accueil\n\n"
        "Nous lançons un repair café le samedi.\n\nVenez voir comment nous faisons.\n\n"
        f"Lire et répondre : {site}/gestionnaires/messages/{post.pk}/\n\n"
        "Vous recevez cet e-mail parce que vous avez choisi d'être prévenu(e) à chaque "
        f"message. Pour changer : {site}/gestionnaires/preferences/"
    )


def test_reply_notifies_the_author_and_earlier_repliers(
    coordinator, team_member, other_team_member
):
    third = UserFactory()
    OrganisationFactory(managers=[third])
    post = make_post(team_member)
    first = comment_create(user=other_team_member, post=post, body="Bonne idée !")
    second = comment_create(user=coordinator, post=post, body="Nous relayons.")
    assert {n.recipient for n in Notification.objects.filter(comment=first)} == {team_member}
    assert {n.recipient for n in Notification.objects.filter(comment=second)} == {
        team_member,
        other_team_member,
    }


def test_reading_the_post_marks_its_notifications_read(client, coordinator, team_member):
    post = make_post(team_member)
    client.force_login(coordinator)
    home = client.get(reverse("managers:home"))
    assert home.context["unread"] == 1
    client.get(reverse("managers:post_detail", kwargs={"post_id": post.pk}))
    assert unread_count(coordinator) == 0


def test_notification_list_and_mark_read(client, coordinator, team_member, other_team_member):
    first = make_post(team_member, title="Premier")
    make_post(other_team_member, title="Second")
    client.force_login(coordinator)
    response = client.get(reverse("managers:notifications"))
    assert [n.post.title for n in response.context["page"]] == ["Second", "Premier"]
    assert response.context["unread"] == 2

    mine = Notification.objects.get(recipient=coordinator, post=first)
    response = client.post(
        reverse("managers:notification_read", kwargs={"notification_id": mine.pk})
    )
    assert response["Location"] == reverse("managers:post_detail", kwargs={"post_id": first.pk})
    assert unread_count(coordinator) == 1

    theirs = Notification.objects.get(recipient=other_team_member, post=first)
    response = client.post(
        reverse("managers:notification_read", kwargs={"notification_id": theirs.pk})
    )
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    client.post(reverse("managers:notifications"))
    assert unread_count(coordinator) == 0
    assert unread_count(other_team_member) == 1


def test_digest_week_is_paris_monday_to_monday_across_dst():
    assert digest_week(MONDAY_RUN) == (
        datetime(2026, 10, 18, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
    )


def test_digest_once_per_person_and_week(coordinator, team_member, other_team_member):
    preference_set(user=other_team_member, email_mode="none")
    make_post(team_member, title="Mercredi", now=WEDNESDAY)
    make_post(team_member, title="Dimanche soir", now=SUNDAY_LATE)
    make_post(team_member, title="Lundi matin", now=MONDAY_EARLY)
    read_one = Notification.objects.get(recipient=coordinator, post__title="Mercredi")
    notifications_mark_read(user=coordinator, ids=[read_one.pk])

    assert managers_digest_send(now=MONDAY_RUN) == 1
    assert queued() == [
        ([coordinator.email], "Espace des gestionnaires — la semaine du 19/10/2026")
    ]
    body = deliver()[0].body
    site = settings.MAILLAGE_SITE_URL
    # « Mercredi » was read already, « Lundi matin » belongs to the next week.
    assert body == (
        "Bonjour,\n\n"
        "Voici ce que vous n'avez pas encore lu dans l'espace des gestionnaires, semaine du "
        "19/10/2026 :\n\n"
        "- Nouveau message : Dimanche soir\n"
        f"  {site}/gestionnaires/messages/{Post.objects.get(title='Dimanche soir').pk}/\n\n"
        f"Tout l'espace : {site}/gestionnaires/\n\n"
        "Vous recevez ce résumé une fois par semaine. Pour recevoir un e-mail à chaque "
        f"message, ou aucun : {site}/gestionnaires/preferences/"
    )
    assert list(DigestSent.objects.values_list("user_id", "week_start", "items")) == [
        (coordinator.pk, date(2026, 10, 19), 1)
    ]

    assert managers_digest_send(now=MONDAY_RUN) == 0
    assert managers_digest_send(now=datetime(2026, 10, 29, 8, 0, tzinfo=UTC)) == 0
    assert Email.objects.count() == 1
    # The next week: « Lundi matin » for the coordinator (team_member is its author).
    assert managers_digest_send(now=datetime(2026, 11, 2, 6, 0, tzinfo=UTC)) == 1
    assert Email.objects.count() == 2


def test_digest_skips_immediate_and_people_who_left(coordinator, team_member, other_team_member):
    preference_set(user=coordinator, email_mode="immediate")
    make_post(team_member, now=WEDNESDAY)
    other_team_member.organisations.clear()
    Email.objects.all().delete()
    assert managers_digest_send(now=MONDAY_RUN) == 0
    assert Email.objects.count() == 0


def test_erasure_detaches_posts_and_forgets_notifications(client, coordinator, team_member):
    assert erasers()["messages de l'espace des gestionnaires"] is managers_erase
    post = make_post(team_member, title="Savoir partagé")
    comment_create(user=team_member, post=post, body="Précision importante.")
    comment_create(user=coordinator, post=post, body="Merci !")
    preference_set(user=team_member, email_mode="none")
    assert managers_erase(team_member) == 4  # post, reply, notification of the reply, preference
    post.refresh_from_db()
    assert post.author is None
    assert list(post.comments.values_list("author_id", flat=True)) == [None, coordinator.pk]
    assert Notification.objects.filter(recipient=team_member).count() == 0
    assert Preference.objects.filter(user=team_member).count() == 0
    client.force_login(coordinator)
    page = client.get(reverse("managers:post_detail", kwargs={"post_id": post.pk}))
    assert page.content.decode().count("ancien membre") == 2


def test_account_erasure_runs_the_managers_eraser(client, coordinator, team_member):
    post = make_post(team_member, title="Savoir partagé")
    comment_create(user=coordinator, post=post, body="Merci !")
    counts = account_erase(user=team_member, actor=team_member)
    assert counts["messages de l'espace des gestionnaires"] == 2  # the post, one notification
    post.refresh_from_db()
    assert post.author_id is None
    assert Notification.objects.filter(recipient_id=team_member.pk).count() == 0
    client.force_login(coordinator)
    html = client.get(reverse("managers:home")).content.decode()
    assert "ancien membre" in html
    assert "Dominique Gestion" not in html
