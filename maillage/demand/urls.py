from django.urls import path

from maillage.demand import views_public

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
]
