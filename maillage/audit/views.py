"""The coordination's journal page and its CSV download."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from maillage.accounts.services import ERASED_EMAIL_DOMAIN
from maillage.audit.forms import JournalFilterForm
from maillage.audit.models import AuditEvent
from maillage.audit.selectors import events_for_coordination
from maillage.core.tables import csv_response
from maillage.tasks.selectors import outbox_state

PAGE_SIZE = 50
DELETED_ACCOUNT = "compte supprimé"
PLATFORM = "sans compte (plateforme)"
CSV_HEADER = ["Date (heure de Paris)", "Personne", "Action", "Type d'objet", "Objet", "Résumé"]


def actor_label(event: AuditEvent) -> str:
    """The person's e-mail while the account exists; no copy is kept once it is deleted or
    erased (accounts.services.account_erase leaves a non-routable address)."""
    if event.actor is not None:
        if event.actor.email.endswith("@" + ERASED_EMAIL_DOMAIN):
            return DELETED_ACCOUNT
        return event.actor.email
    return PLATFORM if event.by_platform else DELETED_ACCOUNT


def _events(request: HttpRequest) -> tuple[JournalFilterForm, object]:
    form = JournalFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, events_for_coordination(user=request.user).none()
    filters = form.filters() if form.is_bound else {}
    return form, events_for_coordination(user=request.user, **filters)


@login_required
def journal(request: HttpRequest) -> HttpResponse:
    form, events = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for event in page:
        event.actor_label = actor_label(event)
    context = {"form": form, "page": page, "query": query.urlencode(), "outbox": outbox_state()}
    return render(request, "audit/journal.html", context)


@login_required
def journal_csv(request: HttpRequest) -> HttpResponse:
    _form, events = _events(request)
    rows = [
        [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            actor_label(event),
            event.action,
            event.object_type,
            event.object_id,
            event.summary,
        ]
        for event in events.iterator(chunk_size=2000)
    ]
    return csv_response(CSV_HEADER, rows, "journal.csv")
