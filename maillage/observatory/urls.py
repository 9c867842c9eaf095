from django.urls import path

from maillage.observatory.views import dashboard, imports, scenarios, siting

app_name = "observatory"

urlpatterns = [
    path("observatoire/", dashboard.index, name="index"),
    path("observatoire/scenarios/", scenarios.scenario_list, name="scenarios"),
    path(
        "observatoire/scenarios/<slug:source>/copier/",
        scenarios.scenario_new,
        name="scenario-new",
    ),
    path("observatoire/imports/", imports.imports, name="imports"),
    path("observatoire/<str:level>/<str:code>/implantation/", siting.siting, name="siting"),
    path("observatoire/<str:level>/<str:code>/", dashboard.territory, name="territory"),
]
