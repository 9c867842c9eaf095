"""Survey import: reading real-shaped exports, guessing columns, repairing cells, one
transaction per import with a report, refusals that save nothing, deletion, the pages."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from maillage.audit.models import AuditEvent
from maillage.demand.models import DemandStatement, SurveyImport
from maillage.demand.survey_mapping import (
    guess_mapping,
    read_days,
    read_minutes,
    read_mode,
    read_needs,
    read_willingness,
)
from maillage.demand.survey_reading import survey_table
from maillage.demand.survey_services import survey_delete, survey_import
from maillage.places.opendata.reading import ImportFileError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COMMUNE = "Commune de résidence (code postal ou nom)"
DAYS = "Combien de jours par semaine viendriez-vous ?"
NEEDS = "De quoi auriez-vous besoin ?"
MODE = "Mode de déplacement actuel"
KM = "Distance domicile-travail (km)"
WILLING = "Seriez-vous prêt à utiliser un tiers-lieu près de chez vous ?"

# A Google Forms export re-saved by a French spreadsheet: BOM, `;`, a title above the header,
# quoted commas, a postcode that lost its leading zero, #N/D.
GOOGLE_FORMS = (
    '\ufeff"Enquête télétravail du Bessin";;;;;;\r\n'
    f"Horodateur;{COMMUNE};{DAYS};{NEEDS};{MODE};{KM};{WILLING}\r\n"
    '2026/10/01 09:12;14400;2 jours;"Un poste de travail, une salle de réunion";'
    'Voiture (conducteur);"25,5";Oui, certainement\r\n'
    "2026/10/01 09:20;Caen;3j/sem;Un bureau fermé;Train;#N/D;Peut-être\r\n"
    "2026/10/01 09:31;1053;1;Atelier / fablab;Vélo;4;Oui\r\n"
    "2026/10/01 09:40;Atlantis;2;;Voiture;10;Oui\r\n"
    "2026/10/01 09:45;;2;;;;Oui\r\n"
    "2026/10/01 10:02;Bayeux;12;Poste;à pied;1 200;Non\r\n"
).encode()


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


def test_reading_a_google_forms_export_with_a_title_row():
    table = survey_table(GOOGLE_FORMS, filename="reponses.csv")
    assert table.header_line == 2
    assert table.columns == ["Horodateur", COMMUNE, DAYS, NEEDS, MODE, KM, WILLING]
    assert table.lines == [3, 4, 5, 6, 7, 8]
    assert table.rows[0][3] == "Un poste de travail, une salle de réunion"
    assert table.detected == (
        "CSV, encodage UTF-8 avec BOM, séparateur « ; », fins de ligne CRLF · en-tête en "
        "ligne 2 · 6 réponses"
    )
    assert guess_mapping(table.columns) == {
        "commune": 1,
        "jours": 2,
        "besoins": 3,
        "mode": 4,
        "km": 5,
        "minutes": None,
        "volonte": 6,
    }


def test_import_keeps_each_row_or_says_why_with_repairs(coordinator):
    table = survey_table(GOOGLE_FORMS, filename="reponses.csv")
    survey = survey_import(
        user=coordinator,
        name="Enquête du Bessin",
        file_name="reponses.csv",
        table=table,
        mapping=guess_mapping(table.columns),
    )
    assert (survey.rows_read, survey.rows_imported) == (6, 4)
    answers = list(
        survey.statements.order_by("pk").values_list(
            "commune__code",
            "days_per_week",
            "needs",
            "commute_mode",
            "commute_km",
            "willingness",
            "status",
            "source",
            "email",
            "notify_opening",
        )
    )
    assert answers == [
        ("14047", 2, ["poste", "salle"], "voiture", 26, "oui", "confirmee", "enquete", "", False),
        (
            "14118",
            3,
            ["bureau"],
            "transports",
            None,
            "peut-etre",
            "confirmee",
            "enquete",
            "",
            False,
        ),
        ("01053", 1, ["fablab"], "velo-marche", 4, "oui", "confirmee", "enquete", "", False),
        ("14047", None, ["poste"], "velo-marche", None, "non", "confirmee", "enquete", "", False),
    ]
    skipped = [(e["ligne"], e["colonne"], e["motif"]) for e in survey.report if e["ecartee"]]
    assert skipped == [
        (
            6,
            COMMUNE,
            "Commune inconnue : « Atlantis ». Donnez son nom ou son code INSEE, ex. 14118.",
        ),
        (7, COMMUNE, "commune non renseignée"),
    ]
    repairs = [
        (e["ligne"], e["colonne"], e["reparation"]) for e in survey.report if not e["ecartee"]
    ]
    assert repairs == [
        (3, COMMUNE, "lu ainsi"),
        (3, KM, "arrondi à 26 km"),
        (5, COMMUNE, "zéro initial perdu par le tableur : « 1053 » lu « 01053 »"),
        (8, DAYS, "ignoré"),
        (8, KM, "ignoré"),
    ]
    first = survey.report[0]
    assert first["motif"].startswith("14400 lu comme code postal, commun à 32 communes : Bayeux")
    assert survey.mapping == {
        "commune": COMMUNE,
        "jours": DAYS,
        "besoins": NEEDS,
        "mode": MODE,
        "km": KM,
        "minutes": None,
        "volonte": WILLING,
    }
    event = AuditEvent.objects.get(action="demand.survey_import")
    assert event.data == {"rows_read": 6, "rows_imported": 4}


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Réponses"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_export_with_numbers_and_lost_zeros(coordinator):
    content = _xlsx(
        [
            ["Code INSEE de votre commune", "Nombre de jours par semaine", "Intéressé ?"],
            [1053, 2.0, "Plutôt non"],
            [14118, 4, "Je ne sais pas"],
            [None, None, None],
        ]
    )
    table = survey_table(content, filename="export.xlsx")
    assert table.detected == (
        "classeur Excel (XLSX), feuille « Réponses » · en-tête en ligne 1 · 2 réponses"
    )
    assert table.rows == [["1053", "2", "Plutôt non"], ["14118", "4", "Je ne sais pas"]]
    survey = survey_import(
        user=coordinator,
        name="Export Excel",
        file_name="export.xlsx",
        table=table,
        mapping=guess_mapping(table.columns),
    )
    assert list(
        survey.statements.order_by("pk").values_list(
            "commune__code", "days_per_week", "willingness"
        )
    ) == [("01053", 2, "non"), ("14118", 4, "peut-etre")]


def test_without_a_willingness_column_answers_count_as_yes(coordinator):
    table = survey_table(b"Ville;Jours\nCaen;2\n", filename="a.csv")
    survey = survey_import(
        user=coordinator,
        name="Sans intention",
        file_name="a.csv",
        table=table,
        mapping=guess_mapping(table.columns),
    )
    assert list(survey.statements.values_list("willingness", flat=True)) == ["oui"]


def test_no_commune_column_is_refused_and_nothing_is_saved(coordinator):
    table = survey_table(b"Jours;Besoin\n2;poste\n3;salle\n", filename="a.csv")
    mapping = guess_mapping(table.columns)
    assert mapping["commune"] is None
    with pytest.raises(ValidationError) as refused:
        survey_import(
            user=coordinator, name="Sans commune", file_name="a.csv", table=table, mapping=mapping
        )
    assert refused.value.message_dict["commune"][0].startswith("Aucune colonne de commune")
    assert (SurveyImport.objects.count(), DemandStatement.objects.count()) == (0, 0)


def test_no_importable_row_is_refused(coordinator):
    table = survey_table(b"Commune;Jours\nAtlantis;2\n;3\n", filename="a.csv")
    with pytest.raises(ValidationError) as refused:
        survey_import(
            user=coordinator,
            name="Vide",
            file_name="a.csv",
            table=table,
            mapping=guess_mapping(table.columns),
        )
    assert refused.value.messages[0].startswith("Aucune réponse importable (ligne 2 :")
    assert SurveyImport.objects.count() == 0


def test_only_the_coordination_imports_and_deletes(coordinator):
    table = survey_table(b"Commune\nCaen\n", filename="a.csv")
    with pytest.raises(PermissionDenied):
        survey_import(
            user=UserFactory(), name="x", file_name="a.csv", table=table, mapping={"commune": 0}
        )
    survey = survey_import(
        user=coordinator, name="x", file_name="a.csv", table=table, mapping={"commune": 0}
    )
    with pytest.raises(PermissionDenied):
        survey_delete(user=UserFactory(), survey=survey)
    assert survey_delete(user=coordinator, survey=survey) == 1
    assert (SurveyImport.objects.count(), DemandStatement.objects.count()) == (0, 0)
    assert AuditEvent.objects.get(action="demand.survey_delete").data == {"answers": 1}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"Commune\n", "Aucune réponse : il faut une ligne d'en-tête et des réponses."),
        (
            b"PK\x03\x04garbage",
            "Classeur Excel illisible : enregistrez-le à nouveau en XLSX ou en CSV.",
        ),
        (b"x" * (5 * 1024 * 1024 + 1), "Fichier trop volumineux (5.2 Mo) : 5 Mo au plus."),
        (("Commune\n" + "Caen\n" * 20_001).encode(), "Trop de lignes : 20000 réponses au plus."),
    ],
)
def test_unusable_files_are_refused(content, message):
    with pytest.raises(ImportFileError) as refused:
        survey_table(content, filename="f.csv")
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("text", "days", "repair"),
    [
        ("2 jours", 2, None),
        ("3j/sem", 3, None),
        ("2 à 3 jours", 2, "2 retenu (le bas)"),
        ("une fois", 1, None),
        ("tous les jours", 5, "lu 5 jours (semaine de travail)"),
        ("2,5", 3, "arrondi à 3"),
        ("4 jours par mois", 1, "4 par mois lu 1 par semaine"),
        ("0", None, "laissé vide"),
        ("beaucoup", None, "ignoré"),
        ("9" * 400, None, "ignoré"),  # a float of inf: reported, never an overflow
        ("40 jours", None, "ignoré"),
    ],
)
def test_days_as_people_write_them(text, days, repair):
    value, note = read_days(text, DAYS)
    assert (value, note.repair if note else None) == (days, repair)


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Voiture (conducteur)", "voiture"),
        ("Covoiturage", "voiture"),
        ("Car interurbain", "transports"),
        ("TER puis vélo", "transports"),
        ("Marche à pied", "velo-marche"),
        ("Moto", "autre"),
        ("Téléportation", "autre"),
    ],
)
def test_commute_modes(text, mode):
    assert read_mode(text, MODE)[0] == mode


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Oui, certainement", "oui"),
        ("Plutôt oui", "oui"),
        ("Peut-être", "peut-etre"),
        ("Je ne sais pas", "peut-etre"),
        ("Plutôt pas", "non"),
        ("Non", "non"),
        ("Bof", ""),
    ],
)
def test_willingness(text, answer):
    assert read_willingness(text, WILLING)[0] == answer


def test_minutes_and_needs():
    assert read_minutes("1h10", "Temps")[0] == 70
    assert read_minutes("45 min", "Temps") == (45, None)
    assert read_minutes("11 h", "Temps")[0] is None
    assert read_needs("Bureau partagé; Salle de réunion | Fab lab", NEEDS) == (
        ["poste", "salle", "fablab"],
        None,
    )
    assert read_needs("Un bureau", NEEDS) == (["bureau"], None)


def test_pages_upload_preview_import_report_delete(client, coordinator):
    client.force_login(coordinator)
    upload = io.BytesIO(GOOGLE_FORMS)
    upload.name = "reponses.csv"
    response = client.post(reverse("demand:surveys"), {"nom": "Bessin", "fichier": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    form = preview.context["form"]
    assert form["commune"].value() == "1" and form["minutes"].value() == ""
    # The commune unmapped: refused, nothing saved, the page says why.
    refused = client.post(
        response["Location"],
        {"commune": "", "jours": "2", "besoins": "3", "mode": "4", "km": "5", "volonte": "6"},
    )
    assert refused.status_code == 400
    assert "Aucune colonne de commune" in refused.content.decode()
    assert SurveyImport.objects.count() == 0
    done = client.post(
        response["Location"],
        {"commune": "1", "jours": "2", "besoins": "3", "mode": "4", "km": "5", "volonte": "6"},
        follow=True,
    )
    survey = SurveyImport.objects.get()
    assert done.redirect_chain == [(reverse("demand:survey", args=[survey.public_id]), 302)]
    assert "4 réponses importées sur 6" in done.content.decode()
    # The stash is gone once imported.
    assert client.get(response["Location"]).status_code == 404
    deleted = client.post(reverse("demand:survey-delete", args=[survey.public_id]))
    assert deleted.status_code == 302
    assert (SurveyImport.objects.count(), DemandStatement.objects.count()) == (0, 0)


def test_pages_are_404_for_other_people(client, coordinator):
    table = survey_table(b"Commune\nCaen\n", filename="a.csv")
    survey = survey_import(
        user=coordinator, name="x", file_name="a.csv", table=table, mapping={"commune": 0}
    )
    client.force_login(UserFactory())
    for url in (
        reverse("demand:surveys"),
        reverse("demand:survey", args=[survey.public_id]),
        reverse("demand:survey-preview", args=["abc"]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("demand:survey-delete", args=[survey.public_id])).status_code == 404
    assert SurveyImport.objects.count() == 1


def test_a_cut_report_names_the_rows_left_out_first(coordinator, monkeypatch):
    """Past MAX_REPORT_LINES remarks, rows left out come before repairs (the bench's 20,000-row
    survey named 71 of its 966 rows left out before)."""
    monkeypatch.setattr("maillage.demand.survey_services.MAX_REPORT_LINES", 3)
    table = survey_table(GOOGLE_FORMS, filename="reponses.csv")
    survey = survey_import(
        user=coordinator,
        name="Enquête du Bessin",
        file_name="reponses.csv",
        table=table,
        mapping=guess_mapping(table.columns),
    )
    assert [(e["ligne"], e.get("ecartee")) for e in survey.report] == [
        (6, True),
        (7, True),
        (3, False),
        (None, None),
    ]
    assert survey.report[-1]["motif"] == "… et 4 autres remarques"
