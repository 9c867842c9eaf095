"""Pages for people who book: search, book, their bookings, the waiting list, their calendars."""

import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.accounts.throttling import email_form_limits
from maillage.booking import calendars, guest_services, selectors, services
from maillage.booking.bounds import day_from_text, id_from_text, uuid_from_text
from maillage.booking.errors import BookingError
from maillage.booking.forms import BookingForm, GuestBookingForm, SearchForm, today
from maillage.booking.guest_services import GUEST_HOLD_MINUTES
from maillage.booking.models import Booking, Payment, Resource
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import cancel_deadline, slot_span
from maillage.core.links import absolute_url
from maillage.core.lookups import get_or_404
from maillage.core.ratelimit import Throttled, throttled_response


def _not_found(error: BookingError) -> None:
    if error.status == 404:
        raise Http404(error.message) from error


def search(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    if not data.get("date") and not data.get("creneau"):
        day, slot = selectors.default_search_slot()
        data["date"], data["creneau"] = day.isoformat(), slot
    data.setdefault("date", today().isoformat())
    data.setdefault("creneau", "day")
    form = SearchForm(data)
    hits, hint, hint_url = [], None, ""
    if form.is_valid():
        commune = form.cleaned_data["pres_de"]
        where = {
            "day": form.cleaned_data["date"],
            "slot": form.cleaned_data["creneau"],
            "kind": form.cleaned_data["type"],
            "near": (commune.centroid_lat, commune.centroid_lon)
            if commune and commune.centroid_lat
            else None,
            "radius_km": form.cleaned_data["rayon"] or 20,
        }
        try:
            hits = selectors.search(
                **where, start=form.cleaned_data["debut"], end=form.cleaned_data["fin"]
            )
        except BookingError as error:  # a time that does not exist that day (DST)
            form.add_error(error.field or None, error.message)
        else:
            if not hits:
                hint = selectors.search_hint(**where)
                if hint.slot:
                    suggestion = data.copy()
                    suggestion["date"], suggestion["creneau"] = hint.day.isoformat(), hint.slot
                    hint_url = "?" + suggestion.urlencode()
    template = "booking/partials/search_results.html" if request.htmx else "booking/search.html"
    context = {"form": form, "hits": hits, "hint": hint, "hint_url": hint_url}
    return render(request, template, context, status=200 if form.is_valid() else 400)


def _resource(resource_id: int) -> Resource:
    return get_or_404(
        Resource.objects.select_related("place__commune", "place__booking_settings").filter(
            is_active=True
        ),
        "Cette ressource n'existe pas ou n'est plus réservable.",
        pk=resource_id,
    )


def _asked_slot(resource: Resource, user, wanted: dict) -> tuple[datetime, datetime] | None:
    """The UTC span of the slot the page is about (from the link or the posted form), read by
    the booking form's own rules; None while it is incomplete or does not exist."""
    form = BookingForm(wanted | {"paiement": Payment.ON_SITE}, resource=resource, user=user)
    if not form.is_valid():
        return None
    asked = form.booking_request()
    try:
        return slot_span(resource, asked.day, asked.slot, asked.start, asked.end)
    except BookingError:
        return None


def _initial(request: HttpRequest) -> dict:
    initial = {
        "date": request.GET.get("date") or today().isoformat(),
        "creneau": request.GET.get("creneau") or "day",
        "debut": request.GET.get("debut"),
        "fin": request.GET.get("fin"),
    }
    # The payment fieldset refreshes itself (htmx GET) when the slot changes, keeping the choice
    # and the seats asked: its costs follow the slot. Absent, the fields keep their defaults.
    for name in ("places", "paiement"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


def _booking_page(
    request: HttpRequest, resource: Resource, form, initial: dict, full: bool = False
) -> dict:
    """What the booking pages show around their form: the day's availability, whether the slot
    asked is full (the waiting list is then offered at once), its cancellation deadline."""
    day = getattr(form, "cleaned_data", {}).get("date")
    if day is None:
        day = day_from_text(initial["date"]) or today()
    slots = selectors.place_availability(resource.place, day, 1, resources=[resource])
    wanted = {name: (request.POST or initial).get(name) or "" for name in initial}
    asked = _asked_slot(resource, request.user, wanted)
    if asked is not None and not request.POST:
        # A slot inside the one asked that is full makes it full (the peak covers it).
        full = any(
            asked[0] <= s.starts_at
            and s.ends_at <= asked[1]
            and not s.bookable
            and not s.closed_reason
            for s in slots
        )
    return {
        "resource": resource,
        "form": form,
        "slots": slots,
        "day": day,
        "full": full,
        "wanted": wanted,
        "asked": asked,
        "deadline": cancel_deadline(resource, asked[0]) if asked else None,
        "now": timezone.now(),
    }


def new_booking(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _resource(resource_id)
    if not request.user.is_authenticated:  # a walk-in: the page without an account
        url = reverse("booking:guest", kwargs={"resource_id": resource.pk})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    initial = _initial(request)
    form = BookingForm(request.POST or None, initial=initial, resource=resource, user=request.user)
    status, full = 200, False
    if request.method == "POST":
        if form.is_valid():
            try:
                booking, _replayed = services.booking_create(
                    user=request.user,
                    request=form.booking_request(),
                    idempotency_key=request.POST.get("cle", "")[:100],
                )
            except BookingError as error:
                form.add_booking_error(error)
                status, full = error.status, error.code == "complet"
            else:
                messages.success(
                    request, "Réservation confirmée. Un e-mail de confirmation vous a été envoyé."
                )
                return redirect("booking:detail", public_id=booking.public_id)
        else:
            status = 400
    form.show_costs(request.user)
    # The same key again when the form comes back: a double submit books once.
    key = request.POST.get("cle", "")[:100] or uuid.uuid4().hex
    context = _booking_page(request, resource, form, initial, full) | {"key": key}
    return render(request, "booking/new.html", context, status=status)


def guest_booking(request: HttpRequest, resource_id: int) -> HttpResponse:
    """Book without an account (name and e-mail): the place is held and the e-mailed link
    confirms it. Throttled like sign-up, per client address and per e-mail address."""
    resource = _resource(resource_id)
    if request.user.is_authenticated:
        url = reverse("booking:new", kwargs={"resource_id": resource.pk})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    initial = _initial(request)
    limits = email_form_limits(request, "reservation-invite")
    if request.method == "POST":
        try:
            limits.attempt()
        except Throttled as throttled:
            form = GuestBookingForm(initial=initial, resource=resource)
            context = _booking_page(request, resource, form, initial)
            context["hold_minutes"] = GUEST_HOLD_MINUTES
            return throttled_response(request, "booking/guest.html", context, throttled)
    form = GuestBookingForm(request.POST or None, initial=initial, resource=resource)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            limits.sent()
            try:
                guest_services.guest_hold(
                    name=form.cleaned_data["nom"],
                    email=form.cleaned_data["email"],
                    request=form.booking_request(),
                )
            except BookingError as error:
                form.add_booking_error(error)
                status = error.status
            else:
                return redirect("booking:guest_sent")
        else:
            status = 400
    context = _booking_page(request, resource, form, initial)
    context["hold_minutes"] = GUEST_HOLD_MINUTES
    return render(request, "booking/guest.html", context, status=status)


def guest_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/guest_sent.html", {"hold_minutes": GUEST_HOLD_MINUTES})


def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. A GET only shows a button (mail scanners open links); the POST
    confirms, opens the account made for the address and signs its owner in; an account that
    already existed stays behind its password."""
    if request.method != "POST":
        return render(request, "booking/guest_confirm.html", {"ask": True})
    try:
        booking, activated = guest_services.guest_confirm(token=token)
    except BookingError as error:
        context = {"error": error.message}
        return render(request, "booking/guest_confirm.html", context, status=error.status)
    if activated:
        login(request, booking.user, backend="maillage.accounts.throttling.ThrottledModelBackend")
        messages.success(
            request,
            "Réservation confirmée et compte créé. Pour vous reconnecter plus tard, choisissez "
            "un mot de passe avec « Mot de passe oublié ».",
        )
        return redirect("booking:detail", public_id=booking.public_id)
    if request.user == booking.user:
        messages.success(request, "Réservation confirmée.")
        return redirect("booking:detail", public_id=booking.public_id)
    return render(request, "booking/guest_confirm.html", {"booking": booking})


@login_required
def detail(request: HttpRequest, public_id) -> HttpResponse:
    try:
        booking = services.booking_for(request.user, public_id)
    except BookingError as error:
        _not_found(error)
        raise
    now = timezone.now()
    managing = can_manage_bookings(request.user, booking.place)
    deadline = cancel_deadline(booking.resource, booking.starts_at)
    context = {
        "booking": booking,
        "managing": managing,
        "can_cancel": booking.is_active
        and booking.ends_at > now
        and (managing or booking.status == Booking.Status.OFFERED or now <= deadline),
        "deadline": deadline,
        "offer_open": booking.status == Booking.Status.OFFERED and booking.offer_expires_at > now,
        # Accepting an offer: only the carnets that can pay for it (as on the booking page).
        "passes": selectors.usable_passes(request.user, booking.resource)
        if booking.user_id == request.user.pk and booking.status == Booking.Status.OFFERED
        else [],
    }
    return render(request, "booking/detail.html", context)


@login_required
@require_POST
def cancel(request: HttpRequest, public_id) -> HttpResponse:
    try:
        booking = services.booking_cancel(
            actor=request.user, public_id=public_id, reason=request.POST.get("motif", "")
        )
    except BookingError as error:
        _not_found(error)
        messages.error(request, error.message)
        return redirect("booking:detail", public_id=public_id)
    messages.success(request, "Réservation annulée.")
    if booking.user_id != request.user.pk:
        return redirect("booking:agenda", place_id=booking.place.public_id)
    return redirect("booking:mine")


@login_required
@require_POST
def accept_offer(request: HttpRequest, public_id) -> HttpResponse:
    try:
        services.offer_accept(
            user=request.user,
            public_id=public_id,
            payment=request.POST.get("paiement", Payment.ON_SITE),
            pass_id=uuid_from_text(request.POST.get("carnet")),
        )
    except BookingError as error:
        _not_found(error)
        messages.error(request, error.message)
    else:
        messages.success(request, "Place confirmée : elle est à vous.")
    return redirect("booking:detail", public_id=public_id)


@login_required
@require_POST
def waitlist_join(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _resource(resource_id)
    form = BookingForm(request.POST, resource=resource, user=request.user)
    if form.is_valid():
        try:
            services.waitlist_join(user=request.user, request=form.booking_request())
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                "Vous êtes sur la liste d'attente : si une place se libère, "
                "elle vous sera proposée par e-mail.",
            )
            return redirect("booking:mine")
    else:
        messages.error(request, "Demande incomplète : choisissez une date et un créneau.")
    return redirect("booking:new", resource_id=resource.pk)


@login_required
@require_POST
def waitlist_leave(request: HttpRequest, public_id) -> HttpResponse:
    try:
        services.waitlist_leave(user=request.user, public_id=public_id)
    except BookingError as error:
        _not_found(error)
    messages.success(request, "Vous n'êtes plus sur cette liste d'attente.")
    return redirect("booking:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    context = selectors.user_bookings(request.user) | {
        "waiting": selectors.user_waitlist(request.user),
        "passes": selectors.user_passes(request.user),
    }
    return render(request, "booking/mine.html", context)


@login_required
def booking_ics(request: HttpRequest, public_id) -> HttpResponse:
    try:
        booking = services.booking_for(request.user, public_id)
    except BookingError as error:
        _not_found(error)
        raise
    response = HttpResponse(
        calendars.calendar_bytes("Réservation", [booking]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="reservation.ics"'
    return response


@login_required
def check_in_by_code(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code leads here; a GET only shows a button, the POST records the presence."""
    if request.method == "POST":
        try:
            booking = services.booking_check_in_by_code(user=request.user, token=token)
        except BookingError as error:
            _not_found(error)
            return render(
                request, "booking/check_in.html", {"error": error.message}, status=error.status
            )
        return render(request, "booking/check_in.html", {"booking": booking})
    return render(request, "booking/check_in.html", {"ask": True})


@login_required
def feeds(request: HttpRequest) -> HttpResponse:
    """The user's private calendar addresses: create, show, revoke."""
    if request.method == "POST":
        if request.POST.get("action") == "creer":
            typed = request.POST.get("ressource")
            if typed and id_from_text(typed) is None:  # « abc »: as an unknown resource
                raise Http404("Ressource introuvable.")
            try:
                services.calendar_feed_create(user=request.user, resource_id=id_from_text(typed))
            except BookingError as error:
                raise Http404(error.message) from error
            messages.success(request, "Nouvelle adresse d'agenda créée.")
        elif request.POST.get("action") == "revoquer":
            services.calendar_feed_revoke(user=request.user, token=request.POST.get("jeton", ""))
            messages.success(request, "Adresse révoquée : les agendas abonnés ne la liront plus.")
        return redirect("booking:feeds")
    feeds = list(selectors.user_feeds(request.user))
    for item in feeds:  # read outside any request: under the site's public address
        item.https_url = absolute_url("booking:feed", token=item.token)
        item.webcal_url = "webcal://" + item.https_url.split("://", 1)[1]
    context = {"feeds": feeds, "managed": selectors.managed_resources(request.user)}
    return render(request, "booking/feeds.html", context)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Read by calendar applications, without a session: the secret token is the key."""
    found = selectors.feed_content(token)
    if found is None:
        raise Http404("Agenda introuvable ou révoqué.")
    name, rows, for_manager = found
    body = calendars.calendar_bytes(name, rows, for_manager=for_manager)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
