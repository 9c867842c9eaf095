from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("maillage.territory.urls")),
    path("", include("maillage.places.urls")),
    path("compte/", include("maillage.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
