"""Admin base classes shared by the apps."""

from django.contrib import admin
from django.db import models
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


# Web addresses typed without a scheme are read as https:// (Django 6's default, and the one our
# place form uses), which also keeps Django 5.2's URLField deprecation warning out of the admin.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
