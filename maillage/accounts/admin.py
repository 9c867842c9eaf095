from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.audit.services import role_changes_record

# The admin flags recorded as roles in the journal, next to the groups.
ROLE_FLAGS = ("is_staff", "is_superuser")


def _roles(user: User) -> set[str]:
    groups = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    return groups | {flag for flag in ROLE_FLAGS if getattr(user, flag)}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["display_name", "first_name", "last_name"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change) -> None:
        """Remember the roles before the change, for the journal (groups are saved later)."""
        obj._roles_before = _roles(User.objects.get(pk=obj.pk)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        """Groups and admin flags granted or revoked go to the journal (`role.grant/revoke`)."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        role_changes_record(
            actor=request.user, obj=user, before=user._roles_before, after=_roles(user), key="role"
        )
