"""Administration: the coordinators manage the catalogue and the organisations here."""

from django.contrib import admin

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
    list_display = ["name", "siret"]
    search_fields = ["name", "siret"]
    inlines = [MembershipInline]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    """Read-mostly: edits go through the site so that each one leaves a version."""

    list_display = ["name", "commune", "status", "is_demo", "updated_at"]
    list_filter = ["status", "is_demo", "kinds"]
    search_fields = ["name", "commune__name"]
    readonly_fields = [field.name for field in Place._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PlaceProposal)
class PlaceProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["place", "author", "snapshot", "status", "reviewer", "reason", "reviewed_at"]
