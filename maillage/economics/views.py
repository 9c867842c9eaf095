"""Business-plan pages: thin views over services (writes) and selectors (reads)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maillage.core.ratelimit import Throttled, throttled_response
from maillage.core.tables import XLSX_TYPE, attachment, csv_response
from maillage.economics import selectors, services
from maillage.economics.catchment import catchment_need
from maillage.economics.document import document_input
from maillage.economics.engine import Pool
from maillage.economics.forms import (
    CreateForm,
    InviteForm,
    document_from_post,
    errors_on_page,
    page_sections,
)
from maillage.economics.permissions import can_manage, plan_for
from maillage.economics.realised import place_realised, realised_rows, workbook_realised
from maillage.economics.workbook import plan_workbook
from maillage.places.models import Place
from maillage.places.permissions import is_coordinator, managed_organisation_ids


def _my_places(user):
    places = Place.objects.order_by("name")
    if is_coordinator(user):
        return places
    return places.filter(operator_id__in=managed_organisation_ids(user))


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """« Plans d'affaires »: the plans I see, and the form to start one."""
    form = CreateForm(request.POST or None, places=_my_places(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                place=form.cleaned_data["place"],
                project_name=form.cleaned_data["project_name"],
                commune=form.cleaned_data["commune"],
            )
        except services.PlanRefused as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "Plan créé : saisissez ses hypothèses.")
            return redirect("economics:edit", public_id=plan.public_id)
    status = 400 if request.method == "POST" else 200
    plans = selectors.plans_of(request.user)
    return render(request, "economics/list.html", {"plans": plans, "form": form}, status=status)


@login_required
def plan_edit(request: HttpRequest, public_id) -> HttpResponse:
    """The hypotheses in sections; nothing is saved unless the whole plan passes the checks."""
    plan = plan_for(request.user, public_id)
    document, errors, values, version = plan.inputs, {}, None, plan.version
    conflict = ""
    status = 200
    if request.method == "POST":
        years_before = _bounded_int(request.POST.get("annees_avant"), 1, 15, 1)
        document, errors, renumber = document_from_post(request.POST, years_before)
        version = _bounded_int(request.POST.get("version"), 0, 2**31, 0)
        resized = document.get("annees") in range(1, 16) and document["annees"] != years_before
        if "copier_central" in request.POST:
            target = request.POST.get("copier_central")
            if target in ("prudent", "optimiste"):
                document["occupation"][target] = {
                    pool: list(rates) for pool, rates in document["occupation"]["central"].items()
                }
            messages.info(request, "Occupation du scénario central copiée : enregistrez le plan.")
        elif resized and not errors:
            # New years were filled with the last year's values: shown, never saved unseen.
            messages.info(
                request,
                "Durée changée : les montants et occupations de la dernière année sont reportés "
                "sur les nouvelles années. Vérifiez les nouvelles années puis enregistrez.",
            )
        elif not errors:
            try:
                services.plan_save(actor=request.user, plan=plan, inputs=document, version=version)
            except services.PlanRefused as refused:
                errors = errors_on_page(refused.errors, renumber)
            except services.PlanConflict as exc:
                conflict = exc.message
            else:
                messages.success(request, "Hypothèses enregistrées.")
                return redirect("economics:results", public_id=plan.public_id)
        else:
            _, engine_errors = document_input(document)
            errors = errors | {
                k: v for k, v in errors_on_page(engine_errors, renumber).items() if k not in errors
            }
        if errors:
            values = request.POST
            status = 400
        elif conflict:
            values = request.POST
            status = 409
        else:
            values = None  # « copier le central » or a new duration: show the document rebuilt
    context = _edit_context(request, plan, document, errors, values) | {
        "version": version,
        "conflict": conflict,
    }
    return render(request, "economics/edit.html", context, status=status)


def _edit_context(request, plan, document=None, errors=None, values=None) -> dict:
    document = plan.inputs if document is None else document
    return {
        "plan": plan,
        "sections": page_sections(document, errors or {}, values),
        "version": plan.version,
        "years": document.get("annees") if isinstance(document.get("annees"), int) else 1,
        "errors": errors or {},
        "conflict": "",
        "can_manage": can_manage(request.user, plan),
        "invite_form": InviteForm(),
        "members": list(plan.members.order_by("display_name", "pk")) if not plan.place_id else [],
        "is_member": not plan.place_id and plan.members.filter(pk=request.user.pk).exists(),
    }


def _bounded_int(value, low: int, high: int, default: int) -> int:
    try:
        number = int(str(value)[:12])
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _results_context(plan) -> dict:
    computed = selectors.plan_computed(plan)
    context = {"plan": plan, "computed": computed}
    if computed.result is not None:
        context |= {
            "calendar": [computed.plan.first_year + y for y in range(computed.plan.years)],
            "scenarios": selectors.comparison(computed.result),
            "chart": selectors.balance_chart(computed.plan, computed.result),
            "vat_liable": computed.plan.vat_liable,
            "seats": sum(c.units for c in computed.plan.capacities if c.pool == Pool.SEATS),
        }
    return context


def _catchment(plan):
    commune = plan.place.commune if plan.place_id else plan.commune
    if commune is None:
        return None
    try:
        return catchment_need(commune)
    except Http404:  # no located commune around: no figure rather than an error
        return None


@login_required
def plan_results(request: HttpRequest, public_id) -> HttpResponse:
    """The P&L of each scenario, the scenarios side by side, the chart and the downloads."""
    plan = plan_for(request.user, public_id)
    context = _results_context(plan) | {"catchment": _catchment(plan)}
    computed = context["computed"]
    if plan.place_id and computed.result is not None:
        context["realised"] = realised_rows(
            computed.plan, computed.result, place_realised(plan.place, computed.plan)
        )
    return render(request, "economics/results.html", context)


@login_required
def plan_print(request: HttpRequest, public_id) -> HttpResponse:
    """The same results on a printable page (A4, no navigation)."""
    plan = plan_for(request.user, public_id)
    return render(request, "economics/print.html", _results_context(plan))


@login_required
def plan_download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    """XLSX (the workbook of formulas) or CSV (every line of every scenario)."""
    plan = plan_for(request.user, public_id)
    computed = selectors.plan_computed(plan)
    if fmt not in ("xlsx", "csv") or computed.result is None:
        raise Http404
    filename = f"plan-affaires-{plan.public_id}"
    if fmt == "csv":
        header, rows = selectors.csv_rows(computed.plan, computed.result)
        return csv_response(header, rows, f"{filename}.csv")
    realised = None
    if plan.place_id:
        realised = workbook_realised(computed.plan, place_realised(plan.place, computed.plan))
    body = plan_workbook(computed.plan, title=f"{plan.name} — {plan.subject}", realised=realised)
    return attachment(body, XLSX_TYPE, f"{filename}.xlsx")


@login_required
@require_POST
def plan_duplicate(request: HttpRequest, public_id) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    copy = services.plan_duplicate(actor=request.user, plan=plan)
    messages.success(request, "Plan dupliqué.")
    return redirect("economics:edit", public_id=copy.public_id)


@login_required
def plan_delete(request: HttpRequest, public_id) -> HttpResponse:
    """A confirmation page first (GET, or a POST without « confirmer »), then the deletion."""
    plan = plan_for(request.user, public_id)
    if not can_manage(request.user, plan):
        messages.error(
            request,
            "Seule l'équipe du lieu ou la personne qui a créé le projet peut supprimer ce plan.",
        )
        return redirect("economics:edit", public_id=plan.public_id)
    if request.method != "POST" or request.POST.get("confirmer") != "oui":
        return render(request, "economics/delete.html", {"plan": plan})
    try:
        services.plan_delete(actor=request.user, plan=plan)
    except services.PlanRefused as refused:
        messages.error(request, refused.errors[""])
        return redirect("economics:edit", public_id=plan.public_id)
    messages.success(request, "Plan supprimé.")
    return redirect("economics:list")


@login_required
@require_POST
def plan_invite(request: HttpRequest, public_id) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Saisissez une adresse e-mail valide.")
    else:
        try:
            services.plan_invite(actor=request.user, plan=plan, email=form.cleaned_data["email"])
        except services.PlanRefused as refused:
            messages.error(request, next(iter(refused.errors.values())))
        except Throttled as throttled:
            return throttled_response(
                request, "economics/edit.html", _edit_context(request, plan), throttled
            )
        else:
            messages.success(request, services.INVITE_DONE)
    return redirect("economics:edit", public_id=plan.public_id)


@login_required
@require_POST
def plan_member_remove(request: HttpRequest, public_id) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    member_id = _bounded_int(request.POST.get("membre"), 1, 2**62, 0)
    try:
        services.plan_member_remove(actor=request.user, plan=plan, member_id=member_id)
    except services.PlanRefused as refused:
        messages.error(request, refused.errors[""])
    else:
        messages.success(request, "Membre retiré du projet.")
    return redirect("economics:edit", public_id=plan.public_id)


@login_required
@require_POST
def plan_leave(request: HttpRequest, public_id) -> HttpResponse:
    plan = plan_for(request.user, public_id)
    try:
        services.plan_leave(actor=request.user, plan=plan)
    except services.PlanRefused as refused:
        messages.error(request, refused.errors[""])
        return redirect("economics:edit", public_id=plan.public_id)
    messages.success(request, "Vous avez quitté le projet.")
    return redirect("economics:list")
