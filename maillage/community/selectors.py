"""Reads of the members' network. One rule for being seen: `listed_profiles()` (visible, not
hidden by the coordination, active account); one way to reach a conversation:
`conversation_get_for_member` (404 for anyone outside it)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from maillage.community.models import Block, Conversation, MemberProfile, Message, Report
from maillage.places.models import Place
from maillage.places.permissions import is_coordinator
from maillage.territory.search_names import fold_name

ERASED_NAME = "Compte supprimé"
UNNAMED = "Membre du réseau"


def listed_profiles() -> QuerySet[MemberProfile]:
    """The profiles anyone signed in may see: consent given, not hidden, account active."""
    return MemberProfile.objects.filter(
        visible=True, hidden_by_moderation=False, user__is_active=True
    )


def profile_is_listed(profile: MemberProfile) -> bool:
    return profile.visible and not profile.hidden_by_moderation and profile.user.is_active


def member_name(user) -> str:
    """How a member is named to others: their listed profile's name, else their account's
    display name; never the e-mail address."""
    if user is None or not user.is_active:
        return ERASED_NAME
    try:
        profile = user.member_profile  # select_related("…__member_profile") saves the query
    except MemberProfile.DoesNotExist:
        profile = None
    if profile is not None and profile_is_listed(profile):
        return profile.display_name
    return user.display_name or UNNAMED


@dataclass(frozen=True)
class DirectoryFilters:
    skill: str = ""
    trade: str = ""
    place: Place | None = None


def directory_search(filters: DirectoryFilters) -> QuerySet[MemberProfile]:
    """Listed profiles matching every filter given, by name."""
    profiles = listed_profiles()
    if skill := fold_name(filters.skill):
        profiles = profiles.filter(skills_index__contains=skill)
    if filters.trade.strip():
        profiles = profiles.filter(trade__icontains=filters.trade.strip())
    if filters.place is not None:
        profiles = profiles.filter(home_places=filters.place)
    return profiles.prefetch_related("home_places").order_by("display_name", "pk")


def directory_places() -> QuerySet[Place]:
    """The places a member may name as theirs, and filter the directory by: published ones
    that are open or planned."""
    return Place.objects.filter(status__in=[Place.Status.OPEN, Place.Status.PROJECT]).order_by(
        "name", "pk"
    )


def profile_get_listed(*, public_id) -> MemberProfile:
    profile = (
        listed_profiles()
        .select_related("user")
        .prefetch_related("home_places")
        .filter(public_id=public_id)
        .first()
    )
    if profile is None:
        raise Http404("Membre introuvable.")
    return profile


def profile_of(user) -> MemberProfile | None:
    return MemberProfile.objects.filter(user=user).prefetch_related("home_places").first()


def is_blocked_between(one, other) -> bool:
    """Either blocked the other (both directions refuse, with the same message)."""
    return Block.objects.filter(
        Q(blocker=one, blocked=other) | Q(blocker=other, blocked=one)
    ).exists()


def has_blocked(*, blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def blocks_of(user) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked__member_profile")


def member_conversations(user) -> QuerySet[Conversation]:
    return Conversation.objects.filter(Q(first=user) | Q(second=user))


def inbox(user) -> QuerySet[Conversation]:
    """The member's conversations, latest first, each with its unread count for them."""
    return (
        member_conversations(user)
        .select_related("first__member_profile", "second__member_profile")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender=user),
            )
        )
        .order_by("-last_message_at", "-pk")
    )


def unread_count(user) -> int:
    """Messages from others the member has not opened yet (for the header's badge)."""
    if not user.is_authenticated:
        return 0
    return (
        Message.objects.filter(conversation__in=member_conversations(user), read_at__isnull=True)
        .exclude(sender=user)
        .count()
    )


def conversation_get_for_member(*, user, public_id) -> Conversation:
    conversation = (
        member_conversations(user)
        .select_related("first__member_profile", "second__member_profile")
        .filter(public_id=public_id)
        .first()
    )
    if conversation is None:
        raise Http404("Conversation introuvable.")
    return conversation


def conversation_messages(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.order_by("created_at", "pk")


def message_get_for_member(*, user, message_id: int) -> Message:
    """A message of one of the member's conversations, written by the other member."""
    message = (
        Message.objects.filter(
            pk=message_id, conversation__in=member_conversations(user), erased=False
        )
        .exclude(sender=user)
        .first()
    )
    if message is None:
        raise Http404("Message introuvable.")
    return message


def moderation_reports(*, user) -> QuerySet[Report]:
    """Open reports, oldest first, for the coordination only (404 for anyone else)."""
    if not is_coordinator(user):
        raise Http404("Page introuvable.")
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("message", "message__sender", "profile", "reporter")
        .order_by("created_at", "pk")
    )
