"""Reads of the managers' space. One rule for every page and file: coordinators and members of
a place team are in the space; anyone else gets a 404 (nothing says the space or a post exists).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from maillage.managers.models import Category, EmailMode, Notification, Post, Preference
from maillage.places.catalogue_seed import COORDINATORS as COORDINATORS_GROUP
from maillage.places.permissions import is_coordinator

NOT_FOUND = "Page introuvable."


@dataclass(frozen=True)
class SpaceRole:
    coordinator: bool
    team: bool

    @property
    def member(self) -> bool:
        return self.coordinator or self.team


def space_role(user) -> SpaceRole:
    """The places.permissions rules, asked once per user object (one request's `request.user`):
    a page asks it several times through its selectors and services."""
    cached = getattr(user, "_managers_role", None)
    if cached is not None:
        return cached
    coordinator = is_coordinator(user)
    team = (
        not coordinator and user.is_authenticated and user.is_active and user.organisations.exists()
    )
    role = SpaceRole(coordinator=coordinator, team=bool(team))
    if user.is_authenticated:
        user._managers_role = role
    return role


def is_space_member(user) -> bool:
    """Coordinators and members of a place team (an organisation of places.permissions)."""
    return space_role(user).member


def space_member_or_404(user) -> None:
    if not is_space_member(user):
        raise Http404(NOT_FOUND)


def space_members() -> QuerySet:
    """Everyone in the space, for notifications: active accounts that are coordinators
    (superusers included, as in is_coordinator) or members of an organisation."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=COORDINATORS_GROUP)
            | Q(organisations__isnull=False)
        )
        .distinct()
        .order_by("pk")
    )


def _visible_posts(user) -> QuerySet[Post]:
    posts = Post.objects.all()
    if not space_role(user).coordinator:
        posts = posts.filter(hidden=False)
    return posts


def post_feed(*, user, category: str = "") -> QuerySet[Post]:
    """The feed, pinned first then newest; hidden posts only for coordinators."""
    space_member_or_404(user)
    posts = _visible_posts(user).select_related("author").annotate(replies=Count("comments"))
    if category in Category.values:
        posts = posts.filter(category=category)
    return posts.order_by("-pinned", "-created_at", "-id")


def post_get_for_member(*, user, post_id: int | None) -> Post:
    space_member_or_404(user)
    post = _visible_posts(user).select_related("author").filter(pk=post_id).first()
    if post_id is None or post is None:
        raise Http404(NOT_FOUND)
    return post


def post_get_for_author(*, user, post_id: int | None) -> Post:
    """Editing: the post's author only (a coordinator moderates, does not rewrite)."""
    post = post_get_for_member(user=user, post_id=post_id)
    if post.author_id is None or post.author_id != user.pk:
        raise Http404(NOT_FOUND)
    return post


def post_get_for_coordinator(*, user, post_id: int | None) -> Post:
    post = post_get_for_member(user=user, post_id=post_id)
    if not space_role(user).coordinator:
        raise Http404(NOT_FOUND)
    return post


def notifications_for(*, user) -> QuerySet[Notification]:
    space_member_or_404(user)
    return (
        Notification.objects.filter(recipient=user, post__hidden=False)
        .select_related("post", "comment", "comment__author", "post__author")
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    """The header's badge: one query, 0 for anyone outside the space (no role query needed:
    only members receive notifications)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, post__hidden=False
    ).count()


def email_mode_of(user) -> str:
    preference = Preference.objects.filter(user=user).first()
    return preference.email_mode if preference else EmailMode.DIGEST
