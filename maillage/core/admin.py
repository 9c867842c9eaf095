"""Admin base classes shared by the apps."""

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin list to look at rows that change elsewhere (services, imports, site pages).

    Staff may not add or change them here: each write owes a ledger row, a version or a rule
    check that only the service does. `can_delete = False` also forbids deleting (ledgers,
    bookings: « aucune écriture ne peut être supprimée »).
    """

    can_delete: bool = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.can_delete and super().has_delete_permission(request, obj)
