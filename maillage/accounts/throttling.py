"""Which limits the account forms count against (decision 0021), on maillage.core.ratelimit.

Login failures are counted where Django reports them (the `user_login_failed` signal) and
refused by the authentication backend, so that every password form is covered: ours and the
admin's /admin/login/, which would otherwise be an unthrottled way around.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from maillage.core.ratelimit import (
    Limit,
    Throttled,
    client_ip,
    email_identity,
    ratelimit_check,
    ratelimit_hit,
    ratelimit_reset,
)


def _account_limit(username: object) -> list[tuple[Limit, str]]:
    account = email_identity(username)
    limit = Limit(
        "connexion-compte",
        settings.MAILLAGE_LOGIN_FAILURES_PER_ACCOUNT,
        settings.MAILLAGE_LOGIN_WINDOW_SECONDS,
    )
    return [(limit, account)] if account else []


def login_limits(request: HttpRequest, username: object) -> list[tuple[Limit, str]]:
    """Failed logins of one account, and of one client address whatever the account."""
    limit = Limit(
        "connexion-ip",
        settings.MAILLAGE_LOGIN_FAILURES_PER_IP,
        settings.MAILLAGE_LOGIN_WINDOW_SECONDS,
    )
    return [*_account_limit(username), (limit, client_ip(request))]


@dataclass(frozen=True)
class EmailFormLimits:
    """Sign-up, reset and resend may each send an e-mail. Every attempt counts for the client
    address; only the attempts that send something count for the e-mail address, so that a
    person who mistypes a password twice is not shut out of their own address, while one inbox
    cannot be flooded from many client addresses."""

    client: list[tuple[Limit, str]]
    address: list[tuple[Limit, str]]

    def attempt(self) -> None:
        """Raise Throttled past either limit; otherwise count the attempt for the client."""
        ratelimit_check(*self.client, *self.address)
        ratelimit_hit(*self.client)

    def sent(self) -> None:
        """Count one e-mail (or what would have been one) for the address."""
        ratelimit_hit(*self.address)


def email_form_limits(request: HttpRequest, scope: str) -> EmailFormLimits:
    """The limits of one e-mail form (`scope`: inscription, mot-de-passe, renvoi)."""
    window = settings.MAILLAGE_EMAIL_FORMS_WINDOW_SECONDS
    client = Limit(f"{scope}-ip", settings.MAILLAGE_EMAIL_FORMS_PER_IP, window)
    per_address = Limit(f"{scope}-adresse", settings.MAILLAGE_EMAIL_FORMS_PER_ADDRESS, window)
    address = email_identity(request.POST.get("email"))
    return EmailFormLimits(
        client=[(client, client_ip(request))],
        address=[(per_address, address)] if address else [],
    )


class ThrottledModelBackend(ModelBackend):
    """Django's backend, except that past a login limit PermissionDenied stops authenticate()
    before the password is checked (on every password form, the admin's included)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            try:
                ratelimit_check(*login_limits(request, username))
            except Throttled as throttled:
                raise PermissionDenied(throttled.message) from throttled
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_failed_count(sender, credentials: dict, request=None, **kwargs) -> None:
    """Receiver of `user_login_failed`: one more failure for the account and the address."""
    if request is not None:
        ratelimit_hit(*login_limits(request, credentials.get("username")))


def login_succeeded_reset(sender, request=None, user=None, **kwargs) -> None:
    """Receiver of `user_logged_in`: the account's failures are forgiven, not the address's."""
    if request is not None and user is not None:
        ratelimit_reset(*_account_limit(user.get_username()))
