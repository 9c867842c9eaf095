"""Every write of the members' network: the directory profile, messages, blocks, reports and
their moderation, and the member's erasure (registered with core.erasure)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.community.models import (
    MAX_HOME_PLACES,
    MAX_MESSAGE_LENGTH,
    MAX_REPORT_LENGTH,
    Block,
    Conversation,
    MemberProfile,
    Message,
    Report,
)
from maillage.community.selectors import is_blocked_between, member_name, profile_is_listed
from maillage.community.skills import skills_index
from maillage.core.links import absolute_url
from maillage.core.ratelimit import Limit, ratelimit_check, ratelimit_hit
from maillage.core.refusals import Refusal
from maillage.places.permissions import is_coordinator
from maillage.tasks.outbox import email_queue

# Sending is limited so that the platform cannot be used to spam members (brief: 30 messages an
# hour, 10 new conversations a day, per member).
MESSAGE_LIMIT = Limit(scope="community-message", attempts=30, window=3600)
FIRST_CONTACT_LIMIT = Limit(scope="community-first-contact", attempts=10, window=86400)

# One refusal for « they blocked you » and « you blocked them »: it says no more than needed.
BLOCKED_MESSAGE = "Vous ne pouvez pas écrire à cette personne."


class CommunityError(Refusal):
    """A rule says no: `message` in French, `status` the HTTP answer."""


@dataclass(frozen=True)
class ProfileData:
    display_name: str
    trade: str
    skills: list[str]
    home_places: list  # places.Place
    offers: str
    looks_for: str


def profile_save(*, user, data: ProfileData, visible: bool, now: datetime | None = None):
    """Create or update the member's directory profile. `visible` is the consent to appear:
    giving it dates it, withdrawing it hides the profile at once. Side effect: an audit event."""
    now = now or timezone.now()
    if len(data.home_places) > MAX_HOME_PLACES:
        raise CommunityError(f"{MAX_HOME_PLACES} lieux au plus.")
    with transaction.atomic():
        profile = MemberProfile.objects.select_for_update().filter(user=user).first()
        created = profile is None
        if created:
            profile = MemberProfile(user=user)
        profile.display_name = data.display_name
        profile.trade = data.trade
        profile.skills = list(data.skills)
        profile.skills_index = skills_index(data.skills)
        profile.offers = data.offers
        profile.looks_for = data.looks_for
        _visibility_apply(profile, visible=visible, now=now)
        profile.save()
        profile.home_places.set(data.home_places)
        audit_record(
            actor=user,
            action="member_profile.create" if created else "member_profile.update",
            obj=profile,
            data={"visible": profile.visible, "places": len(data.home_places)},
        )
    return profile


def _visibility_apply(profile: MemberProfile, *, visible: bool, now: datetime) -> None:
    if visible and not profile.visible:
        profile.consented_at = now
    if not visible:
        profile.consented_at = None
    profile.visible = visible


def profile_visibility_set(*, user, visible: bool, now: datetime | None = None) -> MemberProfile:
    """Show or hide the member's profile (consent given or withdrawn, effective at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = MemberProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise CommunityError("Vous n'avez pas de profil dans le réseau.", status=404)
        _visibility_apply(profile, visible=visible, now=now)
        profile.save(update_fields=["visible", "consented_at", "updated_at"])
        audit_record(
            actor=user,
            action="member_profile.show" if visible else "member_profile.hide",
            obj=profile,
        )
    return profile


def profile_leave(*, user) -> bool:
    """Leave the directory: the profile is deleted (its reports stay, detached). Returns whether
    there was one."""
    with transaction.atomic():
        profile = MemberProfile.objects.filter(user=user).first()
        if profile is None:
            return False
        audit_record(actor=user, action="member_profile.delete", obj=profile)
        profile.delete()
    return True


def _throttle(sender, *, first_contact: bool, now: datetime) -> list:
    checks = [(MESSAGE_LIMIT, str(sender.pk))]
    if first_contact:
        checks.append((FIRST_CONTACT_LIMIT, str(sender.pk)))
    ratelimit_check(*checks, now=now.timestamp())
    return checks


def _body_clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommunityError("Le message est vide.")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise CommunityError(
            f"Le message fait {len(body)} caractères : {MAX_MESSAGE_LENGTH} au plus."
        )
    return body


def _message_add(*, conversation: Conversation, sender, recipient, body: str, now: datetime):
    """Append the message, and e-mail the recipient when it is the conversation's first unread
    one for them (one e-mail per unread streak, never the sender's address)."""
    already_unread = (
        conversation.messages.filter(read_at__isnull=True).exclude(sender=recipient).exists()
    )
    message = Message.objects.create(
        conversation=conversation, sender=sender, body=body, created_at=now
    )
    conversation.last_message_at = now
    conversation.save(update_fields=["last_message_at"])
    if not already_unread and recipient.is_active:
        text = render_to_string(
            "community/emails/new_message.txt",
            {
                "sender_name": member_name(sender),
                "link": absolute_url("community:conversation", conversation.public_id),
            },
        ).strip()
        email_queue(
            EmailMessage(
                f"{member_name(sender)} vous a écrit sur maillage",
                text,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
            )
        )
    return message


def conversation_start(
    *, sender, profile: MemberProfile, body: str, now: datetime | None = None
) -> Conversation:
    """Write to a member found in the directory. Only a listed profile can be contacted; if the
    two already have a conversation the message joins it (and is not a first contact).
    Raises CommunityError (refusal) or Throttled (429). Side effects: the message, an e-mail to
    the recipient, an audit event for a new conversation."""
    now = now or timezone.now()
    body = _body_clean(body)
    recipient = profile.user
    if recipient.pk == sender.pk:
        raise CommunityError("Vous ne pouvez pas vous écrire à vous-même.")
    first, second = sorted([sender, recipient], key=lambda member: member.pk)
    existing = Conversation.objects.filter(first=first, second=second).first()
    checks = _throttle(sender, first_contact=existing is None, now=now)
    with transaction.atomic():
        # Read again inside the writing transaction: consent withdrawn or a block made a
        # moment ago wins.
        profile = MemberProfile.objects.select_related("user").filter(pk=profile.pk).first()
        if profile is None or not profile_is_listed(profile):
            raise CommunityError("Ce membre n'est plus dans l'annuaire.", status=404)
        if is_blocked_between(sender, recipient):
            raise CommunityError(BLOCKED_MESSAGE, status=403)
        conversation, created = Conversation.objects.get_or_create(
            first=first, second=second, defaults={"started_by": sender}
        )
        _message_add(
            conversation=conversation, sender=sender, recipient=recipient, body=body, now=now
        )
        if created:
            audit_record(actor=sender, action="conversation.start", obj=conversation)
    ratelimit_hit(*checks, now=now.timestamp())
    return conversation


def message_reply(
    *, sender, conversation: Conversation, body: str, now: datetime | None = None
) -> Message:
    """Answer in a conversation the sender is in (the caller fetched it through
    `conversation_get_for_member`). Refused if either blocked the other or the other member
    left. Raises CommunityError or Throttled."""
    now = now or timezone.now()
    body = _body_clean(body)
    recipient = conversation.other(sender)
    if recipient is None or not recipient.is_active:
        raise CommunityError("Ce membre a quitté maillage : la conversation est close.", status=409)
    checks = _throttle(sender, first_contact=False, now=now)
    with transaction.atomic():
        if is_blocked_between(sender, recipient):
            raise CommunityError(BLOCKED_MESSAGE, status=403)
        message = _message_add(
            conversation=conversation, sender=sender, recipient=recipient, body=body, now=now
        )
    ratelimit_hit(*checks, now=now.timestamp())
    return message


def conversation_mark_read(*, user, conversation: Conversation, now: datetime | None = None) -> int:
    """Mark the other member's messages read; returns how many were unread."""
    now = now or timezone.now()
    return (
        conversation.messages.filter(read_at__isnull=True).exclude(sender=user).update(read_at=now)
    )


def block_create(*, blocker, blocked) -> Block:
    """Block a member: neither can write to the other until the blocker unblocks. Idempotent."""
    if blocked is None or blocked.pk == blocker.pk:
        raise CommunityError("Vous ne pouvez pas bloquer ce compte.")
    with transaction.atomic():
        block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        if created:
            audit_record(actor=blocker, action="member.block", obj=block)
    return block


def block_remove(*, blocker, block_id: int) -> None:
    """Unblock; someone else's block id is unknown (404)."""
    with transaction.atomic():
        block = Block.objects.filter(pk=block_id, blocker=blocker).first()
        if block is None:
            raise CommunityError("Blocage introuvable.", status=404)
        audit_record(actor=blocker, action="member.unblock", obj=block)
        block.delete()


def report_create(
    *,
    reporter,
    reason: str,
    details: str = "",
    message: Message | None = None,
    profile: MemberProfile | None = None,
    now: datetime | None = None,
) -> Report:
    """Report a message (the caller checked the reporter is in its conversation) or a listed
    profile to the coordination. Side effect: an audit event (no free text in it)."""
    now = now or timezone.now()
    if (message is None) == (profile is None):
        raise CommunityError("Signalez un message ou un profil.")
    if reason not in Report.Reason.values:
        raise CommunityError("Choisissez un motif dans la liste.")
    details = (details or "").strip()
    if len(details) > MAX_REPORT_LENGTH:
        raise CommunityError(f"Les précisions font {MAX_REPORT_LENGTH} caractères au plus.")
    if message is not None and message.sender_id == reporter.pk:
        raise CommunityError("Vous ne pouvez pas signaler votre propre message.")
    if profile is not None and profile.user_id == reporter.pk:
        raise CommunityError("Vous ne pouvez pas signaler votre propre profil.")
    with transaction.atomic():
        report = Report.objects.create(
            reporter=reporter,
            message=message,
            profile=profile,
            reason=reason,
            details=details,
            created_at=now,
        )
        audit_record(
            actor=reporter,
            action="member_report.create",
            obj=report,
            data={"kind": "message" if message else "profil", "reason": reason},
        )
    return report


DECISIONS = {
    "masquer-message": Report.Status.MESSAGE_HIDDEN,
    "masquer-profil": Report.Status.PROFILE_HIDDEN,
    "classer": Report.Status.DISMISSED,
}


def report_decide(*, moderator, report_id: int, decision: str, now: datetime | None = None):
    """The coordination hides the reported message, hides the profile (of the reported member,
    or of the message's sender), or dismisses. Compare-and-swap on the open status: two
    moderators deciding at once give one decision. Side effect: an audit event."""
    now = now or timezone.now()
    if not is_coordinator(moderator):
        raise CommunityError("Signalement introuvable.", status=404)
    if decision not in DECISIONS:
        raise CommunityError("Décision inconnue.")
    with transaction.atomic():
        report = (
            # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the joins.
            Report.objects.select_for_update(of=("self",))
            .select_related("message", "profile")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise CommunityError("Signalement introuvable.", status=404)
        if report.status != Report.Status.OPEN:
            raise CommunityError("Ce signalement a déjà été traité.", status=409)
        status = DECISIONS[decision]
        if status == Report.Status.MESSAGE_HIDDEN:
            if report.message is None:
                raise CommunityError("Ce signalement ne porte pas sur un message.")
            Message.objects.filter(pk=report.message_id).update(hidden_by_moderation=True)
        if status == Report.Status.PROFILE_HIDDEN:
            target = (
                report.profile
                or MemberProfile.objects.filter(
                    user_id=report.message.sender_id if report.message else None
                ).first()
            )
            if target is None:
                raise CommunityError("Ce membre n'a plus de profil dans l'annuaire.", status=409)
            MemberProfile.objects.filter(pk=target.pk).update(hidden_by_moderation=True)
        updated = Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
            status=status, decided_at=now, decided_by=moderator
        )
        if updated != 1:
            raise CommunityError("Ce signalement a déjà été traité.", status=409)
        audit_record(
            actor=moderator,
            action=f"member_report.{decision}",
            obj=report,
            data={"message": report.message_id, "profile": report.profile_id},
        )
        report.refresh_from_db()
    return report


def community_erase(user) -> int:
    """RGPD eraser (core.erasure): the profile goes; the member's messages are blanked and
    detached (« message supprimé »), their reports lose their free text and their author, their
    blocks and their side of conversations go. Counts of messages and reports stay."""
    count = 0
    count += MemberProfile.objects.filter(user=user).delete()[1].get(MemberProfile._meta.label, 0)
    count += Message.objects.filter(sender=user).update(sender=None, body="", erased=True)
    count += Report.objects.filter(reporter=user).update(reporter=None, details="")
    count += Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()[0]
    count += Conversation.objects.filter(first=user).update(first=None)
    count += Conversation.objects.filter(second=user).update(second=None)
    Conversation.objects.filter(started_by=user).update(started_by=None)
    return count
