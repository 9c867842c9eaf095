"""Pages of the consultations « gommettes ». Thin: reach the consultation through the selectors
(not yours → 404), write through the services, render. Results are refused with a 403 message
while the consultation hides them, on every path (page, export, API)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.consultation import exports, selectors, services
from maillage.consultation.charts import results_chart
from maillage.consultation.errors import ConsultationError
from maillage.consultation.forms import BallotForm, ConsultationForm, add_service_error
from maillage.consultation.models import Consultation, Invitation
from maillage.consultation.phases import (
    HIDDEN_MESSAGE,
    PHASE_LABELS,
    Phase,
    phase,
    results_visible,
)
from maillage.core.ratelimit import (
    Limit,
    Throttled,
    client_ip,
    ratelimit_check,
    ratelimit_hit,
    throttled_response,
)
from maillage.employers.forms import InvitationForm
from maillage.places.permissions import is_coordinator

# A send mails up to 200 addresses: a few sends an hour are plenty for a real consultation and
# make the platform useless as a mailer for spam.
INVITATIONS_LIMIT = Limit("consultation-invitations", attempts=10, window=3600)
# Invitation links post without an account: per link and per address.
VOTE_LIMIT = Limit("consultation-vote", attempts=30, window=3600)
VOTE_IP_LIMIT = Limit("consultation-vote-ip", attempts=300, window=3600)


def _or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except ConsultationError as error:
        raise Http404(error.message) from None


def _coordinator_only(request: HttpRequest) -> None:
    if not is_coordinator(request.user):
        raise Http404("Page introuvable.")


@login_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [
        {"consultation": c, "phase": phase(c, now), "phase_label": PHASE_LABELS[phase(c, now)]}
        for c in selectors.consultations_for(request.user, now)
    ]
    context = {"rows": rows, "coordinator": is_coordinator(request.user)}
    return render(request, "consultation/list.html", context)


@login_required
def consultation_create(request: HttpRequest) -> HttpResponse:
    _coordinator_only(request)
    form = ConsultationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consultation = services.consultation_create(
                    actor=request.user,
                    settings=form.settings(),
                    options=form.cleaned_data["options"],
                )
            except ConsultationError as error:
                add_service_error(form, error)
                status = error.status
            else:
                messages.success(request, "Consultation enregistrée en brouillon.")
                return redirect("consultation:manage", public_id=consultation.public_id)
        else:
            status = 400
    return render(
        request, "consultation/form.html", {"form": form, "consultation": None}, status=status
    )


@login_required
def consultation_edit(request: HttpRequest, public_id) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_coordinator, request.user, public_id)
    form = ConsultationForm(
        request.POST or None, initial=ConsultationForm.initial_for(consultation)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.consultation_update(
                    actor=request.user,
                    consultation=consultation,
                    settings=form.settings(),
                    options=form.cleaned_data["options"],
                )
            except ConsultationError as error:
                add_service_error(form, error)
                status = error.status
            else:
                messages.success(request, "Consultation modifiée.")
                return redirect("consultation:manage", public_id=consultation.public_id)
        else:
            status = 400
    context = {
        "form": form,
        "consultation": consultation,
        "frozen": consultation.ballots.exists(),
    }
    return render(request, "consultation/form.html", context, status=status)


@login_required
def consultation_manage(request: HttpRequest, public_id) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_coordinator, request.user, public_id)
    now = timezone.now()
    current = phase(consultation, now)
    context = {
        "consultation": consultation,
        "phase": current,
        "phase_label": PHASE_LABELS[current],
        "participation": selectors.participation(consultation),
        "options": consultation.options.all(),
        "results_visible": results_visible(consultation, now),
        "invitations": selectors.invitations_of(consultation)[:500],
    }
    return render(request, "consultation/manage.html", context)


def _action(request: HttpRequest, public_id, service, done: str) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_coordinator, request.user, public_id)
    try:
        service(actor=request.user, consultation=consultation)
    except ConsultationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("consultation:manage", public_id=consultation.public_id)


@login_required
@require_POST
def consultation_publish(request: HttpRequest, public_id) -> HttpResponse:
    return _action(request, public_id, services.consultation_publish, "Consultation publiée.")


@login_required
@require_POST
def consultation_close(request: HttpRequest, public_id) -> HttpResponse:
    return _action(
        request, public_id, services.consultation_close, "Vote clos : les résultats sont publiés."
    )


@login_required
def consultation_invite(request: HttpRequest, public_id) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_coordinator, request.user, public_id)
    form = InvitationForm(request.POST or None)
    context = {"consultation": consultation, "form": form, "report": None}
    status = 200
    if request.method == "POST":
        checks = ((INVITATIONS_LIMIT, f"user:{request.user.pk}"),)
        try:
            ratelimit_check(*checks)
        except Throttled as throttled:
            return throttled_response(request, "consultation/invite.html", context, throttled)
        if form.is_valid():
            try:
                report = services.invitations_send(
                    actor=request.user,
                    consultation=consultation,
                    emails=form.cleaned_data["emails"],
                )
            except ConsultationError as error:
                form.add_error("emails", error.message)
                status = error.status
            else:
                ratelimit_hit(*checks)
                context["report"] = report
                if report.sent:
                    messages.success(
                        request, f"{len(report.sent)} invitation(s) envoyée(s) par e-mail."
                    )
        else:
            status = 400
    return render(request, "consultation/invite.html", context, status=status)


def _ballot_page(
    request: HttpRequest,
    consultation: Consultation,
    *,
    voter: services.Voter,
    results_link: str,
    throttle: tuple,
) -> HttpResponse:
    """The vote page for either kind of participant; POST records the ballot (PRG)."""
    now = timezone.now()
    current = phase(consultation, now)
    options = list(consultation.options.all())
    mine = selectors.ballot_of(consultation, user=voter.user, invitation=voter.invitation)
    initial = {f"option-{option_id}": points for option_id, points in mine.items()}
    form = BallotForm(
        request.POST or None, consultation=consultation, options=options, initial=initial
    )
    status = 200
    if request.method == "POST":
        try:
            ratelimit_check(*throttle)
        except Throttled as throttled:
            context = _ballot_context(consultation, form, current, mine, results_link, now)
            return throttled_response(request, "consultation/ballot.html", context, throttled)
        ratelimit_hit(*throttle)
        if form.is_valid():
            try:
                services.ballot_submit(
                    consultation=consultation, voter=voter, points=form.points(), now=now
                )
            except ConsultationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    "Votre vote est enregistré. Vous pouvez le modifier jusqu'à la clôture.",
                )
                return redirect(request.path)
        else:
            status = 400
    context = _ballot_context(consultation, form, current, mine, results_link, now)
    return render(request, "consultation/ballot.html", context, status=status)


def _ballot_context(consultation, form, current, mine, results_link, now) -> dict:
    return {
        "consultation": consultation,
        "form": form,
        "phase": current,
        "can_vote": current == Phase.OPEN,
        "has_ballot": bool(mine),
        "spent": sum(mine.values()),
        "remaining": consultation.points - sum(mine.values()),
        "results_link": results_link if results_visible(consultation, now) else "",
    }


@login_required
def ballot(request: HttpRequest, public_id) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_member, request.user, public_id)
    if consultation.access != Consultation.Access.OPEN:
        raise Http404("Consultation introuvable.")
    return _ballot_page(
        request,
        consultation,
        voter=services.Voter(user=request.user),
        results_link=reverse("consultation:results", args=[consultation.public_id]),
        throttle=((VOTE_LIMIT, f"user:{request.user.pk}"),),
    )


def _invitation(token: str) -> Invitation:
    try:
        return services.invitation_from_token(token)
    except ConsultationError as error:
        if error.status == 410:
            raise _Gone(error.message) from None
        raise Http404(error.message) from None


class _Gone(Exception):
    pass


def _gone(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "consultation/gone.html", {"message": message}, status=410)


def invited(request: HttpRequest, token: str) -> HttpResponse:
    """The vote page of a personal link: no account needed."""
    try:
        invitation = _invitation(token)
    except _Gone as gone:
        return _gone(request, str(gone))
    return _ballot_page(
        request,
        invitation.consultation,
        voter=services.Voter(invitation=invitation),
        results_link=reverse("consultation:invited_results", args=[token]),
        throttle=(
            (VOTE_LIMIT, f"invitation:{invitation.pk}"),
            (VOTE_IP_LIMIT, client_ip(request)),
        ),
    )


def _results_page(request: HttpRequest, consultation: Consultation, back: str) -> HttpResponse:
    now = timezone.now()
    if not results_visible(consultation, now):
        context = {"consultation": consultation, "message": HIDDEN_MESSAGE, "back": back}
        return render(request, "consultation/hidden.html", context, status=403)
    results = selectors.results_compute(consultation)
    context = {
        "consultation": consultation,
        "results": results,
        "chart": results_chart(consultation, results),
        "closed": phase(consultation, now) == Phase.CLOSED,
        "coordinator": is_coordinator(request.user),
        "back": back,
    }
    return render(request, "consultation/results.html", context)


@login_required
def results(request: HttpRequest, public_id) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_member, request.user, public_id)
    name = "consultation:manage" if is_coordinator(request.user) else "consultation:ballot"
    back = reverse(name, args=[consultation.public_id])
    return _results_page(request, consultation, back)


def invited_results(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = _invitation(token)
    except _Gone as gone:
        return _gone(request, str(gone))
    return _results_page(
        request, invitation.consultation, reverse("consultation:invited", args=[token])
    )


@login_required
def results_export(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    consultation = _or_404(selectors.consultation_for_coordinator, request.user, public_id)
    if not results_visible(consultation, timezone.now()):
        back = reverse("consultation:manage", args=[consultation.public_id])
        context = {"consultation": consultation, "message": HIDDEN_MESSAGE, "back": back}
        return render(request, "consultation/hidden.html", context, status=403)
    return exports.results_response(consultation, selectors.results_compute(consultation), fmt)
