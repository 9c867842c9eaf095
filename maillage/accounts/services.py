"""Account life cycle: sign-up (inactive until the address is confirmed), confirmation, resend,
and erasure."""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from maillage.accounts.tokens import confirmation_token
from maillage.audit.services import audit_record
from maillage.core.erasure import erasers
from maillage.tasks.outbox import email_queue


def _send_confirmation(user, base_url: str) -> None:
    path = reverse(
        "accounts:confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": confirmation_token.make_token(user),
        },
    )
    body = render_to_string(
        "accounts/emails/confirmation.txt", {"user": user, "link": base_url.rstrip("/") + path}
    )
    subject = "Confirmez votre adresse e-mail — maillage"
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))


def _send_signup_notice(user, base_url: str) -> None:
    """To the owner of an address someone signed up with again: say so, and give the way back in
    (a password reset link) without telling the person who filled the form."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    base = base_url.rstrip("/")
    body = render_to_string(
        "accounts/emails/signup_existing.txt",
        {"user": user, "reset_link": base + path, "login_link": base + reverse("accounts:login")},
    )
    subject = "Votre compte maillage existe déjà"
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))


def user_signup(*, email: str, password: str, display_name: str = "", base_url: str):
    """Create an inactive account and return it. Side effect: a confirmation e-mail, queued in
    the outbox with the account (decision 0024).

    When the address already has an account, nothing is created and None is returned; the
    owner gets an e-mail instead (a confirmation link again if the account is not confirmed,
    otherwise a notice with a password reset link). The page shown is the same either way, so
    the form does not tell whether an address has an account (issue 12)."""
    User = get_user_model()
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, display_name=display_name, is_active=False
                )
                _send_confirmation(user, base_url)
                return user
        except IntegrityError:  # the same address signed up at the same moment
            existing = User.objects.filter(email__iexact=email.strip()).first()
            if existing is None:
                raise
    make_password(password)  # the same hashing time as a new account: no timing difference
    if existing.is_active:
        _send_signup_notice(existing, base_url)
    else:
        _send_confirmation(existing, base_url)
    return None


def user_confirm(*, uidb64: str, token: str):
    """Activate the account if the link is genuine and unused; None otherwise."""
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if user.is_active or not confirmation_token.check_token(user, token):
        return None
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def confirmation_resend(*, email: str, base_url: str) -> None:
    """Send a new link to an unconfirmed account; silent otherwise (no account enumeration)."""
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=False).first()
    if user is not None:
        _send_confirmation(user, base_url)


# --- « Mon profil de déplacement » ------------------------------------------------------------


def commute_profile_update(*, user, home_commune, work_commune):
    """Record the communes the user gave (either may be None). Bookings made from now on copy
    them; past bookings keep the communes of their day (booking.services.booking_create)."""
    user.home_commune = home_commune
    user.work_commune = work_commune
    user.save(update_fields=["home_commune", "work_commune"])
    return user


@transaction.atomic
def commute_profile_clear(*, user, past_bookings: bool = False) -> int:
    """Forget both communes. With `past_bookings`, also erase the copies kept on the user's
    bookings (right to erasure: the aggregated figures then count them as without commute
    data). Returns how many bookings were cleaned."""
    user.home_commune = None
    user.work_commune = None
    user.save(update_fields=["home_commune", "work_commune"])
    if not past_bookings:
        return 0
    # Through the reverse relation of Booking.user, so that accounts does not import booking.
    return user.bookings.filter(
        Q(home_commune__isnull=False) | Q(work_commune__isnull=False)
    ).update(home_commune=None, work_commune=None)


# --- Account erasure (RGPD, reliability scenario 15; decision 0030) ---------------------------

ERASED_EMAIL_DOMAIN = "compte-supprime.invalid"  # RFC 2606: never routable


class AccountEraseError(Exception):
    """The account cannot be erased (already erased); the message is French."""


def account_erase(*, user, actor, now=None) -> dict[str, int]:
    """Erase a member: every app's registered eraser (core.erasure), then the account itself is
    anonymised, not deleted, so that bookings, invoices and counts keep their rows: e-mail
    replaced by a unique non-routable address, names blank, unusable password, inactive, no
    roles, commute communes forgotten (profile and past bookings). Invoices keep the buyer
    identity frozen on them (legal obligation). All or nothing, in one transaction.

    Returns {label: rows} per eraser plus « réservations (communes) ». Side effect: one
    `account.erase` audit event with those counts only. Logging the person out is the view's
    job; other sessions die with the password hash and the inactive flag.
    """
    now = now or timezone.now()
    User = get_user_model()
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=user.pk, is_active=True).first()
        if locked is None or locked.email.endswith("@" + ERASED_EMAIL_DOMAIN):
            raise AccountEraseError("Ce compte est déjà supprimé.")
        counts = {label: int(eraser(locked)) for label, eraser in sorted(erasers().items())}
        counts["réservations (communes)"] = commute_profile_clear(user=locked, past_bookings=True)
        locked.email = f"supprime-{uuid.uuid4().hex}@{ERASED_EMAIL_DOMAIN}"
        locked.first_name = ""
        locked.last_name = ""
        locked.display_name = ""
        locked.set_unusable_password()
        locked.is_active = False
        locked.is_staff = False
        locked.is_superuser = False
        locked.save(
            update_fields=[
                "email",
                "first_name",
                "last_name",
                "display_name",
                "password",
                "is_active",
                "is_staff",
                "is_superuser",
            ]
        )
        locked.groups.clear()
        locked.user_permissions.clear()
        audit_record(
            actor=actor,
            action="account.erase",
            obj=locked,
            summary=f"Compte {locked.pk} supprimé le {now:%d/%m/%Y}",
            data={"counts": counts},
        )
    for field in ("email", "first_name", "last_name", "display_name", "password", "is_active"):
        setattr(user, field, getattr(locked, field))
    return counts
