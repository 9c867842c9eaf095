"""« Je veux un lieu »: the public form, its confirmation link, and the person's own statement
(« Ma demande » for an account, a signed link for an address). Thin: forms and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from maillage.core.ratelimit import (
    Limit,
    Throttled,
    client_ip,
    email_identity,
    ratelimit_check,
    ratelimit_hit,
    throttled_response,
)
from maillage.demand import services
from maillage.demand.forms import StatementForm
from maillage.demand.services import DemandError
from maillage.demand.statement_selectors import need_labels, statement_of_user

PER_IP = Limit("demande-ip", 5, 3600)  # every attempt from one client address, per hour
PER_ADDRESS = Limit("demande-adresse", 3, 86400)  # statements sent for one address, per day


def _limits(request: HttpRequest, form_email: object) -> tuple[list, list]:
    client = [(PER_IP, client_ip(request))]
    if request.user.is_authenticated:
        address = email_identity(request.user.email)
    else:
        address = email_identity(form_email)
    return client, ([(PER_ADDRESS, address)] if address else [])


@require_http_methods(["GET", "POST"])
def statement_new(request: HttpRequest) -> HttpResponse:
    """The form. Throttled per client address (each attempt) and per e-mail address (each
    statement sent); a filled honeypot gets the same answer as a real statement, nothing kept."""
    with_email = not request.user.is_authenticated
    template = "demand/new.html"
    if request.method != "POST":
        form = StatementForm(with_email=with_email)
        return render(request, template, {"form": form})
    client, address = _limits(request, request.POST.get("email"))
    try:
        ratelimit_check(*client, *address)
    except Throttled as throttled:
        form = StatementForm(request.POST, with_email=with_email)
        return throttled_response(request, template, {"form": form}, throttled)
    ratelimit_hit(*client)
    form = StatementForm(request.POST, with_email=with_email)
    if form.is_spam:
        return redirect("demand:sent")
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    ratelimit_hit(*address)
    try:
        services.statement_submit(
            data=form.statement_input(),
            user=request.user if request.user.is_authenticated else None,
            email=form.cleaned_data.get("email", ""),
        )
    except DemandError as error:
        form.add_error(None, error.message)
        return render(request, template, {"form": form}, status=error.status)
    if request.user.is_authenticated:
        messages.success(request, "Votre demande est enregistrée. Merci !")
        return redirect("demand:mine")
    return redirect("demand:sent")


def statement_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "demand/sent.html", {"days": services.CONFIRM_LINK_TTL.days})


@require_http_methods(["GET", "POST"])
def statement_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. A GET only shows a button (mail scanners open links); the POST
    confirms."""
    template = "demand/confirm.html"
    if request.method != "POST":
        return render(request, template, {"ask": True})
    try:
        statement = services.statement_confirm(token=token[:500])
    except DemandError as error:
        return render(request, template, {"error": error.message}, status=error.status)
    return render(request, template, {"statement": statement})


@login_required
@require_http_methods(["GET", "POST"])
def statement_mine(request: HttpRequest) -> HttpResponse:
    """« Ma demande »: the account's statement, and withdrawing it."""
    statement = statement_of_user(request.user)
    if request.method == "POST" and statement is not None:
        services.statement_withdraw(statement=statement, actor=request.user)
        messages.success(request, "Votre demande est retirée : elle ne compte plus.")
        return redirect("demand:mine")
    return render(request, "demand/mine.html", _summary(statement))


@require_http_methods(["GET", "POST"])
def statement_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link of an e-mail-only statement: see it, withdraw it. An altered link or a
    withdrawn statement answers 404, revealing nothing."""
    try:
        statement = services.statement_for_manage_token(token=token[:500])
    except DemandError as error:
        return render(request, "demand/mine.html", {"error": error.message}, status=error.status)
    if request.method == "POST":
        services.statement_withdraw(statement=statement)
        return render(request, "demand/mine.html", {"withdrawn": True})
    return render(request, "demand/mine.html", _summary(statement))


def _summary(statement) -> dict:
    return {"statement": statement, "needs": need_labels(statement) if statement else []}
