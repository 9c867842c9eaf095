"""The coordination's label pages: criteria and settings, the applications queue, the audit
page and its decisions, the awards list and its CSV. Coordinators only (404 for anyone else)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.booking.bounds import id_from_text
from maillage.core.tables import csv_response
from maillage.labelling import selectors, services
from maillage.labelling.errors import LabelError
from maillage.labelling.forms import (
    AuditAnswerForm,
    AwardFilterForm,
    CriterionForm,
    GrantForm,
    MessageForm,
    QueueFilterForm,
    ReasonForm,
    SchemeForm,
    VisitForm,
    add_service_error,
)
from maillage.labelling.models import Criterion
from maillage.places.permissions import is_coordinator


def coordination_only(view):
    """Signed in first, then coordinators only: anyone else gets the same 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_coordinator(request.user):
            raise Http404("Introuvable.")
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- criteria and settings


@coordination_only
def criteria(request: HttpRequest) -> HttpResponse:
    scheme = selectors.scheme_current()
    context = {
        "scheme": scheme,
        "criteria": scheme.criteria.filter(retired_at__isnull=True).order_by(
            "group", "position", "id"
        ),
        "retired": scheme.criteria.filter(retired_at__isnull=False).order_by("-retired_at"),
    }
    return render(request, "labelling/criteria.html", context)


@coordination_only
def scheme_edit(request: HttpRequest) -> HttpResponse:
    scheme = selectors.scheme_current()
    if request.method != "POST":
        initial = {
            "name": scheme.name,
            "short_name": scheme.short_name,
            "description": scheme.description,
            "validity_months": scheme.validity_months,
            "reminder_days": ", ".join(str(d) for d in scheme.reminder_days or []),
            "accepting": scheme.accepting,
        }
        form = SchemeForm(initial=initial)
        return render(request, "labelling/scheme_form.html", {"form": form, "scheme": scheme})
    form = SchemeForm(request.POST)
    if form.is_valid():
        try:
            services.scheme_update(user=request.user, scheme=scheme, **form.cleaned_data)
        except LabelError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Paramètres du label enregistrés.")
            return redirect("labelling:criteria")
    return render(
        request, "labelling/scheme_form.html", {"form": form, "scheme": scheme}, status=400
    )


def _criterion(criterion_id: str) -> Criterion:
    criterion = Criterion.objects.filter(pk=id_from_text(criterion_id)).first()
    if criterion is None:
        raise Http404("Critère introuvable.")
    return criterion


@coordination_only
def criterion_new(request: HttpRequest) -> HttpResponse:
    scheme = selectors.scheme_current()
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_create(user=request.user, scheme=scheme, data=form.to_input())
        except LabelError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Critère ajouté.")
            return redirect("labelling:criteria")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "labelling/criterion_form.html", {"form": form, "editing": False}, status=status
    )


@coordination_only
def criterion_edit(request: HttpRequest, criterion_id: str) -> HttpResponse:
    criterion = _criterion(criterion_id)
    if request.method == "POST":
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                services.criterion_update(
                    user=request.user, criterion=criterion, data=form.to_input()
                )
            except LabelError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Critère modifié.")
                return redirect("labelling:criteria")
        status = 400
    else:
        fields = ("group", "title", "description", "mandatory", "evidence_asked")
        initial = {name: getattr(criterion, name) for name in fields}
        form = CriterionForm(initial=initial | {"platform_figure": criterion.platform_figure})
        status = 200
    context = {"form": form, "editing": True, "criterion": criterion}
    return render(request, "labelling/criterion_form.html", context, status=status)


@coordination_only
@require_POST
def criterion_move(request: HttpRequest, criterion_id: str) -> HttpResponse:
    criterion = _criterion(criterion_id)
    try:
        services.criterion_move(
            user=request.user, criterion=criterion, direction=request.POST.get("sens", "")[:10]
        )
    except LabelError as error:
        messages.error(request, error.message)
    return redirect("labelling:criteria")


@coordination_only
@require_POST
def criterion_retire(request: HttpRequest, criterion_id: str) -> HttpResponse:
    criterion = _criterion(criterion_id)
    try:
        outcome = services.criterion_retire(user=request.user, criterion=criterion)
    except LabelError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Critère retiré (les réponses déjà données sont conservées)."
            if outcome == "retired"
            else "Critère supprimé.",
        )
    return redirect("labelling:criteria")


# ---------------------------------------------------------------- queue and audit


@coordination_only
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data["statut"] if form.is_valid() else ""
    context = {"form": form, "applications": selectors.applications_queue(status=status)}
    bad_filter = bool(request.GET) and not form.is_valid()
    return render(request, "labelling/queue.html", context, status=400 if bad_filter else 200)


def _audit_page(request: HttpRequest, application, status: int = 200, **forms) -> HttpResponse:
    answers = selectors.application_answers(application)
    audit_forms = forms.pop("answer_forms", {})
    rows = [
        (
            answer,
            audit_forms.get(
                answer.criterion_id,
                AuditAnswerForm(
                    initial={"verdict": answer.verdict, "audit_comment": answer.audit_comment},
                    prefix=f"c{answer.criterion_id}",
                ),
            ),
        )
        for answer in answers
    ]
    context = {
        "application": application,
        "place": application.place,
        "rows": rows,
        "history": selectors.application_history(application),
        "comment_form": forms.get("comment_form") or MessageForm(prefix="comment"),
        "changes_form": forms.get("changes_form") or MessageForm(prefix="changes"),
        "visit_form": forms.get("visit_form") or VisitForm(),
        "grant_form": forms.get("grant_form") or GrantForm(),
        "refuse_form": forms.get("refuse_form") or ReasonForm(prefix="refuse"),
        "award": getattr(application, "award", None),
    }
    return render(request, "labelling/audit.html", context, status=status)


@coordination_only
def audit(request: HttpRequest, application_id) -> HttpResponse:
    application = selectors.application_get_for_coordinator(
        user=request.user, application_id=application_id
    )
    return _audit_page(request, application)


def _post(request: HttpRequest, application_id, form, call, form_key: str, done: str):
    """Validate `form`, run `call(application, data)`; the audit page again with the errors
    (status 400, or the refusal's status) else a redirect with `done`."""
    application = selectors.application_get_for_coordinator(
        user=request.user, application_id=application_id
    )
    status = 400
    if form.is_valid():
        try:
            call(application, form.cleaned_data)
        except LabelError as error:
            add_service_error(form, error)
            status = error.status
        else:
            messages.success(request, done)
            return redirect("labelling:audit", application.public_id)
    application.refresh_from_db()
    return _audit_page(request, application, status=status, **{form_key: form})


@coordination_only
@require_POST
def answer_audit(request: HttpRequest, application_id, criterion_id: str) -> HttpResponse:
    criterion_pk = id_from_text(criterion_id)
    if criterion_pk is None:
        raise Http404("Critère introuvable.")
    form = AuditAnswerForm(request.POST, prefix=f"c{criterion_pk}")
    application = selectors.application_get_for_coordinator(
        user=request.user, application_id=application_id
    )
    if not application.answers.filter(criterion_id=criterion_pk).exists():
        raise Http404("Critère introuvable.")
    if form.is_valid():
        try:
            services.answer_audit(
                user=request.user,
                application=application,
                criterion_id=criterion_pk,
                **form.cleaned_data,
            )
        except LabelError as error:
            add_service_error(form, error)
            return _audit_page(
                request, application, status=error.status, answer_forms={criterion_pk: form}
            )
        messages.success(request, "Avis enregistré.")
        return redirect(f"{_audit_url(application)}#critere-{criterion_pk}")
    return _audit_page(request, application, status=400, answer_forms={criterion_pk: form})


def _audit_url(application) -> str:
    return reverse("labelling:audit", args=[application.public_id])


@coordination_only
@require_POST
def comment(request: HttpRequest, application_id) -> HttpResponse:
    return _post(
        request,
        application_id,
        MessageForm(request.POST, prefix="comment"),
        lambda a, d: services.application_comment(
            user=request.user, application=a, message=d["message"]
        ),
        "comment_form",
        "Commentaire ajouté à l'historique.",
    )


@coordination_only
@require_POST
def request_changes(request: HttpRequest, application_id) -> HttpResponse:
    return _post(
        request,
        application_id,
        MessageForm(request.POST, prefix="changes"),
        lambda a, d: services.application_request_changes(
            user=request.user, application=a, message=d["message"]
        ),
        "changes_form",
        "Compléments demandés : l'équipe du lieu est prévenue par e-mail.",
    )


@coordination_only
@require_POST
def visit(request: HttpRequest, application_id) -> HttpResponse:
    return _post(
        request,
        application_id,
        VisitForm(request.POST),
        lambda a, d: services.application_set_visit(
            user=request.user, application=a, day=d["visit_on"], message=d["message"]
        ),
        "visit_form",
        "Visite programmée : l'équipe du lieu est prévenue par e-mail.",
    )


@coordination_only
@require_POST
def grant(request: HttpRequest, application_id) -> HttpResponse:
    return _post(
        request,
        application_id,
        GrantForm(request.POST),
        lambda a, d: services.application_grant(
            user=request.user,
            application=a,
            reason=d["reason"],
            override_reason=d["override_reason"],
            starts_on=d["starts_on"],
        ),
        "grant_form",
        "Label accordé : l'équipe du lieu est prévenue par e-mail.",
    )


@coordination_only
@require_POST
def refuse(request: HttpRequest, application_id) -> HttpResponse:
    return _post(
        request,
        application_id,
        ReasonForm(request.POST, prefix="refuse"),
        lambda a, d: services.application_refuse(
            user=request.user, application=a, reason=d["reason"]
        ),
        "refuse_form",
        "Candidature refusée : l'équipe du lieu est prévenue par e-mail.",
    )


# ---------------------------------------------------------------- awards


AWARDS_CSV_HEADER = ["Lieu", "Identifiant du lieu", "Début", "Échéance", "État", "Type"]


@coordination_only
def awards(request: HttpRequest) -> HttpResponse:
    form = AwardFilterForm(request.GET or None)
    which = form.cleaned_data["etat"] if form.is_valid() else ""
    today = timezone.localdate()
    rows = [
        selectors.AwardRow(award, selectors.award_state(award, today))
        for award in selectors.awards_list(today=today, which=which)
    ]
    if request.GET.get("format") == "csv":
        return csv_response(
            AWARDS_CSV_HEADER,
            [
                [
                    r.award.place.name,
                    str(r.award.place.public_id),
                    r.award.starts_on.isoformat(),
                    r.award.expires_on.isoformat(),
                    r.state,
                    r.award.application.get_kind_display(),
                ]
                for r in rows
            ],
            f"labels-{which or 'tous'}-{today.isoformat()}.csv",
        )
    context = {
        "form": form,
        "rows": rows,
        "which": which,
    }
    bad_filter = bool(request.GET) and not form.is_valid()
    return render(request, "labelling/awards.html", context, status=400 if bad_filter else 200)


def _award_action(request: HttpRequest, award_id, action) -> HttpResponse:
    award = selectors.award_get_for_coordinator(user=request.user, award_id=award_id)
    try:
        action(award)
    except LabelError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Label mis à jour : l'équipe du lieu est prévenue par e-mail.")
    return redirect("labelling:awards")


@coordination_only
@require_POST
def award_suspend(request: HttpRequest, award_id) -> HttpResponse:
    reason = request.POST.get("suspend-reason", "")[:5001]
    return _award_action(
        request,
        award_id,
        lambda a: services.award_suspend(user=request.user, award=a, reason=reason),
    )


@coordination_only
@require_POST
def award_reinstate(request: HttpRequest, award_id) -> HttpResponse:
    return _award_action(
        request, award_id, lambda a: services.award_reinstate(user=request.user, award=a)
    )


@coordination_only
@require_POST
def award_revoke(request: HttpRequest, award_id) -> HttpResponse:
    reason = request.POST.get("revoke-reason", "")[:5001]
    return _award_action(
        request,
        award_id,
        lambda a: services.award_revoke(user=request.user, award=a, reason=reason),
    )
