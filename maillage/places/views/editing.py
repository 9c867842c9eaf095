"""Editing a place (published at once for its managers, proposed otherwise), history, moderation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from maillage.labelling.badges import place_label_steps
from maillage.places import photos, selectors, services
from maillage.places.diffs import diff_names_load, snapshot_diff
from maillage.places.forms import PlaceForm
from maillage.places.permissions import can_edit_place, can_moderate, managed_organisation_ids
from maillage.places.snapshots import RELATION_FIELDS, place_snapshot


def _save(request: HttpRequest, form: PlaceForm, place=None) -> HttpResponse | None:
    """Publish or propose; returns a redirect on success, None with errors put on the form."""
    data = form.snapshot()
    try:
        if place is None:
            allowed = managed_organisation_ids(request.user)
            if can_moderate(request.user) or (data.get("operator") in allowed):
                place = services.place_create(data=data, author=request.user)
                messages.success(request, "Le lieu est publié sur la carte.")
                return redirect("places:detail", public_id=place.public_id)
            services.proposal_submit(user=request.user, data=data)
        elif can_edit_place(request.user, place):
            services.place_edit(user=request.user, place=place, data=data)
            messages.success(request, "Modifications publiées.")
            return redirect("places:detail", public_id=place.public_id)
        else:
            services.proposal_submit(user=request.user, place=place, data=data)
    except ValidationError as error:
        form.add_service_errors(error.message_dict)
        return None
    messages.success(
        request, "Merci ! Votre proposition sera publiée après validation par la coordination."
    )
    return (
        redirect("places:detail", public_id=place.public_id)
        if place
        else redirect("places:directory")
    )


def _map_config(**extra) -> dict:
    """For the map scripts (json_script): background tiles, region outlines, commune search."""
    return {
        "tileUrl": settings.MAILLAGE_TILE_URL,
        "tileAttribution": settings.MAILLAGE_TILE_ATTRIBUTION,
        "regionCode": settings.MAILLAGE_DEFAULT_REGION,
        "communesUrl": reverse("api:list_communes"),
        # Address search only with an address service of the territory's choosing.
        "addressUrl": reverse("api:addresses") if settings.MAILLAGE_GEOCODER_URL else "",
        **extra,
    }


@login_required
def place_new(request: HttpRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form)
        if response:
            return response
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "places/place_form.html",
        {"form": form, "place": None, "map_config": _map_config()},
        status=status,
    )


@login_required
def place_change(request: HttpRequest, public_id) -> HttpResponse:
    place = selectors.place_get_public(public_id=public_id)
    direct = can_edit_place(request.user, place)
    form = PlaceForm(
        request.POST or None, user=request.user, initial_snapshot=place_snapshot(place)
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, place)
        if response:
            return response
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "places/place_form.html",
        {"form": form, "place": place, "direct": direct, "map_config": _map_config()},
        status=status,
    )


def _history_rows(place) -> list[dict]:
    """The versions and the label's steps, newest first, merged by date (read-only)."""
    versions = list(place.versions.select_related("author", "approved_by").order_by("-number"))
    names = diff_names_load(v.snapshot for v in versions)
    rows = [
        {
            "at": version.created_at,
            "version": version,
            "latest": index == 0,
            "changes": snapshot_diff(
                versions[index + 1].snapshot if index + 1 < len(versions) else None,
                version.snapshot,
                names=names,
            ),
        }
        for index, version in enumerate(versions)
    ]
    rows += [{"at": step.at, "step": step} for step in place_label_steps(place)]
    # Stable sort: at equal instants, a version stays before the older versions as listed.
    return sorted(rows, key=lambda row: row["at"], reverse=True)


@login_required
def place_history(request: HttpRequest, public_id) -> HttpResponse:
    place = selectors.place_get_public(public_id=public_id)
    if not (can_edit_place(request.user, place) or can_moderate(request.user)):
        raise Http404("Lieu introuvable.")
    return render(
        request,
        "places/place_history.html",
        {"place": place, "rows": _history_rows(place), "can_restore": can_moderate(request.user)},
    )


@login_required
@require_POST
def place_restore(request: HttpRequest, public_id, number: int) -> HttpResponse:
    place = selectors.place_get_public(public_id=public_id)
    try:
        services.place_revert(user=request.user, place=place, number=number)
    except PermissionDenied as error:
        raise Http404("Lieu introuvable.") from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("places:history", public_id=public_id)
    messages.success(request, f"Version {number} restaurée.")
    return redirect("places:history", public_id=public_id)


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    proposals = list(selectors.proposals_pending(user=request.user))
    currents = {
        p.pk: place_snapshot(
            p.place,
            relations={
                name: [entry.slug for entry in getattr(p.place, name).all()]
                for name in RELATION_FIELDS
            },
        )
        if p.place
        else None
        for p in proposals
    }
    names = diff_names_load(
        [p.snapshot for p in proposals] + [c for c in currents.values() if c is not None]
    )
    for proposal in proposals:
        current = currents[proposal.pk]
        proposal.changes = snapshot_diff(current, proposal.snapshot, names=names)
        proposal.point = _point(proposal.snapshot, current)
    return render(
        request,
        "places/moderation.html",
        {"proposals": proposals, "map_config": _map_config()},
    )


def _point(proposed: dict, current: dict | None) -> dict | None:
    """Where the proposal puts the place, and where it is now when it moves, for its map."""
    try:
        point = {"lat": float(proposed["latitude"]), "lon": float(proposed["longitude"])}
    except (KeyError, TypeError, ValueError):
        return None
    moved = current is not None and (current.get("latitude"), current.get("longitude")) != (
        proposed.get("latitude"),
        proposed.get("longitude"),
    )
    point["currentLat"] = current["latitude"] if moved else None
    point["currentLon"] = current["longitude"] if moved else None
    return point


@login_required
@require_POST
def moderation_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_moderator(user=request.user, proposal_id=proposal_id)
    try:
        if request.POST.get("decision") == "accepter":
            services.proposal_accept(user=request.user, proposal=proposal)
            messages.success(request, "Proposition publiée ; son auteur est prévenu.")
        else:
            services.proposal_reject(
                user=request.user, proposal=proposal, reason=request.POST.get("motif", "")
            )
            messages.success(request, "Proposition refusée ; son auteur reçoit le motif.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("places:moderation")


@login_required
@require_POST
def place_photo_add(request: HttpRequest, public_id) -> HttpResponse:
    place = selectors.place_get_for_editor(user=request.user, public_id=public_id)
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, "Choisissez une photo à envoyer.")
        return redirect("places:change", public_id=public_id)
    try:
        photos.photo_add(
            user=request.user, place=place, upload=upload, alt_text=request.POST.get("alt_text", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("places:change", public_id=public_id)
    messages.success(request, "Photo ajoutée.")
    return redirect("places:detail", public_id=public_id)
