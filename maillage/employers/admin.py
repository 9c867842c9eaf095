"""Employer accounts in the admin, to look only: every write goes through employers.services
(rules checked against the month's bookings, consent given by the employee alone)."""

from django.contrib import admin

from maillage.core.admin import ReadOnlyAdmin
from maillage.employers.models import Employee, Employer, EmployerInvoice, Invitation


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("entity", "email_domain", "created_at")
    list_select_related = ("entity",)
    search_fields = ("entity__name", "entity__siren")


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("user", "employer", "status", "budget_unit", "monthly_budget")
    list_filter = ("status",)
    list_select_related = ("user", "employer__entity")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("email", "employer", "expires_at", "accepted_at", "revoked_at")
    list_select_related = ("employer__entity",)
    exclude = ("token",)


@admin.register(EmployerInvoice)
class EmployerInvoiceAdmin(ReadOnlyAdmin):
    can_delete = False
    list_display = ("employer", "month", "invoice")
    list_select_related = ("employer__entity", "invoice")
