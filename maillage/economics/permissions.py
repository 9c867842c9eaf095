"""Who sees and edits which business plan: one rule for pages, API and downloads."""

from django.db.models import Q, QuerySet
from django.http import Http404

from maillage.economics.models import BusinessPlan
from maillage.places.permissions import is_coordinator, managed_organisation_ids


def visible_plans(user) -> QuerySet[BusinessPlan]:
    """Coordinators see every plan; a place's team its place's plans; a project its members'."""
    plans = BusinessPlan.objects.select_related("place", "commune", "creator")
    if not user.is_authenticated or not user.is_active:
        return plans.none()
    if is_coordinator(user):
        return plans.all()
    return plans.filter(
        Q(place__operator_id__in=managed_organisation_ids(user))
        | Q(place__isnull=True, creator=user)
        | Q(place__isnull=True, members=user)
    ).distinct()


def plan_for(user, public_id) -> BusinessPlan:
    """The plan if `user` may see it; 404 otherwise, whether it exists or not."""
    try:
        return visible_plans(user).get(public_id=public_id)
    except (BusinessPlan.DoesNotExist, ValueError):
        raise Http404 from None


def can_manage(user, plan: BusinessPlan) -> bool:
    """Delete a plan or invite to it: the place's team (coordinators too), the project's creator."""
    if is_coordinator(user):
        return True
    if plan.place_id:
        return plan.place.operator_id in managed_organisation_ids(user)
    return plan.creator_id == user.pk
