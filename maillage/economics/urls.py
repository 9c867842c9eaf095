from django.urls import path

from maillage.economics import views

app_name = "economics"
urlpatterns = [
    path("plans-affaires/", views.plan_list, name="list"),
    path("plans-affaires/<uuid:public_id>/", views.plan_results, name="results"),
    path("plans-affaires/<uuid:public_id>/hypotheses/", views.plan_edit, name="edit"),
    path("plans-affaires/<uuid:public_id>/imprimer/", views.plan_print, name="print"),
    path("plans-affaires/<uuid:public_id>/export.<str:fmt>", views.plan_download, name="download"),
    path("plans-affaires/<uuid:public_id>/dupliquer/", views.plan_duplicate, name="duplicate"),
    path("plans-affaires/<uuid:public_id>/supprimer/", views.plan_delete, name="delete"),
    path("plans-affaires/<uuid:public_id>/inviter/", views.plan_invite, name="invite"),
    path(
        "plans-affaires/<uuid:public_id>/retirer/", views.plan_member_remove, name="member_remove"
    ),
    path("plans-affaires/<uuid:public_id>/quitter/", views.plan_leave, name="leave"),
]
