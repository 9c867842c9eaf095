"""The place team's label pages. Thin: the selectors decide who sees what (404 for anyone
else, login first), the services write and refuse in French, the page renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.booking.bounds import id_from_text
from maillage.core.ratelimit import Limit, Throttled, ratelimit_check, ratelimit_hit
from maillage.labelling import selectors, services
from maillage.labelling.errors import LabelError
from maillage.labelling.forms import AnswerForm, add_service_error
from maillage.labelling.models import Application, Award, Criterion
from maillage.labelling.platform import platform_figure
from maillage.places.permissions import is_coordinator

# Signed-in teams only, but a runaway session should not fill the private storage.
EVIDENCE_LIMIT = Limit("label-evidence", attempts=60, window=3600)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """« Label » section: the label's criteria, the user's places and their applications."""
    scheme = selectors.scheme_current()
    today = timezone.localdate()
    places = list(selectors.team_places(user=request.user))
    in_force = {
        a.place_id: a
        for a in Award.objects.active_on(today).filter(scheme=scheme, place__in=places)
    }
    open_ids = dict(
        Application.objects.filter(
            scheme=scheme, place__in=places, status__in=Application.OPEN_STATUSES
        ).values_list("place_id", "public_id")
    )
    rows = [(p, in_force.get(p.pk), open_ids.get(p.pk)) for p in places]
    context = {
        "scheme": scheme,
        "rows": rows,
        "applications": selectors.applications_for_team(user=request.user),
        "criteria": scheme.criteria.filter(retired_at__isnull=True),
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "labelling/home.html", context)


@login_required
def place_label(request: HttpRequest, place_id) -> HttpResponse:
    """One place's label: award in force, applications, history; the apply button."""
    place = selectors.place_get_for_team(user=request.user, place_id=place_id)
    scheme = selectors.scheme_current()
    today = timezone.localdate()
    context = {
        "place": place,
        "scheme": scheme,
        "award": Award.objects.active_on(today).filter(scheme=scheme, place=place).first(),
        "awards": place.label_awards.filter(scheme=scheme).order_by("-starts_on", "-id"),
        "applications": place.label_applications.filter(scheme=scheme).order_by("-created_at"),
        "history": selectors.place_history(place),
        "today": today,
    }
    return render(request, "labelling/place.html", context)


@login_required
def apply(request: HttpRequest, place_id) -> HttpResponse:
    """GET: what applying means; POST: open the application (refused if one is open)."""
    place = selectors.place_get_for_team(user=request.user, place_id=place_id)
    scheme = selectors.scheme_current()
    context = {"place": place, "scheme": scheme}
    if request.method != "POST":
        return render(request, "labelling/apply.html", context)
    try:
        application = services.application_open(user=request.user, scheme=scheme, place=place)
    except LabelError as error:
        context["error"] = error.message
        return render(request, "labelling/apply.html", context, status=error.status)
    messages.success(request, "Candidature ouverte : répondez à chaque critère puis déposez-la.")
    return redirect("labelling:application", application.public_id)


def _application_context(application: Application) -> dict:
    answers = selectors.application_answers(application)
    live = application.status in services.EDITABLE
    figures = {}
    for answer in answers:
        if answer.criterion.platform_figure:
            figures[answer.pk] = (
                platform_figure(application.place, answer.criterion.platform_figure)
                if live
                else answer.platform_value
            )
    return {
        "application": application,
        "place": application.place,
        "answers": [
            (a, figures.get(a.pk))
            for a in answers
            if a.criterion.retired_at is None or a.self_assessment
        ],
        "history": selectors.application_history(application),
        "editable": live,
        "is_open": application.status in Application.OPEN_STATUSES,
        "figures_frozen": not live,
        "missing": set(),
    }


@login_required
def application_detail(request: HttpRequest, application_id) -> HttpResponse:
    application = selectors.application_get_for_team(
        user=request.user, application_id=application_id
    )
    return render(request, "labelling/application.html", _application_context(application))


@login_required
def answer_edit(request: HttpRequest, application_id, criterion_id: str) -> HttpResponse:
    """The team's answer to one criterion: self-assessment, comment, links, one more file."""
    application = selectors.application_get_for_team(
        user=request.user, application_id=application_id
    )
    criterion = Criterion.objects.filter(
        pk=id_from_text(criterion_id), scheme_id=application.scheme_id, retired_at__isnull=True
    ).first()
    if criterion is None:
        raise Http404("Critère introuvable.")
    answer = application.answers.filter(criterion=criterion).first()
    context = {
        "application": application,
        "criterion": criterion,
        "answer": answer,
        "figure": platform_figure(application.place, criterion.platform_figure),
        "editable": application.status in services.EDITABLE,
    }
    if request.method != "POST":
        initial = {}
        if answer is not None:
            initial = {
                "self_assessment": answer.self_assessment,
                "comment": answer.comment,
                "links": "\n".join(answer.links or []),
            }
        context["form"] = AnswerForm(initial=initial)
        return render(request, "labelling/answer.html", context)
    form = AnswerForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "labelling/answer.html", context, status=400)
    data = form.cleaned_data
    if data["file"]:
        check = (EVIDENCE_LIMIT, str(request.user.pk))
        try:
            ratelimit_check(check)
        except Throttled as error:
            form.add_error("file", error.message)
            response = render(request, "labelling/answer.html", context, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        ratelimit_hit(check)
    try:
        services.answer_save(
            user=request.user,
            application=application,
            criterion_id=criterion.pk,
            self_assessment=data["self_assessment"],
            comment=data["comment"],
            links=data["links"],
            upload=data["file"],
        )
    except LabelError as error:
        add_service_error(form, error)
        return render(request, "labelling/answer.html", context, status=400)
    messages.success(request, f"Réponse enregistrée : {criterion.title}.")
    return redirect("labelling:application", application.public_id)


@login_required
@require_POST
def submit(request: HttpRequest, application_id) -> HttpResponse:
    application = selectors.application_get_for_team(
        user=request.user, application_id=application_id
    )
    try:
        services.application_submit(user=request.user, application=application)
    except LabelError as error:
        context = _application_context(application)
        context["submit_error"] = error.message
        context["missing"] = set(getattr(error, "missing", []))
        return render(request, "labelling/application.html", context, status=error.status)
    messages.success(request, "Candidature déposée : la coordination va l'examiner.")
    return redirect("labelling:application", application.public_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, application_id) -> HttpResponse:
    application = selectors.application_get_for_team(
        user=request.user, application_id=application_id
    )
    try:
        services.application_withdraw(user=request.user, application=application)
    except LabelError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Candidature retirée.")
    return redirect("labelling:application", application.public_id)


@login_required
def evidence_download(request: HttpRequest, evidence_id) -> FileResponse:
    """Only to the place's team and the coordination, always as a download."""
    evidence = selectors.evidence_get_for_team(user=request.user, evidence_id=evidence_id)
    storage = services.evidence_storage()
    if not evidence.path or not storage.exists(evidence.path):
        raise Http404("Fichier introuvable.")
    response = FileResponse(
        storage.open(evidence.path, "rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_id) -> HttpResponse:
    evidence = selectors.evidence_get_for_team(user=request.user, evidence_id=evidence_id)
    application = evidence.answer.application
    try:
        services.evidence_remove(user=request.user, evidence=evidence)
    except LabelError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Justificatif supprimé.")
    return redirect("labelling:application", application.public_id)
