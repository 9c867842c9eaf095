"""The place's offer, kept by its team: resources, closures, member plans and carnets on sale,
and the members' side: selling a carnet, starting a subscription."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.booking import offer_services, services
from maillage.booking.bounds import id_from_text
from maillage.booking.errors import BookingError
from maillage.booking.forms import NO_ACCOUNT, today
from maillage.booking.models import PassProduct, Plan
from maillage.booking.offer_forms import ClosureForm, PassProductForm, PlanForm, ResourceForm
from maillage.booking.views.manager import _managed_place

FORMS = {
    "ressource": ResourceForm,
    "fermeture": ClosureForm,
    "formule": PlanForm,
    "carnet": PassProductForm,
}
SAVED = {
    "ressource": "Ressource enregistrée.",
    "fermeture": "Fermeture enregistrée : ces créneaux ne sont plus réservables.",
    "formule": "Formule d'abonnement enregistrée.",
    "carnet": "Carnet mis en vente.",
}


def _form(kind: str, place, data=None, instance=None):
    form_class = FORMS[kind]
    kwargs = {"place": place} if kind == "fermeture" else {}
    return form_class(data, instance=instance, prefix=kind, **kwargs)


def _save(kind: str, place, data: dict, instance) -> None:
    """The form only validated: the offer_services write (and may refuse with a BookingError)."""
    if kind == "ressource" and instance is not None:
        offer_services.resource_update(resource=instance, data=data)
    elif kind == "ressource":
        offer_services.resource_create(place=place, data=data)
    elif kind == "fermeture":
        offer_services.closure_create(place=place, data=data)
    elif kind == "formule":
        offer_services.plan_create(place=place, data=data)
    else:
        offer_services.pass_product_create(place=place, data=data)


@login_required
def offer(request: HttpRequest, place_id) -> HttpResponse:
    place = _managed_place(request, place_id)
    editing = None
    if request.GET.get("ressource"):
        editing = place.resources.filter(pk=id_from_text(request.GET["ressource"])).first()
        if editing is None:
            raise Http404("Ressource introuvable.")
    forms = {
        kind: _form(kind, place, instance=editing if kind == "ressource" else None)
        for kind in FORMS
    }
    status = 200
    if request.method == "POST":
        kind = request.POST.get("quoi", "")
        if kind not in FORMS:
            raise Http404("Formulaire inconnu.")
        instance = None
        if kind == "ressource" and request.POST.get("id"):
            instance = place.resources.filter(pk=id_from_text(request.POST["id"])).first()
            if instance is None:
                raise Http404("Ressource introuvable.")
        form = _form(kind, place, request.POST, instance)
        if form.is_valid():
            try:
                _save(kind, place, form.cleaned_data, instance)
            except BookingError as error:
                form.add_error(error.field or None, error.message)
            else:
                messages.success(request, SAVED[kind])
                return redirect("booking:offer", place_id=place.public_id)
        forms[kind], status, editing = form, 400, instance
    context = {
        "place": place,
        "forms": forms,
        "editing": editing,
        "resources": place.resources.all(),
        "closures": place.closures.filter(ends_at__gte=timezone.now()),
        "plans": place.plans.all(),
        "products": place.pass_products.all(),
    }
    return render(request, "booking/offer.html", context, status=status)


@login_required
@require_POST
def member_add(request: HttpRequest, place_id) -> HttpResponse:
    """Sell a carnet of the place, or start a subscription, for a person with an account."""
    place = _managed_place(request, place_id)
    person = (
        get_user_model()
        .objects.filter(email__iexact=request.POST.get("email", "").strip(), is_active=True)
        .first()
    )
    if person is None:
        messages.error(
            request,
            NO_ACCOUNT,
        )
        return redirect("booking:members", place_id=place.public_id)
    try:
        if request.POST.get("action") == "vendre":
            product = PassProduct.objects.filter(
                place=place, pk=id_from_text(request.POST.get("produit"))
            ).first()
            if product is None:
                raise BookingError("Choisissez un carnet de ce lieu.", field="produit")
            services.pass_sell(seller=request.user, buyer=person, product=product)
            messages.success(request, f"Carnet « {product.name} » vendu à {person}.")
        else:
            plan = Plan.objects.filter(
                place=place, pk=id_from_text(request.POST.get("formule")), is_active=True
            ).first()
            if plan is None:
                raise BookingError("Choisissez une formule de ce lieu.", field="formule")
            services.subscription_create(
                actor=request.user, user=person, plan=plan, starts_on=today()
            )
            messages.success(request, f"Abonnement « {plan.name} » ouvert pour {person}.")
    except BookingError as error:
        messages.error(request, error.message)
    return redirect("booking:members", place_id=place.public_id)
