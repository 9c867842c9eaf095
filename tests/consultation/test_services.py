"""The rules of a consultation, through its services: settings, ballots (budget, cap, closing,
replacement), results (ranking, ties), invitation links, erasure."""

from datetime import timedelta

import pytest
from post_office.models import Email

from maillage.accounts.services import account_erase
from maillage.audit.models import AuditEvent
from maillage.consultation.errors import ConsultationError
from maillage.consultation.models import Allocation, Ballot, Consultation, Invitation
from maillage.consultation.phases import Phase, phase, results_visible
from maillage.consultation.selectors import ballot_of, results_compute
from maillage.consultation.services import (
    OptionInput,
    Voter,
    ballot_submit,
    ballots_erase,
    consultation_close,
    consultation_create,
    consultation_update,
    invitation_from_token,
    invitation_token,
    invitations_send,
)
from maillage.core.erasure import erasers
from tests.consultation.conftest import (
    AFTER,
    CLOSES,
    DURING,
    NOW,
    OPENS,
    SITES,
    make_consultation,
    option_ids,
    settings_for,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISIEUX, PONT, ORBEC = (o.label for o in SITES)


@pytest.fixture
def consultation(coordinator):
    return make_consultation(coordinator, access=Consultation.Access.OPEN)


def vote(consultation, user, **points_by_label):
    ids = option_ids(consultation)
    labels = {"lisieux": LISIEUX, "pont": PONT, "orbec": ORBEC}
    points = {ids[labels[key]]: value for key, value in points_by_label.items()}
    return ballot_submit(
        consultation=consultation, voter=Voter(user=user), points=points, now=DURING
    )


def totals(consultation) -> list[tuple]:
    return [
        (r.rank, r.label, r.points, r.share, r.tied) for r in results_compute(consultation).rows
    ]


# --- settings ---------------------------------------------------------------------------------


def test_a_member_cannot_create_a_consultation():
    with pytest.raises(ConsultationError) as refused:
        consultation_create(actor=UserFactory(), settings=settings_for(), options=SITES)
    assert refused.value.status == 404
    assert Consultation.objects.count() == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([OptionInput("Seule")], "Entre 2 et 50 options (1 données)."),
        ([OptionInput(f"Site {i}") for i in range(51)], "Entre 2 et 50 options (51 données)."),
        (
            [OptionInput("Lisieux"), OptionInput("lisieux ")],
            "L'option « lisieux » figure deux fois.",
        ),
    ],
)
def test_options_are_bounded_and_distinct(coordinator, options, message):
    with pytest.raises(ConsultationError) as refused:
        consultation_create(actor=coordinator, settings=settings_for(), options=options)
    assert refused.value.message == message
    assert Consultation.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"points": 0}, "Entre 1 et 100 points par participant."),
        ({"points": 101}, "Entre 1 et 100 points par participant."),
        (
            {"max_per_option": 11},
            "Le plafond par option va de 1 au nombre de points par participant.",
        ),
        ({"closes_at": OPENS}, "La clôture doit suivre l'ouverture."),
    ],
)
def test_settings_are_bounded(coordinator, overrides, message):
    with pytest.raises(ConsultationError) as refused:
        consultation_create(actor=coordinator, settings=settings_for(**overrides), options=SITES)
    assert refused.value.message == message


def test_a_draft_is_not_open_and_publishing_opens_it_at_its_date(coordinator):
    draft = make_consultation(coordinator, publish=False)
    assert phase(draft, DURING) == Phase.DRAFT
    published = make_consultation(coordinator)
    assert [phase(published, t) for t in (NOW, DURING, CLOSES, AFTER)] == [
        Phase.UPCOMING,
        Phase.OPEN,
        Phase.CLOSED,
        Phase.CLOSED,
    ]


def test_options_freeze_once_a_ballot_exists(coordinator, consultation):
    changed = [*SITES[:2], OptionInput("Médiathèque de Honfleur")]
    settings = settings_for(access=Consultation.Access.OPEN)
    # Before any ballot the options may change.
    consultation_update(
        actor=coordinator, consultation=consultation, settings=settings, options=changed, now=DURING
    )
    assert [o.label for o in consultation.options.all()] == [
        LISIEUX,
        PONT,
        "Médiathèque de Honfleur",
    ]
    ballot_submit(
        consultation=consultation,
        voter=Voter(user=UserFactory()),
        points={consultation.options.first().pk: 3},
        now=DURING,
    )
    with pytest.raises(ConsultationError) as refused:
        consultation_update(
            actor=coordinator,
            consultation=consultation,
            settings=settings,
            options=SITES,
            now=DURING,
        )
    assert refused.value.status == 409
    assert refused.value.message == (
        "Des participants ont déjà voté : les options et les points ne changent plus."
    )
    with pytest.raises(ConsultationError):
        consultation_update(
            actor=coordinator,
            consultation=consultation,
            settings=settings_for(access=Consultation.Access.OPEN, points=12),
            options=changed,
            now=DURING,
        )
    assert [o.label for o in consultation.options.all()] == [
        LISIEUX,
        PONT,
        "Médiathèque de Honfleur",
    ]
    # The closing date may still move (later), the title too.
    later = settings_for(access=Consultation.Access.OPEN, title="Nouveau titre", closes_at=AFTER)
    updated = consultation_update(
        actor=coordinator, consultation=consultation, settings=later, options=changed, now=DURING
    )
    assert (updated.title, updated.closes_at) == ("Nouveau titre", AFTER)


def test_closing_is_final(coordinator, consultation):
    closed = consultation_close(actor=coordinator, consultation=consultation, now=DURING)
    assert (closed.status, closed.closes_at, closed.closed_at) == ("close", DURING, DURING)
    with pytest.raises(ConsultationError) as refused:
        consultation_update(
            actor=coordinator,
            consultation=closed,
            settings=settings_for(access=Consultation.Access.OPEN, closes_at=AFTER),
            options=SITES,
            now=DURING + timedelta(minutes=1),
        )
    assert refused.value.message == "Cette consultation est close : elle ne change plus."
    with pytest.raises(ConsultationError) as again:
        consultation_close(actor=coordinator, consultation=closed, now=DURING)
    assert again.value.message == "Cette consultation est déjà close."


# --- ballots ----------------------------------------------------------------------------------


def test_a_ballot_spreads_points(consultation):
    alice = UserFactory()
    ballot = vote(consultation, alice, lisieux=6, pont=3)
    assert ballot_of(consultation, user=alice) == {
        option_ids(consultation)[LISIEUX]: 6,
        option_ids(consultation)[PONT]: 3,
    }
    assert AuditEvent.objects.filter(action="consultation.vote").get().data == {
        "ballot": ballot.pk,
        "points": 9,
    }


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (
            {"lisieux": 6, "pont": 5},
            "Vous avez réparti 11 points pour 10 disponibles : retirez-en 1.",
        ),
        ({"lisieux": 4, "pont": -1}, "« Fablab de Pont-l'Évêque » : pas de points négatifs."),
        ({"lisieux": 0}, "Répartissez au moins un point."),
    ],
)
def test_refused_ballots_save_nothing(consultation, points, message):
    alice = UserFactory()
    vote(consultation, alice, orbec=2)
    with pytest.raises(ConsultationError) as refused:
        vote(consultation, alice, **points)
    assert (refused.value.status, refused.value.message) == (400, message)
    assert ballot_of(consultation, user=alice) == {option_ids(consultation)[ORBEC]: 2}


def test_an_option_of_another_consultation_is_refused(coordinator, consultation):
    other = make_consultation(coordinator, access=Consultation.Access.OPEN)
    with pytest.raises(ConsultationError) as refused:
        ballot_submit(
            consultation=consultation,
            voter=Voter(user=UserFactory()),
            points={other.options.first().pk: 1},
            now=DURING,
        )
    assert refused.value.message == "Option inconnue dans cette consultation."
    with pytest.raises(ConsultationError):
        ballot_submit(
            consultation=consultation,
            voter=Voter(user=UserFactory()),
            points={"abc": 1},
            now=DURING,
        )
    assert Ballot.objects.count() == 0


def test_the_cap_per_option(coordinator):
    capped = make_consultation(coordinator, access=Consultation.Access.OPEN, max_per_option=4)
    with pytest.raises(ConsultationError) as refused:
        vote(capped, UserFactory(), lisieux=5)
    assert refused.value.message == "« Tiers-lieu de Lisieux » : 4 points au plus par option."
    vote(capped, UserFactory(), lisieux=4, pont=4, orbec=2)
    assert Allocation.objects.count() == 3


def test_voting_again_replaces_the_ballot(consultation):
    alice = UserFactory()
    first = vote(consultation, alice, lisieux=6, pont=3)
    second = vote(consultation, alice, orbec=10)
    assert second.pk == first.pk
    assert Ballot.objects.count() == 1
    assert ballot_of(consultation, user=alice) == {option_ids(consultation)[ORBEC]: 10}
    assert totals(consultation)[0] == (1, ORBEC, 10, 100.0, False)


def test_no_vote_before_opening_nor_after_closing(consultation):
    alice = UserFactory()
    ids = option_ids(consultation)
    with pytest.raises(ConsultationError) as early:
        ballot_submit(
            consultation=consultation, voter=Voter(user=alice), points={ids[PONT]: 1}, now=NOW
        )
    assert early.value.message == "Le vote n'est pas encore ouvert."
    vote(consultation, alice, pont=5)
    with pytest.raises(ConsultationError) as late:
        ballot_submit(
            consultation=consultation, voter=Voter(user=alice), points={ids[ORBEC]: 1}, now=CLOSES
        )
    assert (late.value.status, late.value.message) == (
        409,
        "La consultation est close : les votes ne peuvent plus changer.",
    )
    assert ballot_of(consultation, user=alice) == {ids[PONT]: 5}


def test_a_member_cannot_vote_in_an_invitation_only_consultation(coordinator):
    invited_only = make_consultation(coordinator)
    with pytest.raises(ConsultationError) as refused:
        vote(invited_only, UserFactory(), pont=1)
    assert refused.value.status == 404


# --- results ----------------------------------------------------------------------------------


def test_ranking_with_ties_ordered_by_label(consultation):
    vote(consultation, UserFactory(), orbec=4, pont=4, lisieux=2)
    vote(consultation, UserFactory(), orbec=1, pont=1, lisieux=3)
    # Orbec 5, Pont 5, Lisieux 5: all tied, ordered by label.
    assert totals(consultation) == [
        (1, ORBEC, 5, 33.3, True),
        (1, PONT, 5, 33.3, True),
        (1, LISIEUX, 5, 33.3, True),
    ]
    vote(consultation, UserFactory(), lisieux=1)
    assert totals(consultation) == [
        (1, LISIEUX, 6, 37.5, False),
        (2, ORBEC, 5, 31.2, True),
        (2, PONT, 5, 31.2, True),
    ]
    results = results_compute(consultation)
    assert (results.participants, results.points_given) == (3, 16)


def test_hidden_results_show_only_after_closing(coordinator):
    hidden = make_consultation(coordinator)
    shown = make_consultation(coordinator, results=Consultation.Results.VISIBLE)
    assert [results_visible(hidden, t) for t in (NOW, DURING, AFTER)] == [False, False, True]
    assert [results_visible(shown, t) for t in (NOW, DURING, AFTER)] == [False, True, True]


# --- invitations ------------------------------------------------------------------------------


def test_invitations_queue_one_email_with_a_personal_link(coordinator):
    invited = make_consultation(coordinator)
    report = invitations_send(
        actor=coordinator,
        consultation=invited,
        emails=["Alice@Exemple.fr", "pas-une-adresse", "bob@exemple.fr", "alice@exemple.fr"],
        now=DURING,
    )
    assert report.sent == ["alice@exemple.fr", "bob@exemple.fr"]
    assert report.refused == [("pas-une-adresse", "adresse e-mail invalide")]
    mails = sorted(Email.objects.all(), key=lambda e: e.to[0])
    assert [m.to for m in mails] == [["alice@exemple.fr"], ["bob@exemple.fr"]]
    alice = Invitation.objects.get(email="alice@exemple.fr")
    assert f"/consultations/i/{invitation_token(alice)}/" in mails[0].message
    assert mails[0].subject == "Consultation : Où ouvrir le prochain tiers-lieu ?"
    # Invited again: the same invitation (and ballot), a new e-mail.
    invitations_send(
        actor=coordinator, consultation=invited, emails=["alice@exemple.fr"], now=DURING
    )
    assert Invitation.objects.filter(consultation=invited).count() == 2
    assert Email.objects.count() == 3


def test_a_draft_or_open_access_consultation_sends_no_invitation(coordinator):
    for consultation in (
        make_consultation(coordinator, publish=False),
        make_consultation(coordinator, access=Consultation.Access.OPEN),
    ):
        with pytest.raises(ConsultationError) as refused:
            invitations_send(
                actor=coordinator, consultation=consultation, emails=["a@exemple.fr"], now=DURING
            )
        assert refused.value.status == 409
    assert Email.objects.count() == 0


def test_invitation_links_tampered_or_expired(coordinator):
    invited = make_consultation(coordinator)
    invitations_send(
        actor=coordinator, consultation=invited, emails=["alice@exemple.fr"], now=DURING
    )
    invitation = Invitation.objects.get()
    token = invitation_token(invitation)
    assert invitation_from_token(token, now=DURING) == invitation
    assert invitation_from_token(token, now=CLOSES + timedelta(days=29)) == invitation
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "n-importe-quoi", "", "x" * 5000):
        with pytest.raises(ConsultationError) as refused:
            invitation_from_token(bad, now=DURING)
        assert (refused.value.status, refused.value.message) == (
            404,
            "Ce lien d'invitation n'est pas valide.",
        )
    with pytest.raises(ConsultationError) as expired:
        invitation_from_token(token, now=CLOSES + timedelta(days=30))
    assert (expired.value.status, expired.value.message) == (
        410,
        "Ce lien a expiré : la consultation est close depuis plus de 30 jours.",
    )


def test_an_invitation_votes_once_and_replaces(coordinator):
    invited = make_consultation(coordinator)
    invitations_send(
        actor=coordinator, consultation=invited, emails=["alice@exemple.fr"], now=DURING
    )
    invitation = Invitation.objects.get()
    ids = option_ids(invited)
    voter = Voter(invitation=invitation)
    ballot_submit(consultation=invited, voter=voter, points={ids[LISIEUX]: 7}, now=DURING)
    ballot_submit(
        consultation=invited, voter=voter, points={ids[PONT]: 2, ids[ORBEC]: 8}, now=DURING
    )
    assert Ballot.objects.get().invitation == invitation
    assert ballot_of(invited, invitation=invitation) == {ids[PONT]: 2, ids[ORBEC]: 8}
    # The invitation of one consultation does not vote in another.
    other = make_consultation(coordinator)
    with pytest.raises(ConsultationError) as refused:
        ballot_submit(
            consultation=other,
            voter=voter,
            points={other.options.first().pk: 1},
            now=DURING,
        )
    assert refused.value.status == 404


# --- erasure ----------------------------------------------------------------------------------


def test_erasure_detaches_ballots_and_blanks_invitations(coordinator, consultation):
    alice = UserFactory(email="alice@exemple.fr")
    vote(consultation, alice, lisieux=6)
    invited = make_consultation(coordinator)
    invitations_send(
        actor=coordinator, consultation=invited, emails=["alice@exemple.fr"], now=DURING
    )
    invitation = Invitation.objects.get()
    token = invitation_token(invitation)
    ballot_submit(
        consultation=invited,
        voter=Voter(invitation=invitation),
        points={option_ids(invited)[PONT]: 3},
        now=DURING,
    )
    assert erasers()["votes de consultation"] is ballots_erase
    counts = account_erase(user=alice, actor=alice, now=DURING)
    assert counts["votes de consultation"] == 3  # two ballots detached, one invitation blanked
    assert Ballot.objects.filter(user__isnull=True, invitation__isnull=True).count() == 2
    assert Invitation.objects.get().email == ""
    assert totals(consultation)[0] == (1, LISIEUX, 6, 100.0, False)
    with pytest.raises(ConsultationError):
        invitation_from_token(token, now=DURING)


def test_an_open_consultation_keeps_its_opening_to_the_second(coordinator):
    opens = OPENS.replace(second=42)
    consultation = make_consultation(coordinator, opens_at=opens)
    same_minute = settings_for(opens_at=OPENS, title="Titre revu")
    updated = consultation_update(
        actor=coordinator,
        consultation=consultation,
        settings=same_minute,
        options=SITES,
        now=DURING,
    )
    assert (updated.title, updated.opens_at) == ("Titre revu", opens)
    with pytest.raises(ConsultationError) as refused:
        consultation_update(
            actor=coordinator,
            consultation=consultation,
            settings=settings_for(opens_at=OPENS + timedelta(hours=1)),
            options=SITES,
            now=DURING,
        )
    assert refused.value.message == "Le vote est ouvert : la date d'ouverture ne change plus."
