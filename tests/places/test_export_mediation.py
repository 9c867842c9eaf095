"""The médiation-numérique profile passes the national schema, v1.0.1 and v1.0.2, by field name.

Validation is frictionless's, with the schema files the project carries
(maillage/places/opendata/schemas/); `fieldsMatch: equal` makes frictionless match columns by
name, in any order, and still require all of them.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from frictionless import Resource, Schema

from maillage.places.models import Place
from maillage.places.opendata import mediation
from maillage.places.opendata.export import export_places, exported_places
from maillage.places.services import place_create
from tests.factories import IN_BAYEUX, IN_ROUEN, OrganisationFactory, fablab_data, place_data

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mediation-numerique"
SIRET = "43493312300029"
SENTENCE = "Un tiers-lieu ouvert à toutes et à tous, au bord du bassin."
LONG_TEXT = " ".join([SENTENCE] * 9 + [SENTENCE.replace(".", " !")])


def validate(text: str, descriptor: dict) -> list[list]:
    """Frictionless errors (row, field, type) of a CSV text, columns matched by name."""
    schema = Schema.from_descriptor({**descriptor, "fieldsMatch": "equal"})
    report = Resource(data=text.encode("utf-8"), format="csv", schema=schema).validate()
    return report.flatten(["rowNumber", "fieldName", "type"])


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def created(data: dict, **fields) -> Place:
    """A place through the service, then provenance an import would have set."""
    place = place_create(data=data, is_demo=fields.pop("is_demo", False))
    if fields:
        Place.objects.filter(pk=place.pk).update(**fields)
        place.refresh_from_db()
    return place


@pytest.fixture
def directory():
    operator = OrganisationFactory(name="Coopérative du Port", siret=SIRET)
    return {
        "port": created(
            place_data(
                operator=operator.pk,
                phone="02 31 00 00 00",
                email="contact@fabrique-port.fr",
                website="https://fabrique-port.fr",
                description=LONG_TEXT,
                services=["mediation-numerique", "tres-haut-debit", "visioconference"],
                labels=["france-services", "fabrique-de-territoire"],
            ),
            source="cget-2019",
            source_extra={
                "Publics spécifiquement adressés": ["Seniors", "Jeunes"],
                "Services (schéma national)": ["Aide aux démarches administratives", "Cuisine"],
                "Complément d'adresse": ["2e étage"],
            },
        ),
        # No postal code: Bayeux has only one, 14400. A phone that is no phone number.
        "bayeux": created(
            fablab_data(postal_code="", phone="12 34 56", price_day="0"),
            pivot="W141000123",
        ),
        # A name a spreadsheet would run; the phone is already in the schema's form.
        "formula": created(
            place_data(name="@Coworking du Bessin", phone="+33231000001", **IN_BAYEUX),
            pivot=SIRET,
        ),
        "no_address": created(place_data(name="Sans adresse", address=""), pivot=SIRET),
        "no_pivot": created(place_data(name="Sans SIRET")),
        # Rouen has several postal codes (76000, 76100): none can be chosen for the place.
        "rouen": created(
            place_data(name="Atelier rouennais", **{**IN_ROUEN, "postal_code": ""}), pivot=SIRET
        ),
        "demo": created(place_data(name="Lieu démo"), is_demo=True, pivot=SIRET),
        "project": created(place_data(name="Futur tiers-lieu", status="projet"), pivot=SIRET),
    }


def label(place: Place) -> str:
    return f"« {place.name} » (id {place.public_id})"


def test_rows_and_reasons(directory):
    result = mediation.mediation_rows(exported_places(include_demo=True))
    assert [row["nom"] for row in result.rows] == [
        "@Coworking du Bessin",
        "Fablab de Bayeux",
        "La Fabrique du Port",
        "Sans SIRET",
    ]
    assert sorted(result.left_out) == sorted(
        [
            f"{label(directory['rouen'])} : laissé de côté, code postal manquant, et la commune "
            "n'en a pas un seul qui le remplacerait (champ obligatoire du schéma national)",
            f"{label(directory['demo'])} : laissé de côté, lieu de démonstration",
            f"{label(directory['project'])} : laissé de côté, lieu en projet, pas encore ouvert "
            "au public",
            f"{label(directory['no_address'])} : laissé de côté, adresse manquante (champ "
            "obligatoire du schéma national)",
        ]
    )
    assert result.warnings == [
        f"{label(directory['bayeux'])} : téléphone « 12 34 56 » non repris (numéro à 6 "
        "chiffres sans indicatif, lu « 12 34 56 » (ajoutez +687, +681 ou +508))",
        f"{label(directory['no_pivot'])} : ni SIRET ni RNA connu : pivot « 00000000000000 » "
        "(convention de la cartographie nationale pour un SIRET à trouver)",
    ]
    assert result.rows[-1]["pivot"] == "00000000000000"


def test_row_values(directory):
    rows = {row["nom"]: row for row in mediation.mediation_rows(exported_places()).rows}
    port = rows["La Fabrique du Port"]
    assert port["id"] == str(directory["port"].public_id)
    assert port["pivot"] == SIRET  # the operator's SIRET
    assert port["telephone"] == "+33231000000"
    assert port["commune"] == "Caen"
    assert (port["code_postal"], port["code_insee"]) == ("14000", "14118")
    assert port["typologie"] == "TIERS_LIEUX"
    # The source's national service stands for our generic « médiation numérique ».
    assert port["services"] == (
        "Accès internet et matériel informatique|Aide aux démarches administratives"
    )
    assert port["publics_specifiquement_adresses"] == "Seniors|Jeunes"
    assert port["complement_adresse"] == "2e étage"
    assert port["dispositif_programmes_nationaux"] == "France Services"
    assert port["formations_labels"] == "Fabriques de Territoire"
    assert port["frais_a_charge"] == "Payant"
    assert port["structure_parente"] == "Coopérative du Port"
    assert port["source"] == "cget-2019"
    assert port["presentation_detail"] == LONG_TEXT
    assert len(LONG_TEXT) == 600
    assert port["presentation_resume"] == LONG_TEXT[:279] + "…"  # « … à toutes et à tous… »
    assert len(port["presentation_resume"]) == 280
    assert port["horaires"] == "Mo-Fr 09:00-18:00"
    bayeux = rows["Fablab de Bayeux"]
    assert (bayeux["pivot"], bayeux["code_postal"], bayeux["telephone"]) == (
        "W141000123",
        "14400",
        "",
    )
    assert (bayeux["typologie"], bayeux["frais_a_charge"]) == ("TIERS_LIEUX|FABLAB", "Gratuit")
    assert bayeux["services"] == "Loisirs et créations numériques"


def test_summary_cuts_between_words():
    assert mediation.summary("court") == "court"
    assert mediation.summary("un deux trois", limit=9) == "un deux…"
    assert mediation.summary("un deux trois", limit=8) == "un deux…"
    assert mediation.summary("un deux trois", limit=7) == "un…"
    assert mediation.summary("a\n\nb  c") == "a b c"


@pytest.mark.parametrize("version", [0, 1], ids=["v1.0.1", "v1.0.2"])
def test_csv_passes_the_national_schema(directory, version):
    text = export_places(list(exported_places(include_demo=True)), "mediation-csv").text()
    descriptor = mediation.schema_descriptors()[version]
    assert validate(text, descriptor) == []
    # By field name: the same file with its columns in another order passes too…
    rows = read_csv(text)
    shuffled = list(reversed(mediation.COLUMNS))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=shuffled, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert validate(buffer.getvalue(), descriptor) == []
    # …and the validator does read the rows: a phone as people type it fails.
    rows[0]["telephone"] = "02 31 00 00 00"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=mediation.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert validate(buffer.getvalue(), descriptor) == [[2, "telephone", "constraint-error"]]


def test_csv_keeps_schema_phones_and_numbers_but_neutralises_formulas(directory):
    text = export_places(list(exported_places()), "mediation-csv").text()
    rows = {row["id"]: row for row in read_csv(text)}
    formula = rows[str(directory["formula"].public_id)]
    assert (formula["nom"], formula["telephone"]) == ("'@Coworking du Bessin", "+33231000001")
    assert formula["longitude"] == "-0.7036"
    assert text.splitlines()[0] == ",".join(mediation.COLUMNS)


def test_json_rows_equal_csv_rows(directory):
    places = list(exported_places(include_demo=True))
    csv_rows = read_csv(export_places(places, "mediation-csv").text())
    exported = export_places(places, "mediation-json")
    json_rows = json.loads(exported.text())
    assert exported.count == 4  # the place without SIRET is written with the unknown pivot
    assert len(exported.left_out) == 4
    assert [list(row) for row in json_rows] == [mediation.COLUMNS] * 4
    assert json_rows[2]["longitude"] == -0.354
    # Same values; in JSON numbers stay numbers and text is not neutralised for spreadsheets.
    json_rows[0]["nom"] = "'" + json_rows[0]["nom"]
    assert [{k: str(v) for k, v in row.items()} for row in json_rows] == csv_rows


def test_closed_vocabularies_come_from_the_schema_files():
    assert mediation.accepts("services", "Aide aux démarches administratives")
    assert not mediation.accepts("services", "Cuisine")
    # v1.0.2 accepts « Étapes numériques(La Poste) », v1.0.1 does not: not both, so not sent.
    assert not mediation.accepts("formations_labels", "Étapes numériques(La Poste)")
    assert mediation.accepts("telephone", "+590590123456")
    assert not mediation.accepts("telephone", "+5905901234567")  # 9 digits at most
    assert not mediation.accepts("telephone", "+442071234567")  # not a French country code


def test_schema_copies_match_the_published_files():
    if not SHARED.is_dir():
        pytest.skip(f"pas de copie de référence des schémas dans {SHARED}")
    for name, descriptor in zip(
        mediation.SCHEMA_FILES, mediation.schema_descriptors(), strict=True
    ):
        assert json.loads((SHARED / name).read_text(encoding="utf-8")) == descriptor


def test_command_prints_reasons_on_stderr(directory, tmp_path):
    output = tmp_path / "lieux.csv"
    err = io.StringIO()
    call_command("places_export", "--format", "mediation-csv", "--output", str(output), stderr=err)
    assert [row["nom"] for row in read_csv(output.read_text(encoding="utf-8"))] == [
        "'@Coworking du Bessin",
        "Fablab de Bayeux",
        "La Fabrique du Port",
        "Sans SIRET",
    ]
    lines = err.getvalue().splitlines()
    assert lines[-1] == f"4 lieux exportés dans {output} ; 3 laissés de côté, 2 avertissements."
    assert f"{label(directory['no_pivot'])} : ni SIRET ni RNA connu" in "\n".join(lines)
    assert not any("Lieu démo" in line for line in lines)  # demo places are not even read
