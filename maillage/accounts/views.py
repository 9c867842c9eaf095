from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from maillage.accounts import services
from maillage.accounts.forms import EmailAuthenticationForm, ResendForm, SignupForm


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            base_url=request.build_absolute_uri("/"),
        )
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.user_confirm(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Adresse confirmée : bienvenue sur maillage !")
    return redirect("/")


def resend(request: HttpRequest) -> HttpResponse:
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.confirmation_resend(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")
        )
        messages.success(
            request,
            "Si un compte non confirmé existe pour cette adresse, "
            "un nouveau lien vient d'être envoyé.",
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
