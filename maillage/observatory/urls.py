from django.urls import path

from maillage.observatory.views import dashboard, imports, scenarios, siting, studies

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
    path("observatoire/etudes/", studies.study_list, name="studies"),
    path("observatoire/etudes/nouvelle/", studies.study_new, name="study-new"),
    path("observatoire/etudes/<slug:name>/", studies.study_page, name="study"),
    path("observatoire/etudes/<slug:name>/modifier/", studies.study_edit, name="study-edit"),
    path("observatoire/etudes/<slug:name>/resultats/", studies.study_results, name="study-results"),
    path(
        "observatoire/etudes/<slug:name>/telecharger/<slug:kind>/",
        studies.study_download,
        name="study-download",
    ),
    path("observatoire/<str:level>/<str:code>/implantation/", siting.siting, name="siting"),
    path("observatoire/<str:level>/<str:code>/", dashboard.territory, name="territory"),
]
