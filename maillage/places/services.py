"""Writes on places: create, update, revert, propose, moderate. Each one leaves a version behind."""

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.core.links import absolute_url
from maillage.places.models import ImportMapping, Place, PlaceProposal, PlaceVersion
from maillage.places.permissions import (
    can_edit_place,
    can_moderate,
    can_propose,
    is_coordinator,
    managed_organisation_ids,
)
from maillage.places.snapshots import changed_fields, place_snapshot
from maillage.places.validation import CleanPlace, place_clean
from maillage.tasks.outbox import email_queue


def _allowed_operators(user) -> set[int] | None:
    return None if user is None or is_coordinator(user) else managed_organisation_ids(user)


def _apply(place: Place, clean: CleanPlace) -> None:
    for name, value in clean.values.items():
        setattr(place, name, value)
    place.commune = clean.commune
    place.save()
    place.kinds.set(clean.kinds)
    place.services.set(clean.services)
    place.labels.set(clean.labels)


def _record_version(
    *, place: Place, before: dict | None, author, approved_by=None, comment: str = ""
) -> PlaceVersion | None:
    after = place_snapshot(place)
    fields = changed_fields(before, after)
    if before is not None and not fields:
        return None
    last = place.versions.aggregate(n=Max("number"))["n"] or 0
    return PlaceVersion.objects.create(
        place=place,
        number=last + 1,
        snapshot=after,
        changed_fields=fields,
        author=author,
        approved_by=approved_by,
        comment=comment[:250],
    )


@transaction.atomic
def place_create(
    *,
    data: dict,
    author=None,
    approved_by=None,
    comment: str = "",
    is_demo: bool = False,
    source: str = "",
    source_id: str = "",
) -> Place:
    """Create a published place (author None: a system import). Side effect: version 1."""
    clean = place_clean(data, allowed_operator_ids=_allowed_operators(approved_by or author))
    place = Place(is_demo=is_demo, source=source, source_id=source_id)
    _apply(place, clean)
    _record_version(
        place=place, before=None, author=author, approved_by=approved_by, comment=comment
    )
    audit_record(actor=approved_by or author, action="place.create", obj=place, summary=place.name)
    return place


@transaction.atomic
def place_update(
    *, place: Place, data: dict, author=None, approved_by=None, comment: str = ""
) -> Place:
    """Apply a full or partial snapshot. Side effect: a new version if anything changed."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    before = place_snapshot(place)
    clean = place_clean(
        {**before, **data}, allowed_operator_ids=_allowed_operators(approved_by or author)
    )
    if (clean.values["latitude"], clean.values["longitude"]) != (place.latitude, place.longitude):
        place.position_approximate = False  # a person placed it
    _apply(place, clean)
    _record_version(
        place=place, before=before, author=author, approved_by=approved_by, comment=comment
    )
    audit_record(actor=approved_by or author, action="place.update", obj=place, summary=place.name)
    return place


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an imported place comes from; written by imports only, never by the place's team."""

    source: str
    source_id: str = ""
    source_date: date | None = None
    pivot: str = ""
    position_approximate: bool = False
    extra: dict = field(default_factory=dict)


def _set_provenance(place: Place, provenance: Provenance) -> None:
    place.source = provenance.source[:60]
    place.source_id = provenance.source_id
    place.source_date = provenance.source_date
    place.pivot = provenance.pivot or place.pivot
    place.source_extra = provenance.extra


@transaction.atomic
def place_import_create(
    *,
    clean: CleanPlace,
    provenance: Provenance,
    author=None,
    comment: str = "",
    public_id: uuid.UUID | None = None,
) -> Place:
    """Create a place from an already validated import row (imports validate every row first,
    with the commune they placed). `public_id`: our own export's id, kept on a round trip unless
    another place has it. Side effect: version 1."""
    place = Place()
    if public_id is not None and not Place.objects.filter(public_id=public_id).exists():
        place.public_id = public_id
    _set_provenance(place, provenance)
    place.position_approximate = provenance.position_approximate
    for name, value in clean.values.items():
        setattr(place, name, value)
    place.commune = clean.commune
    place.save()
    relations = {}
    for name in ("kinds", "services", "labels"):
        entries = getattr(clean, name)
        if entries:
            getattr(place, name).add(*entries)
        relations[name] = [entry.slug for entry in entries]
    after = place_snapshot(place, relations=relations)
    PlaceVersion.objects.create(
        place=place,
        number=1,
        snapshot=after,
        changed_fields=changed_fields(None, after),
        author=author,
        comment=comment[:250],
    )
    return place


@transaction.atomic
def place_import_update(
    *, place: Place, clean: CleanPlace, provenance: Provenance, author=None, comment: str = ""
) -> Place:
    """Apply an import row to a place only that same source has written (imports decide; a
    place someone curated gets a proposal instead). Side effect: a version if anything changed."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    before = place_snapshot(place)
    moved = (clean.values["latitude"], clean.values["longitude"]) != (
        place.latitude,
        place.longitude,
    )
    _set_provenance(place, provenance)
    if moved:
        place.position_approximate = provenance.position_approximate
    _apply(place, clean)
    _record_version(place=place, before=before, author=author, comment=comment)
    return place


def place_edit(*, user, place: Place, data: dict) -> Place:
    """A signed-in user's change: published at once if they manage the place."""
    if not can_edit_place(user, place):
        raise PermissionDenied("Vous ne gérez pas ce lieu : proposez plutôt une correction.")
    return place_update(place=place, data=data, author=user)


def place_revert(*, user, place: Place, number: int) -> Place:
    """Coordinators restore an earlier version; the restoration is itself a new version."""
    if not can_moderate(user):
        raise PermissionDenied("Seule la coordination du réseau peut restaurer une version.")
    version = place.versions.filter(number=number).first()
    if version is None:
        raise ValidationError({"version": [f"Version {number} introuvable."]})
    return place_update(
        place=place, data=version.snapshot, author=user, comment=f"Retour à la version {number}"
    )


@transaction.atomic
def proposal_submit(
    *, user, data: dict, place: Place | None = None, notify: bool = True
) -> PlaceProposal:
    """A contribution waiting for moderation; validated now so the contributor can fix it now.

    Side effects: e-mail to the coordinators queued with it (`notify`; imports, which may propose
    hundreds of changes at once, report them on their own page instead).
    """
    if not can_propose(user):
        raise PermissionDenied("Connectez-vous pour proposer un lieu ou une correction.")
    merged = {**place_snapshot(place), **data} if place else dict(data)
    # Contributors may not attach a place to an organisation; keep the current operator.
    merged["operator"] = place.operator_id if place else None
    place_clean(merged, allowed_operator_ids=None)
    proposal = PlaceProposal.objects.create(place=place, author=user, snapshot=merged)
    if notify:
        _notify_coordinators(proposal)
    return proposal


def _pending(proposal_id: int) -> PlaceProposal:
    # Lock the proposal row only: its place is on the nullable side of the join.
    proposal = (
        PlaceProposal.objects.select_for_update(of=("self",))
        .select_related("place")
        .get(pk=proposal_id)
    )
    if proposal.status != PlaceProposal.Status.PENDING:
        raise ValidationError(
            {"status": [f"Cette proposition a déjà été traitée ({proposal.get_status_display()})."]}
        )
    return proposal


@transaction.atomic
def proposal_accept(*, user, proposal: PlaceProposal) -> Place:
    """Publish a proposal. Side effects: a version authored by the contributor, e-mail to them."""
    if not can_moderate(user):
        raise PermissionDenied("Seule la coordination du réseau peut modérer.")
    proposal = _pending(proposal.pk)
    comment = f"Proposition n° {proposal.pk}"
    if proposal.place is None:
        place = place_create(
            data=proposal.snapshot, author=proposal.author, approved_by=user, comment=comment
        )
    else:
        place = place_update(
            place=proposal.place,
            data=proposal.snapshot,
            author=proposal.author,
            approved_by=user,
            comment=comment,
        )
    proposal.place = place
    proposal.status = PlaceProposal.Status.ACCEPTED
    proposal.reviewer = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["place", "status", "reviewer", "reviewed_at"])
    audit_record(actor=user, action="place.proposal_accept", obj=proposal, summary=place.name)
    _notify_author(proposal)
    return place


@transaction.atomic
def proposal_reject(*, user, proposal: PlaceProposal, reason: str) -> PlaceProposal:
    """Refuse with a reason the contributor will read. Side effect: e-mail to them."""
    if not can_moderate(user):
        raise PermissionDenied("Seule la coordination du réseau peut modérer.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ["Indiquez le motif du refus : il sera envoyé à l'auteur."]}
        )
    proposal = _pending(proposal.pk)
    proposal.status = PlaceProposal.Status.REJECTED
    proposal.reason = reason
    proposal.reviewer = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "reviewer", "reviewed_at"])
    audit_record(actor=user, action="place.proposal_reject", obj=proposal, summary=reason[:120])
    _notify_author(proposal)
    return proposal


def _queue(subject: str, template: str, context: dict, recipients: list[str]) -> None:
    """Into the outbox, in the moderation's transaction (decision 0024)."""
    body = render_to_string(f"places/emails/{template}.txt", context).strip()
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


def _notify_coordinators(proposal: PlaceProposal) -> None:
    from django.contrib.auth import get_user_model

    from maillage.places.permissions import COORDINATORS_GROUP

    recipients = list(
        get_user_model()
        .objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    _queue(
        "Nouvelle proposition à modérer : " + proposal.snapshot.get("name", ""),
        "proposal_submitted",
        {
            "author": proposal.author,
            "new_place": proposal.place_id is None,
            "link": absolute_url("places:moderation") + f"#proposition-{proposal.pk}",
        },
        recipients,
    )


def _notify_author(proposal: PlaceProposal) -> None:
    name = proposal.snapshot.get("name", "")
    link = (
        absolute_url("places:detail", public_id=proposal.place.public_id)
        if proposal.place_id is not None
        else ""
    )
    if proposal.status == PlaceProposal.Status.ACCEPTED:
        subject = f"Votre proposition « {name} » est publiée"
        _queue(subject, "proposal_accepted", {"link": link}, [proposal.author.email])
    else:
        subject = f"Votre proposition « {name} » n'a pas été retenue"
        context = {"reason": proposal.reason, "link": link}
        _queue(subject, "proposal_rejected", context, [proposal.author.email])


def import_mapping_save(
    *, source: str, columns: dict, has_header: bool, user=None
) -> ImportMapping:
    """Remember how this source's columns map to ours, for its next file (web and CLI)."""
    mapping, _ = ImportMapping.objects.update_or_create(
        source=source[:60],
        defaults={"columns": columns, "has_header": has_header, "updated_by": user},
    )
    return mapping
