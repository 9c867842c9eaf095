"""Pages of employer accounts (« Espace employeur ») and the employee's page « Mon employeur ».

Thin: read through the selectors (an account is reachable by its admins only, 404 otherwise),
write through the services, render. Service refusals come back on the form with their status.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from maillage.booking.timeslots import local_day
from maillage.core.links import absolute_url
from maillage.core.ratelimit import (
    Limit,
    Throttled,
    ratelimit_check,
    ratelimit_hit,
    throttled_response,
)
from maillage.core.tables import csv_response, xlsx_response
from maillage.employers import month_table, selectors, services
from maillage.employers.forms import (
    ConsentForm,
    EmployerOpenForm,
    InvitationForm,
    RulesForm,
    SettingsForm,
    add_service_error,
    month_from_text,
)
from maillage.employers.models import BudgetUnit, Employer, Invitation
from maillage.employers.services import EmployerError

# Each send mails up to 200 addresses under a subject the account chose: a few sends an hour per
# admin are plenty for a real company and make the platform useless as a mailer for spam.
INVITATIONS_LIMIT = Limit("employeur-invitations", attempts=5, window=3600)


def _this_month():
    return selectors.month_first(local_day(timezone.now()))


def _month(request: HttpRequest):
    return month_from_text(request.GET.get("mois"), _this_month())


def _month_text(month) -> str:
    return date_format(month, "F Y")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """« Espace employeur »: my accounts, and opening one."""
    form = EmployerOpenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                employer = services.employer_open(user=request.user, identity=form.identity())
            except EmployerError as error:
                add_service_error(form, error)
                status = error.status
            else:
                messages.success(request, "Compte employeur ouvert.")
                return redirect("employers:dashboard", public_id=employer.public_id)
        else:
            status = 400
    context = {"accounts": selectors.employer_accounts(request.user), "form": form}
    return render(request, "employers/home.html", context, status=status)


def _dashboard_context(request, employer, **forms) -> dict:
    month = _month(request)
    now = timezone.now()
    return {
        "employer": employer,
        "month": month,
        "previous": selectors.month_first(month - timedelta(days=1)),
        "next": selectors.next_month(month),
        "table": month_table.month_table(employer, month),
        "invitations": list(selectors.pending_invitations(employer, now)),
        "invoices": selectors.employer_invoices(employer),
        "join_link": absolute_url("employers:join", public_id=employer.public_id)
        if employer.email_domain
        else "",
        "invite_form": forms.get("invite_form") or InvitationForm(),
        "settings_form": forms.get("settings_form")
        or SettingsForm(
            initial={
                "domaine": employer.email_domain,
                "unite": employer.default_budget_unit,
                "budget": employer.default_monthly_budget
                if employer.default_budget_unit == BudgetUnit.DAYS
                else employer.default_monthly_budget / 100,
                "salles": employer.default_rooms_included,
            }
        ),
        "report": forms.get("report"),
    }


@login_required
def dashboard(request: HttpRequest, public_id) -> HttpResponse:
    employer = selectors.employer_for_admin(request.user, public_id)
    return render(request, "employers/dashboard.html", _dashboard_context(request, employer))


@login_required
def export(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    employer = selectors.employer_for_admin(request.user, public_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Format inconnu.")
    month = _month(request)
    rows = month_table.table_rows(month_table.month_table(employer, month))
    name = f"employeur-{month:%Y-%m}.{fmt}"
    if fmt == "csv":
        return csv_response(month_table.TABLE_HEADER, rows, name)
    return xlsx_response(month_table.TABLE_HEADER, rows, name, title=f"{month:%m-%Y}")


@login_required
@require_POST
def invite(request: HttpRequest, public_id) -> HttpResponse:
    employer = selectors.employer_for_admin(request.user, public_id)
    form = InvitationForm(request.POST)
    check = (INVITATIONS_LIMIT, str(request.user.pk))
    try:
        ratelimit_check(check)
    except Throttled as throttled:
        context = _dashboard_context(request, employer, invite_form=form)
        return throttled_response(request, "employers/dashboard.html", context, throttled)
    if form.is_valid():
        ratelimit_hit(check)
        try:
            report = services.invitation_send(
                actor=request.user, employer=employer, emails=form.cleaned_data["emails"]
            )
        except EmployerError as error:
            add_service_error(form, error)
            status = error.status
        else:
            if report.sent:
                messages.success(request, f"{len(report.sent)} invitation(s) envoyée(s).")
            context = _dashboard_context(request, employer, report=report)
            return render(request, "employers/dashboard.html", context)
    else:
        status = 400
    context = _dashboard_context(request, employer, invite_form=form)
    return render(request, "employers/dashboard.html", context, status=status)


@login_required
@require_POST
def revoke(request: HttpRequest, public_id, invitation_id: int) -> HttpResponse:
    employer = selectors.employer_for_admin(request.user, public_id)
    invitation = selectors.pending_invitation(employer, invitation_id)
    services.invitation_revoke(actor=request.user, employer=employer, invitation_id=invitation.pk)
    messages.success(request, "Invitation retirée.")
    return redirect("employers:dashboard", public_id=employer.public_id)


@login_required
@require_POST
def settings(request: HttpRequest, public_id) -> HttpResponse:
    employer = selectors.employer_for_admin(request.user, public_id)
    form = SettingsForm(request.POST)
    status = 400
    if form.is_valid():
        amount = form.budget_amount()
        if not form.errors:
            try:
                services.employer_settings_set(
                    actor=request.user,
                    employer=employer,
                    email_domain=form.cleaned_data["domaine"],
                    budget_unit=form.cleaned_data["unite"],
                    monthly_budget=amount,
                    rooms_included=form.cleaned_data["salles"],
                )
            except EmployerError as error:
                add_service_error(form, error)
                status = error.status
            else:
                messages.success(request, "Réglages enregistrés.")
                return redirect("employers:dashboard", public_id=employer.public_id)
    context = _dashboard_context(request, employer, settings_form=form)
    return render(request, "employers/dashboard.html", context, status=status)


@login_required
def employee(request: HttpRequest, public_id, employee_id) -> HttpResponse:
    """One employee's rules, and their row of the month table."""
    employer = selectors.employer_for_admin(request.user, public_id)
    person = selectors.employee_of_employer(employer, employee_id)
    form = RulesForm(request.POST or None, initial=RulesForm.initial_for(person))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            amount = form.budget_amount()
            if not form.errors:
                try:
                    services.employee_rules_set(
                        actor=request.user,
                        employee=person,
                        budget_unit=form.cleaned_data["unite"],
                        monthly_budget=amount,
                        places=list(form.cleaned_data["lieux"]),
                        area=form.cleaned_data["zone"],
                        rooms_included=form.cleaned_data["salles"],
                    )
                except EmployerError as error:
                    add_service_error(form, error)
                    status = error.status
                else:
                    messages.success(request, "Règles enregistrées.")
                    return redirect(
                        "employers:employee",
                        public_id=employer.public_id,
                        employee_id=person.public_id,
                    )
    month = _month(request)
    context = {
        "employer": employer,
        "person": person,
        "form": form,
        "month": month,
        "table": month_table.month_table(employer, month, employee=person),
        "caption": f"Mois de {_month_text(month)}",
    }
    return render(request, "employers/employee.html", context, status=status)


@login_required
@require_POST
def employee_leave(request: HttpRequest, public_id, employee_id) -> HttpResponse:
    employer = selectors.employer_for_admin(request.user, public_id)
    person = selectors.employee_of_employer(employer, employee_id)
    services.employee_leave(actor=request.user, employee=person)
    messages.success(
        request, f"{selectors.person_name(person.user)} ne fait plus partie du compte."
    )
    return redirect("employers:dashboard", public_id=employer.public_id)


@login_required
def join(request: HttpRequest, public_id) -> HttpResponse:
    """The join link of an employer with an e-mail domain."""
    employer = (
        Employer.objects.select_related("entity")
        .filter(public_id=public_id)
        .exclude(email_domain="")
        .first()
    )
    if employer is None:
        raise Http404("Lien d'adhésion introuvable.")
    error, status = "", 200
    if request.method == "POST":
        try:
            services.domain_join(user=request.user, employer=employer)
        except EmployerError as refused:
            error, status = refused.message, refused.status
        else:
            messages.success(request, f"Vous avez rejoint le compte de {employer.entity.name}.")
            return redirect("employers:mine")
    context = {"employer": employer, "error": error}
    return render(request, "employers/join.html", context, status=status)


@login_required
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = (
        Invitation.objects.select_related("employer__entity")
        .filter(token=token[:64], revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise Http404("Invitation introuvable ou retirée.")
    error, status = "", 200
    if request.method == "POST":
        try:
            services.invitation_accept(user=request.user, token=token)
        except EmployerError as refused:
            error, status = refused.message, refused.status
        else:
            name = invitation.employer.entity.name
            messages.success(request, f"Vous avez rejoint le compte de {name}.")
            return redirect("employers:mine")
    context = {"invitation": invitation, "error": error}
    return render(request, "employers/accept.html", context, status=status)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """« Mon employeur »: what each employer sees about me, and my consent."""
    jobs = selectors.employments(request.user)
    status = 200
    if request.method == "POST":
        chosen = next(
            (job for job in jobs if str(job.public_id) == request.POST.get("salarie", "")), None
        )
        form = ConsentForm(request.POST)
        if chosen is None or not form.is_valid():
            status = 400
        else:
            services.employee_consent_set(
                user=request.user, employee=chosen, shares_details=form.cleaned_data["partage"]
            )
            messages.success(request, "Votre choix est enregistré.")
            return redirect("employers:mine")
    month = _month(request)
    rows = [
        {
            "job": job,
            "table": month_table.month_table(job.employer, month, employee=job),
        }
        for job in jobs
    ]
    context = {
        "rows": rows,
        "month": month,
        "caption": f"Ce que voit votre employeur — {_month_text(month)}",
    }
    return render(request, "employers/mine.html", context, status=status)
