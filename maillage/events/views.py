"""Pages of the events: the public agenda, an event with register/cancel, « Mes événements », the
organisers' pages (publish, edit, cancel, registrations with attendance and CSV), and the feeds."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from maillage.booking.bounds import id_from_text
from maillage.core.ratelimit import Limit, Throttled, ratelimit_check, ratelimit_hit
from maillage.core.tables import csv_response
from maillage.events import payment_services, selectors, services
from maillage.events.calendars import events_calendar_bytes
from maillage.events.errors import EventError
from maillage.events.forms import NETWORK, AgendaForm, EventForm
from maillage.events.models import Event, Registration
from maillage.events.permissions import can_manage_event
from maillage.payments.forms import METHOD_CHOICES, SettleForm, euros_text
from maillage.places.models import Place
from maillage.places.opening_hours import PARIS
from maillage.places.permissions import is_coordinator
from maillage.places.selectors import place_get_public

# Registering sends an e-mail: a signed-in account cannot turn the platform into a mailer.
REGISTER_LIMIT = Limit(scope="events-register", attempts=30, window=3600)
FEED_CACHE_SECONDS = 300


def _agenda_filters(form: AgendaForm) -> selectors.AgendaFilters:
    data = form.cleaned_data
    return selectors.AgendaFilters(
        since=data.get("du"),
        until=data.get("au"),
        area=data.get("zone") or "",
        theme=data.get("theme") or "",
    )


def _map_features(events) -> list[dict]:
    """Events with a place, for the agenda map (public fields only)."""
    features = []
    for event in events:
        if event.place_id is None:
            continue
        start = event.starts_at.astimezone(PARIS)
        features.append(
            {
                "lat": event.place.latitude,
                "lon": event.place.longitude,
                "title": event.title,
                "when": f"{start:%d/%m/%Y %H:%M}",
                "place": event.place.name,
                "url": reverse("events:detail", kwargs={"public_id": event.public_id}),
            }
        )
    return features


@require_safe
def agenda(request: HttpRequest) -> HttpResponse:
    form = AgendaForm(request.GET)
    events = []
    if form.is_valid():
        events = list(selectors.agenda(filters=_agenda_filters(form))[: selectors.AGENDA_LIMIT])
    context = {
        "form": form,
        "events": events,
        "map_config": {
            "tileUrl": settings.MAILLAGE_TILE_URL,
            "tileAttribution": settings.MAILLAGE_TILE_ATTRIBUTION,
            "events": _map_features(events),
        },
    }
    return render(request, "events/agenda.html", context, status=200 if form.is_valid() else 400)


@require_safe
def detail(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_public(public_id=public_id)
    now = timezone.now()
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "registration": selectors.registration_of(event=event, user=request.user),
            "can_manage": can_manage_event(request.user, event),
            "open": event.status == Event.Status.PUBLISHED and event.starts_at > now,
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_public(public_id=public_id)
    identity = ((REGISTER_LIMIT, str(request.user.pk)),)
    try:
        ratelimit_check(*identity)
        registration = services.registration_create(event=event, user=request.user)
    except Throttled as throttled:
        messages.error(request, throttled.message)
    except EventError as error:
        messages.error(request, error.message)
    else:
        ratelimit_hit(*identity)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(
                request,
                "Inscription confirmée : un e-mail avec l'événement pour votre agenda suit.",
            )
        else:
            messages.success(
                request,
                "L'événement est complet : vous êtes sur la liste d'attente. Si une place se "
                "libère, elle vous est attribuée et vous recevez un e-mail.",
            )
    return redirect("events:detail", public_id=event.public_id)


@login_required
@require_POST
def unregister(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_public(public_id=public_id)
    try:
        cancelled = services.registration_cancel(event=event, user=request.user)
    except EventError as error:
        messages.error(request, error.message)
    else:
        if cancelled is None:
            messages.info(request, "Vous n'étiez pas (ou plus) inscrit à cet événement.")
        elif cancelled.invoice_id:
            messages.success(
                request,
                "Inscription annulée. Vous l'aviez réglée : un avoir est émis et le lieu vous "
                "rembourse.",
            )
        else:
            messages.success(request, "Inscription annulée.")
    return redirect("events:detail", public_id=event.public_id)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/mine.html",
        {"registrations": selectors.user_registrations(user=request.user)},
    )


# --- Organisers ------------------------------------------------------------------------------


@login_required
@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    places = selectors.organiser_places(user=request.user)
    network = is_coordinator(request.user)
    return render(
        request,
        "events/manage.html",
        {
            "events": selectors.team_events(user=request.user)[:200],
            "can_publish": network or places.exists(),
        },
    )


def _organiser(choice: str, places) -> Place | None:
    if choice == NETWORK:
        return None
    return places.get(public_id=choice)


@login_required
def new(request: HttpRequest) -> HttpResponse:
    places = selectors.organiser_places(user=request.user)
    network = is_coordinator(request.user)
    if not network and not places.exists():
        raise Http404("Aucun lieu à votre nom.")
    initial = {}
    wanted = request.GET.get("lieu", "")[:40]
    if wanted:
        initial["organisateur"] = wanted
    form = EventForm(request.POST or None, places=places, network=network, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                event = services.event_create(
                    user=request.user,
                    place=_organiser(form.cleaned_data["organisateur"], places),
                    data=form.event_input(),
                )
            except EventError as error:
                form.add_error(_field(form, error), error.message)
            else:
                messages.success(request, "Événement publié.")
                return redirect("events:detail", public_id=event.public_id)
    return render(request, "events/form.html", {"form": form, "event": None}, status=status)


def _field(form, error: EventError) -> str | None:
    return error.field if error.field in form.fields else None


@login_required
def edit(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_for_team(user=request.user, public_id=public_id)
    start, end = event.starts_at.astimezone(PARIS), event.ends_at.astimezone(PARIS)
    initial = {
        "titre": event.title,
        "description": event.description,
        "date": start.date(),
        "debut": start.time().replace(second=0),
        "fin": end.time().replace(second=0),
        "date_fin": end.date() if end.date() != start.date() else None,
        "places": event.capacity,
        "theme": event.theme,
        "public": event.audience,
        "en_ligne": event.online_url,
        "prix": event.price_cents / 100 if event.price_cents else None,
    }
    form = EventForm(request.POST or None, initial=initial, fixed=event)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.event_update(user=request.user, event=event, data=form.event_input())
            except EventError as error:
                form.add_error(_field(form, error), error.message)
            else:
                messages.success(request, "Événement modifié.")
                return redirect("events:detail", public_id=event.public_id)
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


@login_required
@require_POST
def cancel(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_for_team(user=request.user, public_id=public_id)
    try:
        services.event_cancel(user=request.user, event=event)
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Événement annulé : les inscrits sont prévenus par e-mail.")
    return redirect("events:detail", public_id=event.public_id)


@login_required
@require_POST
def settle(request: HttpRequest, public_id) -> HttpResponse:
    """« Encaisser » on the registrations page: the invoice and the payment at once."""
    event = selectors.event_get_for_team(user=request.user, public_id=public_id)
    form = SettleForm(request.POST)
    registration_id = id_from_text(request.POST.get("inscription"))
    if registration_id is None or not form.is_valid():
        messages.error(request, "Choisissez la personne et le moyen de paiement.")
    else:
        try:
            invoice = payment_services.registration_settle(
                user=request.user,
                event=event,
                registration_id=registration_id,
                method=form.cleaned_data["moyen"],
            )
        except EventError as error:
            if error.status == 404:
                raise Http404(error.message) from error
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Inscription encaissée : facture {invoice.reference} de "
                f"{euros_text(invoice.total_ttc_cents)} €.",
            )
    return redirect("events:registrations", public_id=event.public_id)


@login_required
def registrations(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_for_team(user=request.user, public_id=public_id)
    status = 200
    if request.method == "POST":
        registration_id = id_from_text(request.POST.get("inscription"))
        presence = request.POST.get("presence")
        if registration_id is None or presence not in ("present", "absent"):
            messages.error(request, "Demande incomplète : choisissez une personne et sa présence.")
            status = 400
        else:
            try:
                services.attendance_record(
                    user=request.user,
                    event=event,
                    registration_id=registration_id,
                    present=presence == "present",
                )
            except EventError as error:
                if error.status == 404:
                    raise Http404(error.message) from error
                messages.error(request, error.message)
                status = error.status
            else:
                messages.success(request, "Présence enregistrée.")
                return redirect("events:registrations", public_id=event.public_id)
    rows = list(selectors.event_registrations(event=event))
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "registrations": rows,
            "confirmed": [r for r in rows if r.status == Registration.Status.CONFIRMED],
            "waiting": [r for r in rows if r.status == Registration.Status.WAITING],
            "started": event.starts_at <= timezone.now(),
            "settle_methods": METHOD_CHOICES,
        },
        status=status,
    )


@login_required
@require_safe
def registrations_csv(request: HttpRequest, public_id) -> HttpResponse:
    event = selectors.event_get_for_team(user=request.user, public_id=public_id)
    rows = [
        [
            r.user.display_name if r.user else "(compte supprimé)",
            r.user.email if r.user else "",
            r.get_status_display(),
            r.created_at.astimezone(PARIS).strftime("%Y-%m-%d %H:%M"),
            r.get_attendance_display() if r.attendance else "",
        ]
        for r in selectors.event_registrations(event=event)
    ]
    return csv_response(
        ["nom", "e-mail", "statut", "inscrit le", "présence"],
        rows,
        f"inscriptions-{event.public_id}.csv",
    )


# --- Feeds (public: published events, no attendee data) ----------------------------------------


def _ics(name: str, events) -> HttpResponse:
    response = HttpResponse(
        events_calendar_bytes(name, events), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    return response


@require_safe
def agenda_ics(request: HttpRequest) -> HttpResponse:
    events = selectors.agenda(filters=selectors.AgendaFilters())[: selectors.AGENDA_LIMIT]
    return _ics("Agenda du réseau", events)


@require_safe
def place_ics(request: HttpRequest, public_id) -> HttpResponse:
    place = place_get_public(public_id=public_id)
    events = selectors.agenda(filters=selectors.AgendaFilters(place_id=place.pk))
    return _ics(f"Événements — {place.name}", events[: selectors.AGENDA_LIMIT])
