"""The header's unread-messages badge, asked lazily: a page that does not show it costs no
query, a page that does costs one however often the template reads it."""

from functools import cached_property

from django.http import HttpRequest


class Community:
    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        from maillage.community.selectors import unread_count  # models ready only at request

        if self.user is None or not self.user.is_authenticated:
            return 0
        return unread_count(self.user)


def community(request: HttpRequest) -> dict:
    """`{{ community.unread }}` in templates (0 for anonymous visitors)."""
    if not hasattr(request, "_community"):
        request._community = Community(getattr(request, "user", None))
    return {"community": request._community}
