from django.urls import path

from maillage.governance import views

app_name = "governance"
urlpatterns = [
    path("gouvernance/", views.sheet_page, name="sheet"),
    path("gouvernance/fiche.<str:fmt>", views.sheet_export, name="export"),
    path("gouvernance/versions/", views.history, name="history"),
    path("gouvernance/versions/restaurer/", views.restore, name="restore"),
    path("gouvernance/modifier/<str:address>/", views.cell_edit, name="edit"),
    path("gouvernance/questionnaire/", views.questionnaire, name="questionnaire"),
    path("gouvernance/mes-questionnaires/", views.mine, name="mine"),
    path("gouvernance/mes-questionnaires/<int:pk>/", views.saved_detail, name="saved"),
    path(
        "gouvernance/mes-questionnaires/<int:pk>/supprimer/",
        views.saved_delete,
        name="saved_delete",
    ),
]
