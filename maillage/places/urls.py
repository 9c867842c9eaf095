from django.urls import path

from maillage.places.views import editing, imports, public

app_name = "places"

urlpatterns = [
    # Public directory and map (views/public.py)
    path("lieux/", public.directory, name="directory"),
    path("lieux/carte-integree/", public.widget, name="widget"),
    path("lieux/telecharger/", public.directory_export, name="export"),
    path("lieux/<uuid:public_id>/", public.place_detail, name="detail"),
    # Editing, history and moderation (views/editing.py)
    path("lieux/proposer/", editing.place_new, name="new"),
    path("lieux/<uuid:public_id>/modifier/", editing.place_change, name="change"),
    path("lieux/<uuid:public_id>/photos/", editing.place_photo_add, name="photo-add"),
    path("lieux/<uuid:public_id>/historique/", editing.place_history, name="history"),
    path(
        "lieux/<uuid:public_id>/historique/<int:number>/restaurer/",
        editing.place_restore,
        name="restore",
    ),
    path("moderation/", editing.moderation_queue, name="moderation"),
    # Imports of directory files by the coordination (views/imports.py)
    path("lieux/import/", imports.import_start, name="import"),
    path("lieux/import/<int:import_id>/", imports.import_detail, name="import-detail"),
    path(
        "lieux/import/<int:import_id>/lignes-refusees.csv",
        imports.import_refused,
        name="import-refused",
    ),
    path("moderation/<int:proposal_id>/", editing.moderation_decide, name="moderation-decide"),
]
