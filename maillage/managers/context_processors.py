"""The header's link to the managers' space, lazy like core.context_processors.coordination: a
page for someone outside the space costs one role query only when the header asks."""

from functools import cached_property

from django.http import HttpRequest

from maillage.core.context_processors import coordination
from maillage.managers.selectors import unread_count


class ManagersSpace:
    def __init__(self, user, coordinator) -> None:
        self.user = user
        self.coordinator = coordinator  # the header's lazy coordination role, asked once

    @cached_property
    def enabled(self) -> bool:
        """selectors.space_role's rule, reusing the header's answer to « coordinator? »."""
        user = self.user
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        return self.coordinator.enabled or user.organisations.exists()

    @cached_property
    def unread(self) -> int:
        """Unread notifications of the space; 0 outside it."""
        return unread_count(self.user) if self.enabled else 0


def managers_space(request: HttpRequest) -> dict:
    """Add "maillage.managers.context_processors.managers_space" to TEMPLATES; the header then
    reads `managers_space.enabled` and `managers_space.unread`."""
    if not hasattr(request, "_managers_space"):
        request._managers_space = ManagersSpace(
            getattr(request, "user", None), coordination(request)["coordination"]
        )
    return {"managers_space": request._managers_space}
