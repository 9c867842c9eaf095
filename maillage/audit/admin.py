from django.contrib import admin

from maillage.audit.models import AuditEvent
from maillage.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The journal in the admin: looked at, never written (append-only)."""

    can_delete = False
    list_display = ("at", "actor", "action", "object_type", "object_id", "summary")
    list_filter = ("action",)
    search_fields = ("action", "object_id", "summary")
    date_hierarchy = "at"
