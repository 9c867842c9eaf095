"""Account life cycle: sign-up (inactive until the address is confirmed), confirmation, resend."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from maillage.accounts.tokens import confirmation_token
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
