import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from maillage.places.models import Place, PlaceVersion
from maillage.places.opendata.export import COLUMNS, export_csv, exported_places
from maillage.places.opendata.imports import ImportFileError, places_import
from maillage.places.services import place_create
from tests.factories import IN_ROUEN, fablab_data, place_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    return [
        place_create(data=place_data(labels=["fabrique-de-territoire"], price_month="180.00")),
        place_create(data=fablab_data(opening_hours="Sa 10:00-18:00; PH off")),
        place_create(
            data=place_data(
                name="Lieu démo",
                **IN_ROUEN,
            ),
            is_demo=True,
        ),
    ]


def state() -> set[tuple]:
    return {
        (
            p.name,
            p.commune.code,
            round(p.latitude, 5),
            round(p.longitude, 5),
            p.opening_hours,
            p.open_space_desks,
            p.private_office_seats,
            tuple(sorted(p.services.values_list("slug", flat=True))),
            tuple(sorted(p.labels.values_list("slug", flat=True))),
            str(p.price_month),
            p.wheelchair,
        )
        for p in Place.objects.filter(is_demo=False)
    }


def test_csv_export_columns_and_values(directory):
    rows = list(csv.DictReader(io.StringIO(export_csv(exported_places()))))
    assert list(rows[0]) == COLUMNS
    assert [r["nom"] for r in rows] == ["Fablab de Bayeux", "La Fabrique du Port"]
    fabrique = rows[1]
    assert fabrique["code_insee"] == "14118"
    assert fabrique["typologie"] == "TIERS_LIEUX"
    assert rows[0]["typologie"] == "TIERS_LIEUX|FABLAB"
    assert fabrique["services"] == "tres-haut-debit|visioconference"
    assert fabrique["horaires"] == "Mo-Fr 09:00-18:00"
    assert fabrique["prix_mois"] == "180.00"
    assert fabrique["id"] == str(directory[0].public_id)


def test_demo_places_are_exported_only_on_request(directory):
    assert exported_places().count() == 2
    assert exported_places(include_demo=True).count() == 3


@pytest.mark.parametrize("fmt", ["csv", "json", "geojson"])
def test_export_wipe_import_gives_the_same_directory(directory, fmt, tmp_path):
    before = state()
    ids = set(Place.objects.filter(is_demo=False).values_list("public_id", flat=True))
    output = tmp_path / f"lieux.{fmt}"
    call_command("places_export", "--format", fmt, "--output", str(output))
    Place.objects.all().delete()
    call_command("places_import", str(output), "--source", "export", "--format", fmt)
    assert state() == before
    assert set(Place.objects.values_list("public_id", flat=True)) == ids


def test_reimport_is_idempotent(directory):
    content = export_csv(exported_places()).encode()
    Place.objects.all().delete()
    first = places_import(content=content, fmt="csv", source="export", dry_run=False)
    assert (len(first.created), len(first.updated)) == (2, 0)
    versions = PlaceVersion.objects.count()
    second = places_import(content=content, fmt="csv", source="export", dry_run=False)
    assert (len(second.created), len(second.updated), len(second.unchanged)) == (0, 0, 2)
    assert Place.objects.count() == 2
    assert PlaceVersion.objects.count() == versions


def test_dry_run_reports_and_writes_nothing():
    content = (
        b"nom,latitude,longitude,types\n"
        b"Le Hangar,49.1806,-0.354,coworking\n"
        b"En mer,49.9,-1.2,coworking\n"
    )
    report = places_import(content=content, fmt="csv", source="fichier", dry_run=True)
    assert report.created == ["ligne 2 « Le Hangar »"]
    assert len(report.rejected) == 1
    assert report.rejected[0].startswith("ligne 3 « En mer » : ces coordonnées ne tombent")
    assert Place.objects.count() == 0


def test_one_bad_row_aborts_everything_unless_skip_invalid():
    content = "nom;latitude;longitude\nBon;49.1806;-0.354\nInversé;-0.354;49.1806\n".encode()
    report = places_import(content=content, fmt="csv", source="f", dry_run=False)
    assert report.aborted is True
    assert Place.objects.count() == 0
    report = places_import(content=content, fmt="csv", source="f", dry_run=False, skip_invalid=True)
    assert [p.name for p in Place.objects.all()] == ["Bon"]
    assert len(report.rejected) == 1


NATIONAL_HEADER = (
    "id;pivot;nom;commune;code_postal;code_insee;adresse;latitude;longitude;typologie;"
    "telephone;courriels;site_web;horaires;date_maj;services\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_national_schema_csv_with_semicolons_and_encodings(encoding):
    line = (
        "structure-1;43493312300029;Espace numérique de Vire;Vire Normandie;14500;14762;"
        "Place du Château;48.8385;-0.8892;TIERS_LIEUX|ASSO;+33231000000;"
        "contact@vire.fr|autre@vire.fr;www.vire.fr;Mo-Fr 09:00-12:00;2024-04-02;"
        "Maîtrise des outils numériques du quotidien\n"
    )
    content = (NATIONAL_HEADER + line).encode(encoding)
    report = places_import(content=content, fmt="csv", source="mednum", dry_run=False)
    assert report.rejected == []
    place = Place.objects.get()
    assert (place.name, place.commune.code, place.email, place.website) == (
        "Espace numérique de Vire",
        "14762",
        "contact@vire.fr",
        "https://www.vire.fr",
    )
    assert place.source_id == "structure-1"
    # A médiation service is our « médiation numérique »; the national wording is kept too.
    assert list(place.services.values_list("slug", flat=True)) == ["mediation-numerique"]
    assert ["Maîtrise des outils numériques du quotidien"] in place.source_extra.values()


def test_missing_columns_refuse_the_file():
    with pytest.raises(ImportFileError, match="soit la latitude et la longitude"):
        places_import(content=b"nom,adresse\nX,rue\n", fmt="csv", source="f")


def test_cget_layout_with_its_quirks():
    content = (
        "ID,NOM_TL,ADRESSE,CP,COMINIT,INSEECOM,NOMCOM,WEB,TYPO,LAT,LONG,PRECISION\n"
        "7,Le Wip,Colombelles,0,,0,,www.le-wip.com,Tiers lieux à dominante coworking,"
        "49.1990,-0.2950,0.49\n"
        "8,Fablab du Havre,,76600,Le Havre,76351,Le Havre,,Tiers lieux à dominante fablab,"
        "49.4938,0.1077,0.9\n"
        "9,Sans position,,,,,,,,,,\n"
    ).encode()
    report = places_import(
        content=content, fmt="csv", source="cget-2019", dry_run=False, skip_invalid=True
    )
    assert sorted(Place.objects.values_list("name", "commune__code")) == [
        ("Fablab du Havre", "76351"),
        ("Le Wip", "14167"),  # Colombelles, found from the coordinates (CP and INSEE were 0)
    ]
    assert Place.objects.get(name="Fablab du Havre").kinds.get().slug == "fablab"
    assert [r.split(" : ")[0] for r in report.rejected] == ["ligne 4 « Sans position »"]


def test_overpass_json_nodes_and_ways():
    content = json.dumps(
        {
            "elements": [
                {
                    "type": "node",
                    "id": 101,
                    "lat": 49.1806,
                    "lon": -0.354,
                    "tags": {
                        "amenity": "coworking_space",
                        "name": "Coworking du port",
                        "opening_hours": "Mo-Fr 08:00-19:00",
                        "addr:postcode": "14000",
                        "wheelchair": "yes",
                    },
                },
                {
                    "type": "way",
                    "id": 202,
                    "center": {"lat": 49.2765, "lon": -0.7036},
                    "tags": {"leisure": "hackerspace", "name": "Bayeux Lab"},
                },
            ]
        }
    ).encode()
    report = places_import(content=content, fmt="overpass", source="osm", dry_run=False)
    assert report.rejected == []
    assert sorted(Place.objects.values_list("source_id", "name")) == [
        ("node/101", "Coworking du port"),
        ("way/202", "Bayeux Lab"),
    ]
    assert Place.objects.get(source_id="way/202").kinds.get().slug == "fablab"


def test_same_name_within_200_m_is_a_duplicate(directory):
    content = b"nom,latitude,longitude\nLa Fabrique du Port,49.1810,-0.3545\n"
    report = places_import(content=content, fmt="csv", source="autre", dry_run=True)
    assert report.created == []
    assert report.proposed == ["ligne 2 « La Fabrique du Port »"]
    assert "déjà dans l'annuaire : « La Fabrique du Port »" in " ".join(report.warnings)


def test_command_reports_abort_with_non_zero_exit(tmp_path):
    path = tmp_path / "lieux.csv"
    path.write_text("nom,latitude,longitude\nEn mer,49.9,-1.2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Import annulé"):
        call_command("places_import", str(path), "--source", "f")


@pytest.mark.parametrize("fmt", ["csv", "mediation-csv"])
def test_round_trip_export_import_into_an_empty_directory_export_gives_the_same_file(
    directory, fmt, tmp_path
):
    from maillage.places.models import Organisation

    Place.objects.filter(name="La Fabrique du Port").update(pivot="43493312300029")
    first = tmp_path / "premier.csv"
    call_command("places_export", "--format", fmt, "--output", str(first))
    Place.objects.all().delete()
    Organisation.objects.all().delete()
    call_command("places_import", str(first), "--source", "export maillage")
    second = tmp_path / "second.csv"
    call_command("places_export", "--format", fmt, "--output", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
