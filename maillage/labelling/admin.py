"""The label in the admin: read-only (every write goes through the services and the pages)."""

from django.contrib import admin

from maillage.core.admin import ReadOnlyAdmin
from maillage.labelling.models import Application, ApplicationStep, Award, Criterion, LabelScheme


@admin.register(LabelScheme)
class LabelSchemeAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("name", "short_name", "validity_months", "accepting")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("title", "group", "mandatory", "retired_at")
    list_filter = ("group", "mandatory")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("place", "kind", "status", "created_at", "submitted_at", "decided_at")
    list_filter = ("status", "kind")
    list_select_related = ("place", "scheme")


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("place", "starts_on", "expires_on", "suspended_at", "revoked_at")
    list_select_related = ("place", "scheme")


@admin.register(ApplicationStep)
class ApplicationStepAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("place", "kind", "at")
    list_filter = ("kind",)
    list_select_related = ("place",)
