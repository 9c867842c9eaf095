from django.urls import path

from maillage.demand import views_public, views_surveys

app_name = "demand"
urlpatterns: list = [
    # --- « Je veux un lieu »: the public form and the person's own statement (views_public) ---
    path("je-veux-un-lieu/", views_public.statement_new, name="new"),
    path("je-veux-un-lieu/envoyee/", views_public.statement_sent, name="sent"),
    path(
        "je-veux-un-lieu/confirmer/<str:token>/",
        views_public.statement_confirm,
        name="confirm",
    ),
    path("je-veux-un-lieu/ma-demande/", views_public.statement_mine, name="mine"),
    path("je-veux-un-lieu/demande/<str:token>/", views_public.statement_manage, name="manage"),
    # --- end of the public block; coordinator routes follow ---
    path("demande/enquetes/", views_surveys.survey_list, name="surveys"),
    path(
        "demande/enquetes/apercu/<str:token>/", views_surveys.survey_preview, name="survey-preview"
    ),
    path("demande/enquetes/<uuid:public_id>/", views_surveys.survey_detail, name="survey"),
    path(
        "demande/enquetes/<uuid:public_id>/supprimer/",
        views_surveys.survey_delete,
        name="survey-delete",
    ),
    path(
        "demande/observatoire/<str:level>/<str:code>/<str:fmt>/",
        views_surveys.observatory_download,
        name="observatory-download",
    ),
    path(
        "demande/enquetes/<uuid:public_id>/comparaison/<str:fmt>/",
        views_surveys.survey_comparison_download,
        name="survey-comparison-download",
    ),
]
