from django.urls import path

from maillage.consultation import views

app_name = "consultation"
urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/nouvelle/", views.consultation_create, name="create"),
    path("consultations/<uuid:public_id>/", views.consultation_manage, name="manage"),
    path("consultations/<uuid:public_id>/modifier/", views.consultation_edit, name="edit"),
    path("consultations/<uuid:public_id>/publier/", views.consultation_publish, name="publish"),
    path("consultations/<uuid:public_id>/clore/", views.consultation_close, name="close"),
    path("consultations/<uuid:public_id>/inviter/", views.consultation_invite, name="invite"),
    path("consultations/<uuid:public_id>/voter/", views.ballot, name="ballot"),
    path("consultations/<uuid:public_id>/resultats/", views.results, name="results"),
    path(
        "consultations/<uuid:public_id>/resultats.<str:fmt>",
        views.results_export,
        name="export",
    ),
    path("consultations/i/<str:token>/", views.invited, name="invited"),
    path("consultations/i/<str:token>/resultats/", views.invited_results, name="invited_results"),
]
