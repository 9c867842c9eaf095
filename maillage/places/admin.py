"""Administration: the coordinators manage the catalogue and the organisations here."""

from django.contrib import admin

from maillage.audit.services import role_changes_record
from maillage.core.admin import HTTPS_URL_FIELDS, ReadOnlyAdmin
from maillage.places.models import (
    Kind,
    Label,
    Membership,
    Organisation,
    Place,
    PlaceProposal,
    Service,
)


@admin.register(Kind, Service, Label)
class CatalogueAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ["name", "siret"]
    search_fields = ["name", "siret"]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change) -> None:
        """Members added or removed go to the journal (`role.grant/revoke`, member's id)."""
        organisation = form.instance
        before = set(organisation.members.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(organisation.members.values_list("pk", flat=True))
        role_changes_record(
            actor=request.user, obj=organisation, before=before, after=after, key="member"
        )


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    """Read-only, services and kinds included: edits go through the site so that each one
    leaves a version."""

    list_display = ["name", "commune", "status", "is_demo", "updated_at"]
    list_filter = ["status", "is_demo", "kinds"]
    search_fields = ["name", "commune__name"]
    # Named read-only so that the admin builds no form field for them (nothing to post back).
    readonly_fields = [field.name for field in (*Place._meta.fields, *Place._meta.many_to_many)]


@admin.register(PlaceProposal)
class PlaceProposalAdmin(ReadOnlyAdmin):
    """Reviewed from the moderation page, which writes the version."""

    list_display = ["__str__", "author", "status", "created_at"]
    list_filter = ["status"]
