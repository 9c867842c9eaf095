from django.urls import path

from maillage.payments import views

app_name = "payments"
urlpatterns = [
    path("paiements/webhook/<slug:provider>/", views.webhook, name="webhook"),
    path("paiements/simulation/<str:session_id>/", views.fake_checkout, name="fake_checkout"),
    path("factures/<uuid:public_id>/payer/", views.pay, name="pay"),
    path("factures/<uuid:public_id>/paiement-en-cours/", views.pay_return, name="pay_return"),
    path("comptabilite/factures/<uuid:public_id>/encaisser/", views.record, name="record"),
    path("comptabilite/factures/<uuid:public_id>/rembourser/", views.refund, name="refund"),
    path(
        "lieux/reservations/<uuid:public_id>/encaisser/",
        views.settle_booking,
        name="settle_booking",
    ),
]
