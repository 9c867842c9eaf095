"""Tools of the place's team: agenda, booking on behalf of someone, moves, presence, members."""

import uuid
from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from maillage.booking import guest_services, offer_services, selectors, services
from maillage.booking.bounds import OUT_OF_RANGE, day_from_text
from maillage.booking.errors import BookingError
from maillage.booking.forms import WALK_IN_NAME, BookingForm, ReasonForm, today, week_start
from maillage.booking.guest_services import GUEST_HOLD_MINUTES
from maillage.booking.models import PlaceBookingSettings
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import local_day
from maillage.places.models import Place


def _managed_place(request: HttpRequest, place_id) -> Place:
    """The place if the user runs it; the same 404 as an unknown id otherwise."""
    place = Place.objects.select_related("commune").filter(public_id=place_id).first()
    if place is None or not can_manage_bookings(request.user, place):
        raise Http404("Lieu introuvable.")
    return place


@login_required
def agenda(request: HttpRequest, place_id) -> HttpResponse:
    place = _managed_place(request, place_id)
    day = day_from_text(request.GET.get("jour")) if request.GET.get("jour") else today()
    if day is None:
        day = today()
        messages.error(
            request,
            f"Date illisible ou trop lointaine ({OUT_OF_RANGE}) : voici l'agenda d'aujourd'hui.",
        )
    week = request.GET.get("vue") == "semaine"
    first = week_start(day) if week else day
    days = 7 if week else 1
    context = {
        "place": place,
        "week": week,
        "day": day,
        "previous": first - timedelta(days=days),
        "next": first + timedelta(days=days),
        "agenda": selectors.agenda(place, first, days),
        "today": today(),
    }
    return render(request, "booking/agenda.html", context)


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


@login_required
def book_for(request: HttpRequest, place_id) -> HttpResponse:
    """Book on behalf of someone: found by e-mail, or a walk-in without an account (with a
    name), whose place is held until they confirm it by the e-mailed link."""
    place = _managed_place(request, place_id)
    resources = list(place.resources.filter(is_active=True))
    chosen = next(
        (
            r
            for r in resources
            if str(r.pk) == (request.POST.get("ressource") or request.GET.get("ressource"))
        ),
        None,
    )
    chosen = chosen or (resources[0] if resources else None)
    if chosen is None:
        messages.error(request, "Ce lieu n'a encore aucune ressource réservable.")
        return redirect("booking:agenda", place_id=place.public_id)
    form = BookingForm(
        request.POST or None,
        initial={"date": request.GET.get("jour") or today().isoformat(), "creneau": "day"},
        resource=chosen,
        user=request.user,
    )
    error, status = "", 200
    if request.method == "POST":
        person = (
            get_user_model()
            .objects.filter(email__iexact=request.POST.get("email", "").strip(), is_active=True)
            .first()
        )
        name = request.POST.get("nom", "").strip()[:150]
        email = request.POST.get("email", "").strip()[:254]
        if person is None and not name:
            error, status = WALK_IN_NAME, 400
        elif person is None and not _is_email(email):
            error, status = "Adresse e-mail invalide.", 400
        elif person is None and form.is_valid():
            # A walk-in without an account: the place is held and the person confirms it
            # with the e-mailed link, which opens their account.
            try:
                guest_services.guest_hold(
                    name=name,
                    email=email,
                    request=form.booking_request(),
                    created_by=request.user,
                )
            except BookingError as failure:
                form.add_booking_error(failure)
                status = failure.status
            else:
                messages.success(
                    request,
                    "Aucun compte à cette adresse : la place est retenue "
                    f"{GUEST_HOLD_MINUTES} minutes et un lien de confirmation est parti par "
                    "e-mail. En confirmant, la personne crée son compte.",
                )
                return redirect("booking:agenda", place_id=place.public_id)
        elif form.is_valid():
            try:
                booking, _ = services.booking_create(
                    user=person,
                    request=form.booking_request(),
                    created_by=request.user,
                    idempotency_key=request.POST.get("cle", "")[:100],
                )
            except BookingError as failure:
                form.add_booking_error(failure)
                status = failure.status
            else:
                messages.success(request, f"Réservation créée pour {person}.")
                return redirect("booking:detail", public_id=booking.public_id)
        else:
            status = 400
    return render(
        request,
        "booking/book_for.html",
        {
            "place": place,
            "resources": resources,
            "chosen": chosen,
            "form": form,
            "error": error,
            "email": request.POST.get("email", ""),
            "name": request.POST.get("nom", ""),
            "key": request.POST.get("cle", "")[:100] or uuid.uuid4().hex,
        },
        status=status,
    )


@login_required
@require_POST
def check_in(request: HttpRequest, public_id) -> HttpResponse:
    try:
        booking = services.booking_check_in(actor=request.user, public_id=public_id)
    except BookingError as error:
        if error.status in (403, 404):
            raise Http404("Réservation introuvable.") from error
        messages.error(request, error.message)
        return redirect(_back(request, public_id))
    messages.success(request, f"Présence de {booking.user} enregistrée.")
    return redirect(_back(request, public_id))


def _back(request: HttpRequest, public_id) -> str:
    """Where the agenda's « Présent·e » button returns: its own page, never another site
    (`retour=https://…`, `//…` or `/\\…` fall back to the booking's page)."""
    back = request.POST.get("retour", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return reverse("booking:detail", args=[public_id])


@login_required
def move(request: HttpRequest, public_id) -> HttpResponse:
    try:
        booking = services.booking_for(request.user, public_id)
    except BookingError as error:
        raise Http404(error.message) from error
    if not can_manage_bookings(request.user, booking.place):
        raise Http404("Réservation introuvable.")
    resources = list(booking.place.resources.filter(is_active=True))
    chosen = next(
        (r for r in resources if str(r.pk) == request.POST.get("ressource")), booking.resource
    )
    form = BookingForm(
        request.POST or None,
        initial={"date": local_day(booking.starts_at).isoformat(), "creneau": "day"},
        resource=chosen,
        user=booking.user,
    )
    reason = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and reason.is_valid():
            try:
                services.booking_move(
                    actor=request.user,
                    public_id=public_id,
                    request=form.booking_request(),
                    reason=reason.cleaned_data["motif"],
                )
            except BookingError as error:
                form.add_booking_error(error)
                status = error.status
            else:
                messages.success(
                    request, "Réservation déplacée ; la personne est prévenue par e-mail."
                )
                return redirect("booking:detail", public_id=public_id)
        else:
            status = 400
    return render(
        request,
        "booking/move.html",
        {
            "booking": booking,
            "form": form,
            "reason": reason,
            "resources": resources,
            "chosen": chosen,
        },
        status=status,
    )


@login_required
def members(request: HttpRequest, place_id) -> HttpResponse:
    place = _managed_place(request, place_id)
    context = {
        "place": place,
        "members": selectors.place_members(place),
        "products": place.pass_products.filter(is_active=True),
        "plans": place.plans.filter(is_active=True),
    }
    return render(request, "booking/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_in_poster(request: HttpRequest, place_id) -> HttpResponse:
    """A page to print and pin at the entrance: scanning its QR code records the presence.

    A GET only reads: a place without a check-in code yet gets a button that creates it (POST).
    """
    place = _managed_place(request, place_id)
    if request.method == "POST":
        offer_services.booking_settings_ensure(place=place)
        return redirect("booking:check_in_poster", place_id=place.public_id)
    booking_settings = PlaceBookingSettings.objects.filter(place=place).first()
    context = {"place": place, "url": "", "qr_svg": ""}
    if booking_settings is not None:
        url = settings.MAILLAGE_SITE_URL + reverse(
            "booking:check_in_code", args=[booking_settings.check_in_token]
        )
        qr = segno.make(url, error="m")
        context |= {
            "url": url,
            "qr_svg": qr.svg_inline(scale=8, title=f"Code de présence — {place.name}"),
        }
    return render(request, "booking/check_in_poster.html", context)
