from django.contrib import admin

from maillage.core.admin import ReadOnlyAdmin
from maillage.governance.models import SheetVersion


@admin.register(SheetVersion)
class SheetVersionAdmin(ReadOnlyAdmin):
    """Versions are written by the coordination's page only (governance.services)."""

    can_delete = False
    list_display = ["number", "created_at", "author", "change"]
    ordering = ["-number"]
