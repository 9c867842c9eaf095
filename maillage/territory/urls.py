from django.urls import path

from maillage.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/communes", views.commune_search_results, name="commune-search"),
]
