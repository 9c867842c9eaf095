from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from maillage.accounts import selectors, services
from maillage.accounts.forms import (
    COMMUTE_NOTICE,
    AccountEraseForm,
    CommuteProfileForm,
    EmailAuthenticationForm,
    ResendForm,
    SignupForm,
)
from maillage.accounts.throttling import email_form_limits, login_limits
from maillage.core.ratelimit import (
    Limit,
    Throttled,
    ratelimit_check,
    ratelimit_hit,
    throttled_response,
)


def signup(request: HttpRequest) -> HttpResponse:
    limits = email_form_limits(request, "inscription")
    if request.method == "POST":
        try:
            limits.attempt()
        except Throttled as throttled:
            form = SignupForm(initial={"email": request.POST.get("email", "")[:254]})
            return throttled_response(request, "accounts/signup.html", {"form": form}, throttled)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits.sent()
        # The same page whether or not the address already had an account (no enumeration).
        services.user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            base_url=settings.MAILLAGE_SITE_URL,
        )
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.user_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    login(request, user, backend="maillage.accounts.throttling.ThrottledModelBackend")
    messages.success(request, "Adresse confirmée : bienvenue sur maillage !")
    return redirect("/")


def resend(request: HttpRequest) -> HttpResponse:
    limits = email_form_limits(request, "renvoi")
    if request.method == "POST":
        try:
            limits.attempt()
        except Throttled as throttled:
            form = ResendForm(initial={"email": request.POST.get("email", "")[:254]})
            return throttled_response(request, "accounts/resend.html", {"form": form}, throttled)
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits.sent()
        services.confirmation_resend(
            email=form.cleaned_data["email"], base_url=settings.MAILLAGE_SITE_URL
        )
        messages.success(
            request,
            "Si un compte non confirmé existe pour cette adresse, "
            "un nouveau lien vient d'être envoyé.",
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Past a login limit the form answers 429 without checking the password (the right one
    is refused too, or guessing would go on). Failures are counted, and a success clears the
    account's count, by the receivers in accounts.throttling."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def post(self, request, *args, **kwargs):
        try:
            ratelimit_check(*login_limits(request, request.POST.get("username")))
        except Throttled as throttled:
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")[:254]}
            )
            context = self.get_context_data(form=form)
            return throttled_response(request, self.template_name, context, throttled)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view: the same answer whether or not the address has an account (limits as
    for sign-up: accounts.throttling.EmailFormLimits)."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        # The link under the public address, not the host this request came through.
        return {"site_url": settings.MAILLAGE_SITE_URL}

    def post(self, request, *args, **kwargs):
        self.limits = email_form_limits(request, "mot-de-passe")
        try:
            self.limits.attempt()
        except Throttled as throttled:
            form = self.get_form_class()(initial={"email": request.POST.get("email", "")[:254]})
            context = self.get_context_data(form=form)
            return throttled_response(request, self.template_name, context, throttled)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.limits.sent()
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
@require_http_methods(["GET", "POST"])
def commute_profile(request: HttpRequest) -> HttpResponse:
    """« Mon profil de déplacement »: set, change or clear the two communes."""
    user = selectors.user_with_communes(user=request.user)
    action = request.POST.get("action", "enregistrer")
    if request.method == "POST" and action in {"effacer", "effacer-tout"}:
        cleaned = services.commute_profile_clear(user=user, past_bookings=action == "effacer-tout")
        if action == "effacer-tout":
            messages.success(
                request,
                f"Communes effacées de votre profil et de vos réservations ({cleaned} "
                "réservation(s) concernée(s)).",
            )
        else:
            messages.success(
                request,
                "Communes effacées de votre profil. Vos prochaines réservations ne les "
                "garderont pas.",
            )
        return redirect("accounts:commute_profile")
    form = CommuteProfileForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            services.commute_profile_update(
                user=user,
                home_commune=form.cleaned_data["residence"],
                work_commune=form.cleaned_data["travail"],
            )
            messages.success(request, "Profil de déplacement enregistré.")
            for notice in form.commune_notices:  # how a postcode or a shared name was read
                messages.info(request, f"{notice.label} : {notice.text}")
            return redirect("accounts:commute_profile")
        status = 400
    else:
        status = 200
    return render(
        request,
        "accounts/commute_profile.html",
        {
            "form": form,
            "profile": user,
            "notice": COMMUTE_NOTICE,
            "has_history": selectors.commute_history_exists(user=user),
        },
        status=status,
    )


# Five wrong passwords per quarter of an hour per account on the erasure page.
ERASE_LIMIT = Limit(scope="account-erase", attempts=5, window=900)


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """« Supprimer mon compte »: confirmation by password, then account_erase and logout."""
    check = (ERASE_LIMIT, str(request.user.pk))
    form = AccountEraseForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "GET":
        return render(request, "accounts/erase.html", {"form": form})
    try:
        ratelimit_check(check)
    except Throttled as throttled:
        form = AccountEraseForm(user=request.user)
        return throttled_response(request, "accounts/erase.html", {"form": form}, throttled)
    if not form.is_valid():
        ratelimit_hit(check)
        return render(request, "accounts/erase.html", {"form": form}, status=400)
    services.account_erase(user=request.user, actor=request.user)
    logout(request)
    return render(request, "accounts/erase_done.html")
