"""The sellers' accounting pages under /comptabilite/ (names in the `billing` namespace)."""

from django.urls import path

from maillage.billing import views_accounting as views

urlpatterns = [
    path("comptabilite/", views.accounting_home, name="accounting_home"),
    path(
        "comptabilite/structure/coordination/",
        views.entity_settings_network,
        name="entity_settings_network",
    ),
    path(
        "comptabilite/structure/<int:organisation_id>/",
        views.entity_settings,
        name="entity_settings",
    ),
    path("comptabilite/<int:entity_id>/", views.accounting, name="accounting"),
    path(
        "comptabilite/<int:entity_id>/facture/",
        views.invoice_new,
        name="accounting_invoice_new",
    ),
    path(
        "comptabilite/<int:entity_id>/brouillon/<uuid:public_id>/emettre/",
        views.draft_issue,
        name="accounting_draft_issue",
    ),
    path(
        "comptabilite/<int:entity_id>/brouillon/<uuid:public_id>/supprimer/",
        views.draft_delete,
        name="accounting_draft_delete",
    ),
    path(
        "comptabilite/<int:entity_id>/avoir/<uuid:public_id>/",
        views.credit_note,
        name="accounting_credit_note",
    ),
    path("comptabilite/<int:entity_id>/cloture/", views.close_month, name="accounting_close"),
    path(
        "comptabilite/<int:entity_id>/periode/<int:period_id>/archive/",
        views.period_archive,
        name="accounting_archive",
    ),
    path("comptabilite/<int:entity_id>/integrite/", views.integrity, name="accounting_integrity"),
    path(
        "comptabilite/<int:entity_id>/export/<str:kind>/",
        views.export,
        name="accounting_export",
    ),
]
