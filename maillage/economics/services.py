"""Writes on business plans. Every save is checked by the engine and versioned."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.core.ratelimit import Limit, ratelimit_check, ratelimit_hit
from maillage.economics.document import document_input, empty_document, input_document
from maillage.economics.models import BusinessPlan
from maillage.economics.permissions import can_manage
from maillage.places.models import Place
from maillage.places.permissions import can_edit_place
from maillage.territory.models import Commune

User = BusinessPlan._meta.get_field("creator").related_model


class PlanRefused(Exception):
    """A write refused, with French messages by field path ("" for the whole plan)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


class PlanConflict(Exception):
    """The plan changed since the page was loaded (another tab, another person)."""

    message = (
        "Ce plan a été modifié entre-temps (dans un autre onglet ou par une autre personne). "
        "Vos saisies ne sont pas enregistrées : rechargez le plan, puis refaites vos changements."
    )

    def __init__(self, current_version: int) -> None:
        super().__init__(self.message)
        self.current_version = current_version


def plan_create(
    *,
    actor,
    name: str,
    place: Place | None = None,
    project_name: str = "",
    commune: Commune | None = None,
    now=None,
) -> BusinessPlan:
    """A new empty plan for one of the actor's places, or for a project in a commune."""
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Donnez un nom au plan."
    if place is not None:
        if not can_edit_place(actor, place):
            errors["place"] = "Vous ne faites pas partie de l'équipe de ce lieu."
        project_name, commune = "", None
    else:
        project_name = (project_name or "").strip()
        if not project_name:
            errors["project_name"] = "Choisissez un de vos lieux ou nommez le projet."
        if commune is None:
            errors["commune"] = "Indiquez la commune du projet."
    if errors:
        raise PlanRefused(errors)
    year = (now or timezone.now()).year + 1
    with transaction.atomic():
        plan = BusinessPlan.objects.create(
            name=name[:200],
            place=place,
            project_name=project_name[:200],
            commune=commune,
            creator=actor,
            inputs=empty_document(year),
        )
        audit_record(actor=actor, action="economics.plan_create", obj=plan, data={"id": plan.pk})
    return plan


def plan_save(*, actor, plan: BusinessPlan, inputs: dict, version: int) -> BusinessPlan:
    """Save new hypotheses if they pass the engine's checks and `version` is the current one.

    The version test and the write are one conditional UPDATE, so of two saves made from the
    same version exactly one wins, on SQLite and PostgreSQL alike; the other gets PlanConflict.
    """
    plan_input, errors = document_input(inputs)
    if errors:
        raise PlanRefused(errors)
    # Store the document rebuilt from the checked input, never what was posted: nothing the
    # engine did not read (an unknown key, a stray value) reaches the database.
    inputs = input_document(plan_input)
    with transaction.atomic():
        updated = BusinessPlan.objects.filter(pk=plan.pk, version=version).update(
            inputs=inputs, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            current = BusinessPlan.objects.filter(pk=plan.pk).values_list("version", flat=True)
            raise PlanConflict(current.first() or 0)
        plan.refresh_from_db()
        audit_record(
            actor=actor,
            action="economics.plan_save",
            obj=plan,
            data={"id": plan.pk, "version": plan.version},
        )
    return plan


def plan_duplicate(*, actor, plan: BusinessPlan) -> BusinessPlan:
    """A copy of the plan (same place or project, same members), to try other hypotheses."""
    with transaction.atomic():
        copy = BusinessPlan.objects.create(
            name=f"{plan.name} (copie)"[:200],
            place=plan.place,
            project_name=plan.project_name,
            commune=plan.commune,
            creator=actor,
            inputs=plan.inputs,
        )
        copy.members.set(plan.members.all())
        audit_record(
            actor=actor,
            action="economics.plan_duplicate",
            obj=copy,
            data={"id": copy.pk, "source": plan.pk},
        )
    return copy


def plan_delete(*, actor, plan: BusinessPlan) -> None:
    """Delete: the place's team or the project's creator only (members may edit, not delete)."""
    if not can_manage(actor, plan):
        raise PlanRefused(
            {
                "": "Seule l'équipe du lieu ou la personne qui a créé le projet peut "
                "supprimer ce plan."
            }
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="economics.plan_delete",
            object_type="economics.businessplan",
            object_id=str(plan.pk),
            data={"id": plan.pk},
        )
        plan.delete()


INVITE_LIMIT = Limit("economics-invite", attempts=20, window=3600)
INVITE_DONE = "Si un compte actif utilise cette adresse, il fait maintenant partie du projet."


def plan_invite(*, actor, plan: BusinessPlan, email: str, now: float | None = None) -> None:
    """Add an existing account to a project's plan, by its e-mail address.

    The answer is the same whether an account uses the address or not, and attempts are
    throttled per person (Throttled), so the form cannot be used to find who has an account.
    """
    if plan.place_id:
        raise PlanRefused({"email": "Le plan d'un lieu est partagé avec l'équipe du lieu."})
    if not can_manage(actor, plan):
        raise PlanRefused({"email": "Seule la personne qui a créé le projet peut inviter."})
    check = (INVITE_LIMIT, str(actor.pk))
    ratelimit_check(check, now=now)
    ratelimit_hit(check, now=now)
    user = User.objects.filter(email__iexact=(email or "").strip()[:254], is_active=True).first()
    if user is None or user.pk == plan.creator_id:
        return
    with transaction.atomic():
        plan.members.add(user)
        audit_record(
            actor=actor,
            action="economics.plan_invite",
            obj=plan,
            data={"id": plan.pk, "user": user.pk},
        )


def plan_member_remove(*, actor, plan: BusinessPlan, member_id: int) -> None:
    """The project's creator (or a coordinator) takes a member off the project."""
    if not can_manage(actor, plan):
        raise PlanRefused({"": "Seule la personne qui a créé le projet peut retirer un membre."})
    with transaction.atomic():
        member = plan.members.filter(pk=member_id).first()
        if member is None:
            raise PlanRefused({"": "Cette personne ne fait pas partie du projet."})
        plan.members.remove(member)
        audit_record(
            actor=actor,
            action="economics.plan_member_remove",
            obj=plan,
            data={"id": plan.pk, "user": member.pk},
        )


def plan_leave(*, actor, plan: BusinessPlan) -> None:
    """A member leaves a project (the creator cannot: they delete the plan instead)."""
    with transaction.atomic():
        if not plan.members.filter(pk=actor.pk).exists():
            raise PlanRefused({"": "Vous n'êtes pas membre invité de ce projet."})
        plan.members.remove(actor)
        audit_record(
            actor=actor,
            action="economics.plan_leave",
            obj=plan,
            data={"id": plan.pk, "user": actor.pk},
        )
