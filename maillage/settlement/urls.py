from django.urls import path

from maillage.settlement import views

app_name = "settlement"
urlpatterns = [
    path("reseau/pass/", views.network_passes, name="network_passes"),
    path("reseau/pass/produit/", views.network_product_create, name="network_product_create"),
    path(
        "reseau/pass/produit/<int:product_id>/retirer/",
        views.network_product_withdraw,
        name="network_product_withdraw",
    ),
    path("reseau/reversements/", views.statements, name="statements"),
    path("reseau/reversements/calculer/", views.statement_compute, name="statement_compute"),
    path("reseau/reversements/convention/", views.agreement_save, name="agreement_save"),
    path("lieux/<uuid:public_id>/reversements/", views.place_statements, name="place_statements"),
    path(
        "lieux/<uuid:public_id>/reversements/autofacturation/",
        views.place_self_billing_accept,
        name="self_billing_accept",
    ),
    path(
        "lieux/<uuid:public_id>/reversements/<uuid:statement_id>/accepter/",
        views.place_statement_accept,
        name="statement_accept",
    ),
    path(
        "lieux/<uuid:public_id>/reversements/<uuid:statement_id>/facturer/",
        views.place_statement_invoice,
        name="statement_invoice",
    ),
]
