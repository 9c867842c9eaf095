from django.urls import path

from maillage.employers import views

app_name = "employers"
urlpatterns = [
    path("employeurs/", views.home, name="home"),
    path("employeurs/invitation/<str:token>/", views.accept, name="accept"),
    path("employeurs/<uuid:public_id>/", views.dashboard, name="dashboard"),
    path("employeurs/<uuid:public_id>/export.<str:fmt>", views.export, name="export"),
    path("employeurs/<uuid:public_id>/invitations/", views.invite, name="invite"),
    path(
        "employeurs/<uuid:public_id>/invitations/<int:invitation_id>/retirer/",
        views.revoke,
        name="revoke",
    ),
    path("employeurs/<uuid:public_id>/reglages/", views.settings, name="settings"),
    path("employeurs/<uuid:public_id>/rejoindre/", views.join, name="join"),
    path(
        "employeurs/<uuid:public_id>/salaries/<uuid:employee_id>/",
        views.employee,
        name="employee",
    ),
    path(
        "employeurs/<uuid:public_id>/salaries/<uuid:employee_id>/depart/",
        views.employee_leave,
        name="employee_leave",
    ),
    path("compte/employeur/", views.mine, name="mine"),
]
