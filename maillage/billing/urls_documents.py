"""Invoice documents for buyers and sellers (names in the `billing` namespace)."""

from django.urls import path

from maillage.billing import views_documents as views

urlpatterns = [
    path("factures/chorus.zip", views.chorus_export, name="chorus_export"),
    path("factures/<uuid:public_id>/", views.invoice_detail, name="invoice_detail"),
    path("factures/<uuid:public_id>/pdf", views.invoice_pdf, name="invoice_pdf"),
    path("factures/<uuid:public_id>/facturx.xml", views.invoice_xml, name="invoice_xml"),
    path("compte/factures/", views.my_invoices, name="my_invoices"),
]
