from django.urls import path

from maillage.events import views

app_name = "events"
urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", views.agenda_ics, name="agenda-ics"),
    path("lieux/<uuid:public_id>/evenements.ics", views.place_ics, name="place-ics"),
    path("evenements/mes-inscriptions/", views.mine, name="mine"),
    path("evenements/organiser/", views.manage, name="manage"),
    path("evenements/nouveau/", views.new, name="new"),
    path("evenements/<uuid:public_id>/", views.detail, name="detail"),
    path("evenements/<uuid:public_id>/inscription/", views.register, name="register"),
    path("evenements/<uuid:public_id>/desinscription/", views.unregister, name="unregister"),
    path("evenements/<uuid:public_id>/modifier/", views.edit, name="edit"),
    path("evenements/<uuid:public_id>/annuler/", views.cancel, name="cancel"),
    path("evenements/<uuid:public_id>/inscrits/", views.registrations, name="registrations"),
    path("evenements/<uuid:public_id>/encaisser/", views.settle, name="settle"),
    path(
        "evenements/<uuid:public_id>/inscrits.csv",
        views.registrations_csv,
        name="registrations-csv",
    ),
]
