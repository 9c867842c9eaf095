"""Study pages: the editor (every bad input on its field, nothing saved), versions and conflicts,
the file import, the result fragment and the downloads, and sign-in."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from maillage.core.single_flight import single_flight
from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.observatory.errors import french_number
from maillage.observatory.models import SavedStudy
from maillage.observatory.scenarios import default_scenarios, scenario_copy
from maillage.observatory.scenarios import to_dict as scenario_to_dict
from maillage.observatory.services import scenario_save, study_save
from maillage.observatory.study.compute import study_compute
from maillage.observatory.study.document import study_from_dict
from maillage.observatory.study.workbook import study_from_xlsx, study_to_xlsx
from maillage.territory.models import Commune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AGY, ARGANCHY = "14003", "14019"
NEW = "/observatoire/etudes/nouvelle/"
LIST = "/observatoire/etudes/"


def _post(**changes) -> dict:
    """The editor's POST for a small study: two communes, a zone, a typed commune, a desk."""
    data = {
        "nom": "bessin-test",
        "libelle": "Bessin, essai",
        "description": "",
        "echelon": "communes",
        "code": "",
        "communes": f"{AGY}, {ARGANCHY}",
        "annee_base": "2026",
        "horizons": "2026, 2031",
        "croissance": "0,4",
        "scenarios": ["actuel", "tendanciel"],
        "mode": "distance",
        "rayon_km": "20",
        "minutes": "",
        "annuaire": "on",
        "echantillons": "16",
        "graine": "7",
        "version_lue": "0",
        "zones-TOTAL_FORMS": "1",
        "zones-INITIAL_FORMS": "0",
        "zones-0-nom": "Jersey",
        "zones-0-latitude": "49,21",
        "zones-0-longitude": "-2,13",
        "zones-0-population": "103 000",
        "zones-0-teletravailleurs": "4000",
        "zones-0-independants": "2500",
        "zones-0-distance_km": "9",
        "donnees-TOTAL_FORMS": "1",
        "donnees-INITIAL_FORMS": "0",
        "donnees-0-code": AGY,
        "donnees-0-independants": "15",
        "postes-TOTAL_FORMS": "1",
        "postes-INITIAL_FORMS": "0",
        "postes-0-nom": "Tiers-lieu d'Agy",
        "postes-0-emplacement": AGY,
        "postes-0-postes": "12",
        "postes-0-statut": "ouvert",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


EXPECTED = {
    "nom": "bessin-test",
    "libelle": "Bessin, essai",
    "description": "",
    "perimetre": {"echelon": "communes", "communes": [AGY, ARGANCHY]},
    "zones_externes": [
        {
            "nom": "Jersey",
            "latitude": 49.21,
            "longitude": -2.13,
            "population": 103000,
            "donnees": {"teletravailleurs": 4000, "independants": 2500, "distance_km": 9},
        }
    ],
    "annee_base": 2026,
    "horizons": [
        {"annee": 2026, "croissance_annuelle": 0.004},
        {"annee": 2031, "croissance_annuelle": 0.004},
    ],
    "donnees": {AGY: {"independants": 15}},
    "offre": {
        "annuaire": True,
        "projets_annuaire": False,
        "postes": [{"nom": "Tiers-lieu d'Agy", "commune": AGY, "postes": 12, "statut": "ouvert"}],
    },
    "scenarios": [{"publie": "actuel"}, {"publie": "tendanciel"}],
    "zone_de_chalandise": {"mode": "distance", "rayon_km": 20},
    "incertitude": {"echantillons": 16, "graine": 7},
}


@pytest.fixture
def author(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _errors(response, group: str = "form", row: int = 0) -> dict:
    editor = response.context["editor"]
    form = editor.form if group == "form" else getattr(editor, group).forms[row]
    return {key: list(value) for key, value in form.errors.items()}


def test_editor_round_trip_creates_then_adds_a_version(client, author):
    response = client.post(NEW, _post())
    assert response.status_code == 302
    assert response["Location"] == "/observatoire/etudes/bessin-test/"
    saved = SavedStudy.objects.get(name="bessin-test")
    assert (saved.version, saved.created_by) == (1, author)
    assert study_from_dict(saved.data) == study_from_dict(EXPECTED)

    page = client.get("/observatoire/etudes/bessin-test/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'hx-get="/observatoire/etudes/bessin-test/resultats/"' in body
    assert "Calcul en cours…" in body

    # The editor opens pre-filled from the latest version.
    edit = client.get("/observatoire/etudes/bessin-test/modifier/")
    assert edit.status_code == 200
    editor = edit.context["editor"]
    assert editor.form["communes"].value() == f"{AGY}\n{ARGANCHY}"
    assert editor.form["horizons"].value() == "2026, 2031"
    assert editor.form["croissance"].value() == "0,4"
    assert editor.form["version_lue"].value() == 1
    assert editor.zones.forms[0]["nom"].value() == "Jersey"
    assert editor.communes.forms[0]["code"].value() == AGY
    assert editor.desks.forms[0]["emplacement"].value() == AGY

    # Saving the pre-filled editor back (what a browser sends) gives version 2.
    response = client.post(
        "/observatoire/etudes/bessin-test/modifier/",
        _post(
            libelle="Bessin, deuxième lecture",
            version_lue="1",
            **{"zones-0-identifiant": "jersey", "zones-INITIAL_FORMS": "1"},
        ),
    )
    assert response.status_code == 302
    latest = SavedStudy.objects.named("bessin-test").first()
    assert (latest.version, latest.label) == (2, "Bessin, deuxième lecture")
    assert study_from_dict(latest.data) == study_from_dict(
        {**EXPECTED, "libelle": "Bessin, deuxième lecture"}
    )


def test_a_new_study_cannot_take_an_existing_name(client, author):
    study_save(user=author, study=study_from_dict(EXPECTED))
    response = client.post(NEW, _post())
    assert response.status_code == 400
    assert _errors(response)["nom"] == [
        "Nom de l'étude : « bessin-test » existe déjà ; ouvrir cette étude pour la modifier, ou "
        "choisir un autre nom."
    ]
    assert SavedStudy.objects.count() == 1


def _agy_population() -> int:
    return Commune.objects.get(code=AGY).population


@pytest.mark.parametrize(
    ("changes", "group", "expected"),
    [
        (
            {"communes": "", "zones-TOTAL_FORMS": "0"},
            "form",
            {
                "communes": [
                    "Périmètre : aucune commune ni zone externe ; choisir un territoire, des "
                    "communes ou saisir une zone."
                ]
            },
        ),
        (
            {"horizons": "2031, 2026"},
            "form",
            {
                "horizons": [
                    "Année d'horizon : 2026 après 2031 ; les horizons vont dans l'ordre, sans "
                    "doublon (par exemple 2026, 2031, 2036)."
                ]
            },
        ),
        (
            {"horizons": "2026, 2031", "croissance": "0,4 ; 0,3 ; 0,2"},
            "form",
            {"croissance": ["3 taux pour 2 horizons : un seul taux pour tous, ou un par horizon."]},
        ),
        (
            {"donnees-0-part_salaries_pcs": "0,9 ; 0,9 ; −0,2 ; 0,9 ; 0,9 ; 0,9"},
            "communes",
            {
                "part_salaries_pcs": [
                    "Part de salariés, cadres et professions intellectuelles supérieures : -0,2 ; "
                    "une valeur entre 0 et 1 est attendue."
                ]
            },
        ),
        (
            {"zones-0-population": "3000"},
            "zones",
            {
                "teletravailleurs": [
                    "Télétravailleurs : 4000 dépasse la population (3000 habitants)."
                ]
            },
        ),
        (
            {"zones-0-nom": ""},
            "zones",
            {"nom": ["Nom de la zone externe : ce champ est obligatoire."]},
        ),
        (
            {"postes-0-emplacement": "Guernesey"},
            "desks",
            {"emplacement": ["Zone : « guernesey » n'est pas une zone de l'étude."]},
        ),
        (
            {"donnees-0-teletravailleurs": "douze"},
            "communes",
            {
                "teletravailleurs": [
                    "« douze » n'est pas un nombre ; écrire par exemple 12,5 ou 1 234,5."
                ]
            },
        ),
    ],
    ids=[
        "empty-perimeter",
        "horizons-out-of-order",
        "growth-count",
        "share-outside",
        "zone-figure-above-population",
        "zone-without-name",
        "desk-unknown-zone",
        "not-a-number",
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(
    client, author, changes, group, expected
):
    response = client.post(NEW, _post(**changes))
    assert response.status_code == 400
    assert _errors(response, group) == expected
    assert SavedStudy.objects.count() == 0
    body = response.content.decode()
    assert "Étude non enregistrée : corrigez les champs signalés ci-dessous." in body
    # What was typed is kept.
    assert 'value="Bessin, essai"' in body


def test_a_commune_figure_above_its_population_is_refused_before_saving(client, author):
    population = _agy_population()
    response = client.post(NEW, _post(**{"donnees-0-independants": str(population + 1)}))
    assert response.status_code == 400
    assert _errors(response, "communes") == {
        "independants": [
            f"Indépendants sans salarié de Agy : {french_number(population + 1)} dépasse la "
            f"population ({french_number(population)} habitants)."
        ]
    }
    assert SavedStudy.objects.count() == 0


def test_an_unknown_commune_is_refused_on_the_perimeter(client, author):
    response = client.post(NEW, _post(communes=f"{AGY} 14999"))
    assert response.status_code == 400
    assert _errors(response) == {
        "communes": ["Communes : 1 code(s) inconnu(s) ou non chargé(s) : 14999."]
    }
    assert SavedStudy.objects.count() == 0


def test_saving_from_an_old_version_shows_the_conflict_and_keeps_the_input(client, author):
    study_save(user=author, study=study_from_dict(EXPECTED))
    study_save(user=author, study=study_from_dict(EXPECTED), read_version=1)
    response = client.post(
        "/observatoire/etudes/bessin-test/modifier/",
        _post(libelle="Ma relecture", version_lue="1"),
    )
    assert response.status_code == 400
    assert _errors(response) == {
        "__all__": [
            "Étude « bessin-test » : la version 2 a été enregistrée depuis que vous avez ouvert "
            "la version 1 ; rouvrir la dernière version avant d'enregistrer (vos saisies ne sont "
            "pas perdues : elles restent dans le formulaire)."
        ]
    }
    assert 'value="Ma relecture"' in response.content.decode()
    assert SavedStudy.objects.named("bessin-test").count() == 2


def test_add_a_row_keeps_the_input_and_saves_nothing(client, author):
    response = client.post(NEW, _post(ajouter="zones"))
    assert response.status_code == 200
    editor = response.context["editor"]
    assert len(editor.zones.forms) == 2
    assert editor.zones.forms[0]["nom"].value() == "Jersey"
    assert SavedStudy.objects.count() == 0


def _upload(client, content: bytes, name: str):
    return client.post(LIST, {"fichier": SimpleUploadedFile(name, content)})


def test_upload_of_a_json_study_saves_it_and_opens_its_page(client, author):
    response = _upload(client, json.dumps(EXPECTED).encode(), "etude.json")
    assert response.status_code == 302
    assert response["Location"] == "/observatoire/etudes/bessin-test/"
    saved = SavedStudy.objects.get(name="bessin-test")
    assert study_from_dict(saved.data) == study_from_dict(EXPECTED)
    listing = client.get(LIST).content.decode()
    assert "Bessin, essai" in listing
    assert author.display_name in listing


def test_upload_of_an_xlsx_study_saves_it(client, author):
    content = study_to_xlsx(study_from_dict(EXPECTED))
    response = _upload(client, content, "etude.xlsx")
    assert response.status_code == 302
    assert study_from_dict(SavedStudy.objects.get().data) == study_from_dict(EXPECTED)


def test_upload_of_a_bad_file_lists_every_error_and_saves_nothing(client, author):
    bad = {
        **EXPECTED,
        "horizons": [{"annee": 2031}, {"annee": 2026}],
        "zones_externes": [{**EXPECTED["zones_externes"][0], "nom": ""}],
    }
    response = _upload(client, json.dumps(bad).encode(), "etude.json")
    assert response.status_code == 400
    assert [(e.field, e.message) for e in response.context["errors"]] == [
        ("zones_externes.0.nom", "Nom de la zone externe : ce champ est obligatoire."),
        (
            "horizons.1.annee",
            "Année d'horizon : 2026 après 2031 ; les horizons vont dans l'ordre, sans doublon "
            "(par exemple 2026, 2031, 2036).",
        ),
    ]
    assert "Fichier refusé, rien n'a été enregistré (2 erreurs)" in response.content.decode()
    assert SavedStudy.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"ceci n'est pas une etude",
            "etude.json",
            "Le fichier n'est pas un JSON lisible : ligne 1, colonne 1.",
        ),
        (b"PK\x03\x04abime", "etude.xlsx", "Le fichier n'est pas un classeur XLSX lisible."),
    ],
)
def test_upload_of_an_unreadable_file_says_so(client, author, content, filename, message):
    response = _upload(client, content, filename)
    assert response.status_code == 400
    assert [e.message for e in response.context["errors"]] == [message]
    assert SavedStudy.objects.count() == 0


def test_upload_larger_than_2_mb_is_refused(client, author):
    response = _upload(client, b" " * (2 * 1024 * 1024 + 1), "etude.json")
    assert response.status_code == 400
    assert response.context["upload"].errors["fichier"] == [
        "Fichier de 2048 Ko ; 2 Mo au plus pour un fichier d'étude."
    ]


def test_result_fragment_shows_the_desks_to_create_of_the_computation(client, author):
    study = study_from_dict(EXPECTED)
    study_save(user=author, study=study)
    response = client.get("/observatoire/etudes/bessin-test/resultats/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert not body.lstrip().startswith("<!DOCTYPE")
    result = study_compute(study)
    for year in (2026, 2031):
        table = re.search(rf'data-study-year="{year}".*?</table>', body, re.S).group(0)
        row = re.search(r'data-figure="postes_a_creer".*?</tr>', table, re.S).group(0)
        cells = re.findall(r'<td class="num">([^<]*)', row)
        expected = [
            french_decimal(result.cell(year, name).totals["postes_a_creer"])
            for name in ("actuel", "tendanciel")
        ]
        assert cells == expected
        surplus = re.search(r'data-figure="excedent".*?</tr>', table, re.S).group(0)
        assert re.findall(r'<td class="num">([^<]*)', surplus) == [
            french_decimal(result.cell(year, name).totals["excedent"])
            for name in ("actuel", "tendanciel")
        ]
    band = result.cell(2031, "tendanciel").bands["postes"]
    assert f"P10–P90 : {french_decimal(float(band.p10))}–{french_decimal(float(band.p90))}" in body
    epci = result.epcis[0]
    assert epci.label == f"communes dans le territoire : 2 sur {epci.total}"
    assert epci.label in body
    assert "Tiers-lieu d&#x27;Agy" in body
    assert "saisi dans l&#x27;étude" in body
    # Without htmx, the same results come as a whole page.
    page = client.get("/observatoire/etudes/bessin-test/resultats/")
    assert page.status_code == 200
    assert page.content.decode().lstrip().startswith("<!DOCTYPE")


def test_a_study_the_database_refuses_shows_its_messages_and_the_editor_link(client, author):
    population = _agy_population()
    data = {**EXPECTED, "donnees": {AGY: {"independants": population + 1}}}
    SavedStudy.objects.create(name="bessin-test", version=1, data=data, created_by=author)
    response = client.get("/observatoire/etudes/bessin-test/resultats/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        f"Indépendants sans salarié de Agy : {french_number(population + 1)} dépasse la "
        f"population ({french_number(population)} habitants)."
    ) in body
    assert 'href="/observatoire/etudes/bessin-test/modifier/"' in body
    download = client.get("/observatoire/etudes/bessin-test/telecharger/resultats-xlsx/")
    assert download.status_code == 400


def test_downloads_give_the_document_and_the_results(client, author):
    study = study_from_dict(EXPECTED)
    saved = study_save(user=author, study=study)
    base = "/observatoire/etudes/bessin-test/telecharger/"
    document = client.get(base + "etude-json/?version=1")
    assert document.status_code == 200
    assert document["Content-Disposition"] == 'attachment; filename="bessin-test-v1-etude.json"'
    assert json.loads(document.content) == saved.data
    workbook = client.get(base + "etude-xlsx/")
    assert workbook.status_code == 200
    assert study_from_xlsx(workbook.content) == study
    results = client.get(base + "resultats-xlsx/")
    assert results.status_code == 200
    sheets = load_workbook(io.BytesIO(results.content), read_only=True).sheetnames
    assert sheets == [
        "Synthèse",
        "Par commune",
        "EPCI",
        "Offre",
        "Données d'entrée",
        "Communes sous-desservies",
        "Sources",
    ]
    data = client.get(base + "resultats-json/")
    assert data.status_code == 200
    assert json.loads(data.content)["etude"] == saved.data
    report = client.get(base + "rapport/")
    assert report.status_code == 200
    assert report["Content-Type"] == "text/html; charset=utf-8"
    assert "Bessin, essai" in report.content.decode()
    assert client.get(base + "autre/").status_code == 404
    assert client.get(base + "etude-json/?version=abc").status_code == 404
    assert client.get(base + "etude-json/?version=9").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        LIST,
        NEW,
        "/observatoire/etudes/bessin-test/",
        "/observatoire/etudes/bessin-test/modifier/",
        "/observatoire/etudes/bessin-test/resultats/",
        "/observatoire/etudes/bessin-test/telecharger/etude-json/",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + f"?next={path}"


def test_observatory_index_links_to_the_studies(client):
    body = client.get("/observatoire/").content.decode()
    assert '<a href="/observatoire/etudes/">Études</a>' in body


def test_a_users_saved_scenario_is_offered_and_written_into_the_study(client, author):
    today = timezone.localdate()
    origin = default_scenarios(today.year)["tendanciel"]
    mine = scenario_copy(origin, "tendanciel-fort", today=today, label="Tendance forte")
    scenario_save(user=author, scenario=mine, today=today)
    form = client.get(NEW).context["editor"].form
    assert form.fields["scenarios"].choices == [
        ("actuel", default_scenarios(today.year)["actuel"].label),
        ("tendanciel", origin.label),
        ("rupture", default_scenarios(today.year)["rupture"].label),
        ("tendanciel-fort", "Tendance forte"),
    ]
    response = client.post(NEW, _post(scenarios=["actuel", "tendanciel-fort"]))
    assert response.status_code == 302
    saved = SavedStudy.objects.get()
    assert saved.data["scenarios"] == [{"publie": "actuel"}, scenario_to_dict(mine)]
    # The editor ticks it again, from the study itself.
    edit = client.get("/observatoire/etudes/bessin-test/modifier/")
    assert edit.context["editor"].form["scenarios"].value() == ["actuel", "tendanciel-fort"]


def test_a_deleted_row_is_left_out_of_the_study(client, author):
    response = client.post(
        NEW,
        _post(**{"postes-0-DELETE": "on", "zones-0-DELETE": "on"}),
    )
    assert response.status_code == 302
    data = SavedStudy.objects.get().data
    assert (data["zones_externes"], data["offre"]["postes"]) == ([], [])


def test_typed_figures_without_a_commune_code_are_refused(client, author):
    response = client.post(NEW, _post(**{"donnees-0-code": ""}))
    assert response.status_code == 400
    assert _errors(response, "communes") == {
        "code": ["Code INSEE de la commune : ce champ est obligatoire."]
    }
    assert SavedStudy.objects.count() == 0


def test_a_reserved_name_is_refused(client, author):
    response = client.post(NEW, _post(nom="nouvelle"))
    assert response.status_code == 400
    assert _errors(response) == {
        "nom": ["Nom de l'étude : « nouvelle » est réservé ; en choisir un autre."]
    }


@pytest.mark.parametrize("count", [1, 3])
def test_study_list_queries_do_not_grow_with_the_studies(client, author, count):
    for index in range(count):
        study = study_from_dict({**EXPECTED, "nom": f"etude-{index}"})
        study_save(user=UserFactory(), study=study)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["studies"]) == count
    # Session, user, the header's role check (coordination menu), the header's « Réseau » menu
    # (place team? unread messages), then one query for the studies with their authors.
    assert len(queries) == 6


def test_a_population_typed_at_a_horizon_replaces_the_growth_for_that_commune(client, author):
    changes = {
        "donnees-TOTAL_FORMS": "2",
        "donnees-1-code": ARGANCHY,
        "donnees-1-annee": "2031",
        "donnees-1-population": "1 250",
    }
    response = client.post(NEW, _post(**changes))
    assert response.status_code == 302
    data = SavedStudy.objects.get().data
    assert [h["populations"] for h in data["horizons"]] == [{}, {ARGANCHY: 1250.0}]
    assert data["donnees"] == {AGY: {"independants": 15.0}}
    edit = client.get("/observatoire/etudes/bessin-test/modifier/").context["editor"]
    assert [(f["code"].value(), f["annee"].value()) for f in edit.communes.forms[:2]] == [
        (AGY, None),
        (ARGANCHY, 2031),
    ]


def test_a_population_at_a_year_that_is_no_horizon_is_refused(client, author):
    changes = {"donnees-0-annee": "2040", "donnees-0-population": "900"}
    response = client.post(NEW, _post(**changes))
    assert response.status_code == 400
    assert _errors(response, "communes") == {
        "annee": ["Horizon : 2040 n'est pas un horizon de l'étude."]
    }
    assert SavedStudy.objects.count() == 0


def test_one_computation_at_a_time_per_account(client, author):
    study_save(user=author, study=study_from_dict(EXPECTED))
    busy = (
        "Un calcul d&#x27;étude est déjà en cours pour votre compte ; réessayer quand il sera "
        "terminé."
    )
    with single_flight(f"observatory-study:{author.pk}", seconds=60) as held:
        assert held
        fragment = client.get("/observatoire/etudes/bessin-test/resultats/", HTTP_HX_REQUEST="true")
        download = client.get("/observatoire/etudes/bessin-test/telecharger/rapport/")
        document = client.get("/observatoire/etudes/bessin-test/telecharger/etude-json/")
    assert fragment.status_code == 200
    assert busy in fragment.content.decode()
    assert "data-study-year" not in fragment.content.decode()
    assert download.status_code == 429
    assert busy in download.content.decode()
    # The document needs no computation.
    assert document.status_code == 200


def test_blank_rows_as_a_browser_sends_them_are_left_out(client, author):
    blank = {
        "zones-TOTAL_FORMS": "2",
        "zones-1-nom": "",
        "zones-1-identifiant": "",
        "donnees-TOTAL_FORMS": "2",
        "donnees-1-code": "",
        "postes-TOTAL_FORMS": "2",
        "postes-1-nom": "",
        "postes-1-statut": "ouvert",
    }
    response = client.post(NEW, _post(**blank))
    assert response.status_code == 302
    assert study_from_dict(SavedStudy.objects.get().data) == study_from_dict(EXPECTED)


def _as_browser_sends(editor) -> dict:
    """The POST a browser sends for the editor as rendered (every field's shown value)."""
    from django import forms as django_forms

    data: dict = {}
    for formset in editor.formsets:
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    for form in [editor.form, *(f for formset in editor.formsets for f in formset.forms)]:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, django_forms.CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple) and not isinstance(
                field.widget, django_forms.TextInput
            ):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = (
                    form[name].field.prepare_value(value)
                    if hasattr(form[name].field, "prepare_value")
                    else value
                )
                data[key] = "" if data[key] is None else str(data[key])
    return data


def test_editing_a_study_loses_nothing_the_editor_does_not_show(client, author):
    """Everything the document holds comes back unchanged from the pre-filled editor: zone
    populations at a horizon, desks with coordinates, desks in a zone."""
    from maillage.observatory.services import study_save
    from tests.observatory.test_study_compute import _document as computable

    document = computable()
    document["horizons"][1]["populations"] = {"zone:jersey": 110000, AGY: 400}
    document["offre"]["postes"].append(
        {"nom": "Point précis", "commune": AGY, "latitude": 49.25, "longitude": -0.8, "postes": 3}
    )
    stored = study_from_dict(document)
    study_save(user=author, study=stored)
    edit = client.get("/observatoire/etudes/bessin-2036/modifier/")
    assert edit.status_code == 200
    response = client.post(
        "/observatoire/etudes/bessin-2036/modifier/", _as_browser_sends(edit.context["editor"])
    )
    assert response.status_code == 302, response.context["editor"].form.errors
    latest = SavedStudy.objects.named("bessin-2036").first()
    assert latest.version == 2
    assert study_from_dict(latest.data) == stored
