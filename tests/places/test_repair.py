import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.places.opendata.repair import (
    PHONE_PATTERN,
    Repaired,
    RepairedPostalCode,
    RepairError,
    boolean,
    coordinate,
    date,
    decimal_number,
    email,
    insee_code,
    is_missing,
    multi_urls,
    multi_values,
    opening_hours,
    phone_e164,
    postal_code,
    website,
)
from maillage.places.opening_hours import validate

# --- missing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "\xa0", "#N/D", "#N/A", "N/A", "NA", "n.c.", "NC", "null", "None", "nan",
     "-", "?", float("nan"), "Non renseigné", "#VALEUR!"],
)  # fmt: skip
def test_is_missing_markers(raw):
    assert is_missing(raw) is True


@pytest.mark.parametrize("raw", ["0", 0, "x", "non", "Caen", False, 14000])
def test_is_missing_values_that_mean_something(raw):
    assert is_missing(raw) is False


# --- postal codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "cedex", "note"),
    [
        ("14000", "14000", False, ""),
        (14000, "14000", False, ""),
        (14000.0, "14000", False, ""),
        (9500, "09500", False, "code postal 9500 complété en 09500"),
        ("9500", "09500", False, "code postal 9500 complété en 09500"),
        ("9500.0", "09500", False, "code postal 9500 complété en 09500"),
        (" 14 000 ", "14000", False, ""),
        ("14\xa0000", "14000", False, ""),
        (
            "14000 CEDEX",
            "14000",
            True,
            "code CEDEX 14000 : adresse de distribution, pas la commune du lieu",
        ),
        (
            "14052 Cedex 4",
            "14052",
            True,
            "code CEDEX 14052 : adresse de distribution, pas la commune du lieu",
        ),
        (
            "CS 12345 14052 CAEN CEDEX 4",
            "14052",
            True,
            "CS 12345 retiré du code postal ; commune « CAEN » retirée du code postal ; "
            "code CEDEX 14052 : adresse de distribution, pas la commune du lieu",
        ),
        ("14000 Caen", "14000", False, "commune « Caen » retirée du code postal"),
        ("0", "", False, "code postal « 0 » lu comme absent"),
        (0, "", False, "code postal « 0 » lu comme absent"),
        ("00000", "", False, "code postal « 00000 » lu comme absent"),
        ("", "", False, ""),
        ("#N/D", "", False, ""),
        (None, "", False, ""),
    ],
)
def test_postal_code_repairs(raw, value, cedex, note):
    assert postal_code(raw) == RepairedPostalCode(value, note, cedex=cedex)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("14O00", "code postal : 5 chiffres attendus, lu « 14O00 »"),
        (
            "2A004",
            "code postal : 5 chiffres attendus, lu « 2A004 » (2A/2B sont des codes INSEE de la "
            "Corse, pas des codes postaux)",
        ),
        (
            "CS 12345",
            "code postal : 5 chiffres attendus, lu « CS 12345 » (numéro de boîte postale ou de "
            "course spéciale, sans code postal)",
        ),
        ("123", "code postal : 5 chiffres attendus, lu « 123 »"),
        ("140000", "code postal : 5 chiffres attendus, lu « 140000 »"),
        ("00123", "code postal : 5 chiffres attendus, lu « 00123 »"),
        (True, "code postal : 5 chiffres attendus, lu « True »"),
        (14000.5, "code postal : 5 chiffres attendus, lu « 14000.5 »"),
    ],
)
def test_postal_code_refuses_garbage(raw, message):
    with pytest.raises(RepairError) as error:
        postal_code(raw)
    assert str(error.value) == message


@given(st.integers(min_value=1000, max_value=98999))
def test_postal_code_of_any_int_gives_five_digits_and_round_trips(number):
    repaired = postal_code(number)
    assert re.fullmatch(r"\d{5}", repaired.value)
    assert int(repaired.value) == number
    assert postal_code(repaired.value) == RepairedPostalCode(repaired.value)


@given(st.integers(min_value=99000, max_value=99999))
def test_postal_code_refuses_99(number):
    with pytest.raises(RepairError):
        postal_code(number)


# --- INSEE codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1053, Repaired("01053", "code INSEE 1053 complété en 01053")),
        ("1053.0", Repaired("01053", "code INSEE 1053 complété en 01053")),
        ("01053", Repaired("01053")),
        ("2A004", Repaired("2A004")),
        ("2a004", Repaired("2A004")),
        (" 14 118 ", Repaired("14118")),
        (0, Repaired("", "code INSEE « 0 » lu comme absent")),
        ("0", Repaired("", "code INSEE « 0 » lu comme absent")),
        ("", Repaired("")),
    ],
)
def test_insee_code_repairs(raw, expected):
    assert insee_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("20004", "code INSEE : 5 caractères attendus, lu « 20004 » (la Corse s'écrit 2A ou 2B)"),
        (
            "2C004",
            "code INSEE : 5 caractères attendus (chiffres, ou 2A/2B pour la Corse), lu « 2C004 »",
        ),
        ("123", "code INSEE : 5 caractères attendus, lu « 123 »"),
        (
            "Caen",
            "code INSEE : 5 caractères attendus (chiffres, ou 2A/2B pour la Corse), lu « Caen »",
        ),
    ],
)
def test_insee_code_refuses_bad_codes(raw, message):
    with pytest.raises(RepairError) as error:
        insee_code(raw)
    assert str(error.value) == message


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("02 31 00 00 00", "+33231000000", ""),
        ("02.31.00.00.00", "+33231000000", ""),
        ("02-31-00-00-00", "+33231000000", ""),
        ("0231000000", "+33231000000", ""),
        ("+33 (0)2 31 00 00 00", "+33231000000", ""),
        ("+33 2 31 00 00 00", "+33231000000", ""),
        ("+330231000000", "+33231000000", "0 après l'indicatif retiré"),
        ("0033231000000", "+33231000000", ""),
        ("0033 (0)2 31 00 00 00", "+33231000000", ""),
        ("231000000", "+33231000000", "zéro initial rétabli (0231000000)"),
        (231000000, "+33231000000", "zéro initial rétabli (0231000000)"),
        (231000000.0, "+33231000000", "zéro initial rétabli (0231000000)"),
        ("33231000000", "+33231000000", "indicatif +33 sans « + »"),
        ("Tél : 02 31 00 00 00", "+33231000000", ""),
        ("02 31 00 00 00 (accueil)", "+33231000000", ""),
        ("06 12 34 56 78", "+33612345678", ""),
        ("0590 12 34 56", "+590590123456", ""),  # Guadeloupe
        ("0690 12 34 56", "+590690123456", ""),
        ("0594 12 34 56", "+594594123456", ""),  # Guyane
        ("0694 12 34 56", "+594694123456", ""),
        ("0262 12 34 56", "+262262123456", ""),  # La Réunion
        ("0692 12 34 56", "+262692123456", ""),
        ("0693 12 34 56", "+262693123456", ""),
        ("0269 61 23 45", "+262269612345", ""),  # Mayotte is +262, not +269 (Comoros)
        ("0639 12 34 56", "+262639123456", ""),
        ("0596 12 34 56", "+596596123456", ""),  # Martinique
        ("0696 12 34 56", "+596696123456", ""),
        ("0508 41 23 45", "+508412345", ""),  # Saint-Pierre-et-Miquelon
        ("+508 41 23 45", "+508412345", ""),
        ("+687 12 34 56", "+687123456", ""),  # Nouvelle-Calédonie
        ("+689 40 12 34 56", "+68940123456", ""),  # Polynésie
        ("+681 72 12 34", "+681721234", ""),  # Wallis-et-Futuna
        (
            "+33 6 90 12 34 56",
            "+590690123456",
            "numéro d'outre-mer : indicatif +590 au lieu de +33",
        ),
        (
            "02 31 00 00 00 / 06 12 34 56 78",
            "+33231000000",
            "2 numéros, le premier gardé (autres : 06 12 34 56 78)",
        ),
        (
            "02 31 00 00 00 ou 06 12 34 56 78",
            "+33231000000",
            "2 numéros, le premier gardé (autres : 06 12 34 56 78)",
        ),
        ("02 31 00 00 00 / 01", "+33231000000", "texte ignoré : 01"),
        ("", "", ""),
        ("NC", "", ""),
    ],
)
def test_phone_e164_repairs(raw, value, note):
    assert phone_e164(raw) == Repaired(value, note)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("appeler le matin", "téléphone : numéro attendu, lu « appeler le matin »"),
        (
            "+32 2 123 45 67",
            "téléphone : indicatif de France ou d'outre-mer attendu (+33, +262, +590…), "
            "lu « +32 2 123 45 67 »",
        ),
        (
            "412345",
            "téléphone : numéro à 6 chiffres sans indicatif, lu « 412345 » (ajoutez +687, +681 "
            "ou +508)",
        ),
        (
            "02 31 00 00",
            "téléphone : 10 chiffres ou numéro international attendu, lu « 02 31 00 00 »",
        ),
        ("+33 2 31 00 00", "téléphone : 9 chiffres attendus après +33, lu « +33 2 31 00 00 »"),
        ("02 31 00 00 00 poste 12", "téléphone : numéro attendu, lu « 02 31 00 00 00 poste 12 »"),
    ],
)
def test_phone_e164_refuses_garbage(raw, message):
    with pytest.raises(RepairError) as error:
        phone_e164(raw)
    assert str(error.value) == message


_separators = st.sampled_from(["", " ", ".", "-"])


@st.composite
def written_french_numbers(draw):
    """A French 10-digit number as people type it, sometimes with its lost leading zero."""
    prefix = draw(st.sampled_from(["01", "02", "03", "04", "05", "06", "07", "09", "0590",
                                   "0690", "0594", "0262", "0692", "0269", "0639", "0596",
                                   "0508"]))  # fmt: skip
    digits = prefix + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=10 - len(
        prefix), max_size=10 - len(prefix))))  # fmt: skip
    separator = draw(_separators)
    pairs = [digits[i : i + 2] for i in range(0, 10, 2)]
    form = draw(st.sampled_from(["national", "plus33", "lost-zero"]))
    if form == "plus33" and prefix != "0508":
        return "+33 " + separator.join([pairs[0][1], *pairs[1:]])
    if form == "lost-zero":
        return digits[1:]
    return separator.join(pairs)


@given(written_french_numbers())
def test_phone_e164_output_always_matches_national_pattern_and_is_idempotent(raw):
    repaired = phone_e164(raw)
    assert PHONE_PATTERN.fullmatch(repaired.value)
    assert phone_e164(repaired.value) == Repaired(repaired.value)


@given(st.text(max_size=30))
def test_phone_e164_never_returns_what_the_schema_refuses(raw):
    try:
        value = phone_e164(raw).value
    except RepairError:
        return
    assert value == "" or PHONE_PATTERN.fullmatch(value)


# --- booleans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("oui", True), ("Oui", True), ("OUI ", True), ("vrai", True), ("true", True),
     ("True", True), ("yes", True), ("y", True), ("o", True), ("1", True), (1, True),
     (1.0, True), ("x", True), ("X", True), ("✓", True), (True, True),
     ("non", False), ("Non", False), ("faux", False), ("false", False), ("False", False),
     ("no", False), ("n", False), ("0", False), (0, False), (False, False),
     ("", None), (None, None), ("NC", None)],
)  # fmt: skip
def test_boolean_repairs(raw, expected):
    assert boolean(raw) == Repaired(expected)


@pytest.mark.parametrize("raw", ["peut-être", "oui, sur demande", 2, "2"])
def test_boolean_refuses_other_words(raw):
    with pytest.raises(RepairError) as error:
        boolean(raw)
    assert str(error.value) == f"oui ou non attendu, lu « {raw} »"


# --- dates ------------------------------------------------------------------------------------

JUNE_30 = dt.date(2020, 6, 30)
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-06-30", Repaired(JUNE_30)),
        ("2020/06/30 14:16:50.898", Repaired(JUNE_30)),
        ("2020-06-30T14:16:50Z", Repaired(JUNE_30)),
        ("2020-06-30T14:16:50+02:00", Repaired(JUNE_30)),
        ("2020-06-30T23:30:00Z", Repaired(dt.date(2020, 7, 1))),  # already the 1st in Paris
        ("30/06/2020", Repaired(JUNE_30)),
        ("30/06/2020 08:15", Repaired(JUNE_30)),
        ("30/06/20", Repaired(JUNE_30, "année « 20 » lue 2020")),
        ("30-06-2020", Repaired(JUNE_30)),
        ("30.06.2020", Repaired(JUNE_30)),
        ("30 juin 2020", Repaired(JUNE_30)),
        ("30 JUIN 2020", Repaired(JUNE_30)),
        ("1er juillet 2020", Repaired(dt.date(2020, 7, 1))),
        ("3 févr. 2021", Repaired(dt.date(2021, 2, 3))),
        ("20200630", Repaired(JUNE_30)),
        (44012, Repaired(JUNE_30, "nombre de tableur 44012 lu comme le 30/06/2020")),
        (44012.6, Repaired(JUNE_30, "nombre de tableur 44012 lu comme le 30/06/2020")),
        ("44012", Repaired(JUNE_30, "nombre de tableur 44012 lu comme le 30/06/2020")),
        (dt.datetime(2020, 6, 30, 14, 16, tzinfo=PARIS), Repaired(JUNE_30)),
        (dt.datetime(2020, 6, 30, 22, 30, tzinfo=dt.UTC), Repaired(dt.date(2020, 7, 1))),
        (JUNE_30, Repaired(JUNE_30)),
        ("", Repaired(None)),
        ("0000-00-00", Repaired(None)),
    ],
)
def test_date_repairs(raw, expected):
    assert date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/2020", "date : le 31/02/2020 n'existe pas, lu « 31/02/2020 »"),
        (
            "06/30/2020",
            "date : le mois 30 n'existe pas, lu « 06/30/2020 » (jour et mois inversés ?)",
        ),
        (
            "2020-13-01",
            "date : le mois 13 n'existe pas, lu « 2020-13-01 » (jour et mois inversés ?)",
        ),
        ("2020-14-14", "date : le mois 14 n'existe pas, lu « 2020-14-14 »"),
        ("06/2020", "date : le jour manque, lu « 06/2020 »"),
        ("2020", "date : le jour manque, lu « 2020 »"),
        ("30/06", "date : l'année manque, lu « 30/06 »"),
        ("1850-01-01", "date : année 1850 invraisemblable, lu « 1850-01-01 »"),
        (100, "date : nombre « 100 » hors des dates de tableur plausibles (1990 à 2099)"),
        ("bientôt", "date attendue (ex. 30/06/2020 ou 2020-06-30), lu « bientôt »"),
        ("30 juinet 2020", "date attendue (ex. 30/06/2020 ou 2020-06-30), lu « 30 juinet 2020 »"),
    ],
)
def test_date_refuses_ambiguous_or_impossible_dates(raw, message):
    with pytest.raises(RepairError) as error:
        date(raw)
    assert str(error.value) == message


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_reads_french_iso_and_spreadsheet_forms_alike(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert date(f"{day:%d/%m/%Y}").value == day
    assert date(day.isoformat()).value == day
    assert date(serial).value == day
    assert date(date(serial).value) == Repaired(day)


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,50", Decimal("12.50")),
        ("12.50", Decimal("12.50")),
        ("12.50 €", Decimal("12.50")),
        ("12,50€", Decimal("12.50")),
        ("€ 12", Decimal("12")),
        ("150 euros", Decimal("150")),
        ("12,50 € HT", Decimal("12.50")),
        ("1 200,00", Decimal("1200.00")),
        ("1\u202f200,00", Decimal("1200.00")),
        ("1.200,00", Decimal("1200.00")),
        ("1,200.00", Decimal("1200.00")),
        ("1.200.000", Decimal("1200000")),
        ("-3,5", Decimal("-3.5")),
        ("0", Decimal("0")),
        (12, Decimal("12")),
        (12.5, Decimal("12.5")),
        (Decimal("7.25"), Decimal("7.25")),
        ("", None),
        ("N/A", None),
    ],
)
def test_decimal_number_repairs(raw, expected):
    assert decimal_number(raw) == Repaired(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "1.200",
            "nombre ambigu : « 1.200 » vaut-il 1,200 ou 1 200 ? Écrivez la virgule décimale.",
        ),
        ("gratuit", "nombre attendu (ex. 12,50), lu « gratuit »"),
        ("12,5,0", "nombre illisible, lu « 12,5,0 »"),
        ("1.2.3,4.5", "nombre illisible, lu « 1.2.3,4.5 »"),
    ],
)
def test_decimal_number_refuses_ambiguous_or_garbage(raw, message):
    with pytest.raises(RepairError) as error:
        decimal_number(raw)
    assert str(error.value) == message


# --- coordinates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "axis", "expected"),
    [
        ("49,18", "latitude", 49.18),
        ("49.18", "latitude", 49.18),
        (" -0,3707 ", "longitude", -0.3707),
        ("−1.5", "longitude", -1.5),
        (49.18, "latitude", 49.18),
        (Decimal("2.35"), "longitude", 2.35),
        (0, "longitude", 0.0),
        ("", "latitude", None),
        ("NA", "longitude", None),
    ],
)
def test_coordinate_repairs(raw, axis, expected):
    assert coordinate(raw, axis=axis) == Repaired(expected)


@pytest.mark.parametrize(
    ("raw", "axis", "message"),
    [
        ("91", "latitude", "latitude : entre -90 et 90 degrés attendue, lu « 91 »"),
        ("-180.5", "longitude", "longitude : entre -180 et 180 degrés attendue, lu « -180.5 »"),
        (
            "455000",
            "longitude",
            "longitude : entre -180 et 180 degrés attendue, lu « 455000 » (coordonnées en "
            "Lambert 93 ? attendu des degrés WGS84)",
        ),
        ("49,18,2", "latitude", "latitude : degrés décimaux attendus (ex. 49.18), lu « 49,18,2 »"),
        ("49°10'N", "latitude", "latitude : degrés décimaux attendus (ex. 49.18), lu « 49°10'N »"),
        (float("inf"), "latitude", "latitude : nombre attendu, lu « inf »"),
    ],
)
def test_coordinate_refuses_out_of_range(raw, axis, message):
    with pytest.raises(RepairError) as error:
        coordinate(raw, axis=axis)
    assert str(error.value) == message


# --- multi-valued cells -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a|b|c", ["a", "b", "c"]),
        ("a ; b ;a", ["a", "b"]),
        ("a, b / c\nd", ["a", "b", "c", "d"]),
        ("Coworking|coworking| |NC", ["Coworking"]),
        # the strongest separator wins: our names with commas survive a |-separated cell
        ("Impression, photocopie|Café, cuisine partagée", ["Impression, photocopie",
                                                           "Café, cuisine partagée"]),
        ("Familles et/ou enfants|Seniors", ["Familles et/ou enfants", "Seniors"]),
        # schema v0 values carry commas inside parentheses
        (
            "Gratuit sous condition : La gratuité est conditionnée à des critères (situation "
            "familiale, convention avec un organisme social...), Payant",
            ["Gratuit sous condition : La gratuité est conditionnée à des critères (situation "
             "familiale, convention avec un organisme social...)", "Payant"],
        ),
        (["a|b", "b", None, "c"], ["a", "b", "c"]),
        ("", []),
        (None, []),
    ],
)  # fmt: skip
def test_multi_values_splits(raw, expected):
    assert multi_values(raw) == expected


@given(st.text(alphabet=st.sampled_from("ab ,;|/\n-?N/A"), max_size=40))
def test_multi_values_never_returns_empties_or_duplicates(raw):
    values = multi_values(raw)
    assert all(v and v == v.strip() and not is_missing(v) for v in values)
    assert len({v.casefold() for v in values}) == len(values)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a.fr|b.fr", ["https://a.fr", "https://b.fr"]),
        ("a.fr, b.fr", ["https://a.fr", "https://b.fr"]),
        ("a.fr b.fr", ["https://a.fr", "https://b.fr"]),
        ("a.fr;b.fr", ["https://a.fr", "https://b.fr"]),
        ("https://x.fr/liste?ids=1,2,3", ["https://x.fr/liste?ids=1,2,3"]),
        ("https://x.fr/a/b, www.y.fr", ["https://x.fr/a/b", "https://www.y.fr"]),
        ("http://fablab-vignes.org|fablab-vignes.org]]", ["http://fablab-vignes.org"]),
        ("Innovation studio\xa0http://theschoolab.com/", ["http://theschoolab.com/"]),
        ("https://atelier.jimdo.com|site web", ["https://atelier.jimdo.com"]),
        ("contact@a.fr", []),
        ("en cours", []),
        ("", []),
    ],
)
def test_multi_urls_splits_without_breaking_urls(raw, expected):
    assert multi_urls(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://a.fr", Repaired("https://a.fr")),
        ("www.a.fr", Repaired("https://www.a.fr", "https:// ajouté")),
        (
            "https://a.fr|https://facebook.com/a",
            Repaired("https://a.fr", "2 adresses, la première gardée (autres : "
                     "https://facebook.com/a)"),
        ),
        ("https://atelier.jimdo.com|site web",
         Repaired("https://atelier.jimdo.com", "texte ignoré : site web")),
        ("", Repaired("")),
    ],
)  # fmt: skip
def test_website_keeps_the_first(raw, expected):
    assert website(raw) == expected


def test_website_refuses_text_without_url():
    with pytest.raises(RepairError) as error:
        website("Madame PATTE")
    assert str(error.value) == (
        "site web : adresse attendue (ex. https://exemple.fr), lu « Madame PATTE »"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("contact@a.fr", Repaired("contact@a.fr")),
        ("Contact@A.FR", Repaired("Contact@a.fr")),
        ("mailto:contact@a.fr", Repaired("contact@a.fr")),
        (
            "contact@a.fr ; accueil@a.fr",
            Repaired("contact@a.fr", "2 adresses, la première gardée (autres : accueil@a.fr)"),
        ),
        ("contact@a.fr|contact@a.fr", Repaired("contact@a.fr")),
        ("Jean Dupont <jean@a.fr>", Repaired("jean@a.fr", "texte ignoré : Jean Dupont")),
        ("contact [at] a.fr", Repaired("contact@a.fr", "« [at] » lu comme @")),
        ("", Repaired("")),
    ],
)
def test_email_keeps_the_first(raw, expected):
    assert email(raw) == expected


def test_email_refuses_text_without_address():
    with pytest.raises(RepairError) as error:
        email("Laurent rouxel")
    assert str(error.value) == (
        "adresse e-mail attendue (ex. contact@exemple.fr), lu « Laurent rouxel »"
    )


# --- opening hours ----------------------------------------------------------------------------


def _converted(raw: str, value: str, *extra: str) -> Repaired:
    return Repaired(value, " ; ".join([f"horaires « {raw.strip()} » convertis en « {value} »",
                                       *extra]))  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # valid OSM: kept as the parser spells it, silently
        ("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00",
         Repaired("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00")),
        ("mo-fr 9:00-12:00", Repaired("Mo-Fr 09:00-12:00")),
        ("24/7", Repaired("24/7")),
        ("Mo-Fr 08:00-18:00; PH off", Repaired("Mo-Fr 08:00-18:00; PH closed")),
        ("Jan-Mar Mo 10:00-12:00", Repaired("Jan-Mar Mo 10:00-12:00")),
        ("", Repaired("")),
        ("NC", Repaired("")),
        # nearly OSM
        ("Sa  10:00-13:00", _converted("Sa  10:00-13:00", "Sa 10:00-13:00")),
        ("Tu-Th-Fr 14:00-18:00", _converted("Tu-Th-Fr 14:00-18:00", "Tu,Th,Fr 14:00-18:00",
                                            "« Tu-Th-Fr » lu comme la liste Tu,Th,Fr")),
        ("Mo-We-Fr 9h-12h", _converted("Mo-We-Fr 9h-12h", "Mo,We,Fr 09:00-12:00",
                                       "« Mo-We-Fr » lu comme la liste Mo,We,Fr")),
        ("13h30-18:00", _converted("13h30-18:00", "13:30-18:00")),
        ("Mo-Fr 9h-12h", _converted("Mo-Fr 9h-12h", "Mo-Fr 09:00-12:00")),
        ("9h00 - 12h00", _converted("9h00 - 12h00", "09:00-12:00")),
        ("Mo-Fr 09:00-12:00 – 14:00-18:00".replace(" – ", ", "),
         Repaired("Mo-Fr 09:00-12:00,14:00-18:00")),
        ("Lu 9h–12h", _converted("Lu 9h–12h", "Mo 09:00-12:00")),
        ("Me 9h à 12h", _converted("Me 9h à 12h", "We 09:00-12:00")),
        ("Je 9h — 12h", _converted("Je 9h — 12h", "Th 09:00-12:00")),
        ("de 9h à midi", _converted("de 9h à midi", "09:00-12:00")),
        ("9-12h", _converted("9-12h", "09:00-12:00")),
        # French days
        ("du lundi au vendredi de 9h à 12h et de 14h à 18h",
         _converted("du lundi au vendredi de 9h à 12h et de 14h à 18h",
                    "Mo-Fr 09:00-12:00,14:00-18:00")),
        ("Lundi-Vendredi 9h-12h / 14h-18h",
         _converted("Lundi-Vendredi 9h-12h / 14h-18h", "Mo-Fr 09:00-12:00,14:00-18:00")),
        ("Lundi au vendredi 9h – 12h30 & 14h – 18h",
         _converted("Lundi au vendredi 9h – 12h30 & 14h – 18h", "Mo-Fr 09:00-12:30,14:00-18:00")),
        ("lun. 9h-12h ; mar. 14h-18h",
         _converted("lun. 9h-12h ; mar. 14h-18h", "Mo 09:00-12:00; Tu 14:00-18:00")),
        ("Ma, Je : 14h-18h", _converted("Ma, Je : 14h-18h", "Tu,Th 14:00-18:00")),
        ("Lu-Ve 9h-18h; Sa-Di fermé",
         _converted("Lu-Ve 9h-18h; Sa-Di fermé", "Mo-Fr 09:00-18:00; Sa-Su closed")),
        ("Dimanche : fermé", _converted("Dimanche : fermé", "Su closed")),
        ("Sunday closed", _converted("Sunday closed", "Su closed")),
        ("tous les jours 8h-20h", _converted("tous les jours 8h-20h", "Mo-Su 08:00-20:00")),
        ("jours fériés fermé", _converted("jours fériés fermé", "PH closed")),
        ("Lundi, mardi, jeudi et vendredi : 9h-12h et 13h30-17h30. Samedi : 9h-12h",
         _converted("Lundi, mardi, jeudi et vendredi : 9h-12h et 13h30-17h30. Samedi : 9h-12h",
                    "Mo,Tu,Th,Fr 09:00-12:00,13:30-17:30; Sa 09:00-12:00")),
        # 24/7 spelled in French
        ("24h/24 7j/7", _converted("24h/24 7j/7", "24/7")),
        ("7j/7, 24h/24", _converted("7j/7, 24h/24", "24/7")),
        ("Lundi-Vendredi 24h/24", _converted("Lundi-Vendredi 24h/24", "Mo-Fr")),
        # separators between rules
        ("Lu 9h-12h, Ma 14h-18h", _converted("Lu 9h-12h, Ma 14h-18h",
                                             "Mo 09:00-12:00; Tu 14:00-18:00")),
        ("Lun-Ven 9h-12h 14h-17h30; Sam 9h-12h",
         _converted("Lun-Ven 9h-12h 14h-17h30; Sam 9h-12h",
                    "Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00")),
        # valid OSM whose second rule would mean « every day »: joined to the days before it
        ("Mo-Fr 09:00-12:00; 14:00-18:00",
         _converted("Mo-Fr 09:00-12:00; 14:00-18:00", "Mo-Fr 09:00-12:00,14:00-18:00",
                    "plages 14:00-18:00 rattachées à Mo-Fr")),
        ("Lundi au vendredi\n9h-12h 14h-18h",
         _converted("Lundi au vendredi\n9h-12h 14h-18h", "Mo-Fr 09:00-12:00,14:00-18:00")),
    ],
)  # fmt: skip
def test_opening_hours_repairs(raw, expected):
    assert opening_hours(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["sur rendez-vous", "horaires variables", "Lundi 9h-12h (sauf vacances)", "Lundi",
     "le matin", "9 à 12", "12 h 30 - 14h", "Mo-Fr 25:00-26:00", "Lundi fermé 9h-12h",
     "Lundi-Ph 9h-12h", "fermé", "closed", ":", "24h/24 fermé"],
)  # fmt: skip
def test_opening_hours_refuses_prose(raw):
    with pytest.raises(RepairError) as error:
        opening_hours(raw)
    assert str(error.value) == (
        "horaires : syntaxe OpenStreetMap attendue (ex. « Mo-Fr 09:00-12:00,14:00-18:00; "
        f"Sa 10:00-12:00 »), lu « {raw} » ; le lieu peut être importé sans horaires"
    )


_day_words = st.sampled_from(["lundi", "Lu", "lun.", "Mo", "mardi", "Ma", "mercredi", "Me",
                              "jeudi", "Je", "vendredi", "Ve", "samedi", "Sa", "dimanche",
                              "Di", "Su", "Fr"])  # fmt: skip
_time_words = st.builds(
    lambda h, m, style: {"h": f"{h}h{m:02d}" if m else f"{h}h", "colon": f"{h}:{m:02d}",
                         "osm": f"{h:02d}:{m:02d}"}[style],
    st.integers(0, 23), st.sampled_from([0, 15, 30, 45]), st.sampled_from(["h", "colon", "osm"]),
)  # fmt: skip
_range_words = st.sampled_from(["-", " - ", " à ", "–", " au "])
_join_words = st.sampled_from([" ", ", ", " et ", " / ", " & ", "; ", "\n", " : ", "-", " au "])


@given(st.lists(st.one_of(_day_words, _time_words, _range_words, _join_words, st.just("fermé"),
                          st.just("24h/24")), max_size=12))  # fmt: skip
def test_opening_hours_output_always_passes_validate_and_is_idempotent(words):
    raw = "".join(words)
    try:
        repaired = opening_hours(raw)
    except RepairError:
        return
    assert validate(repaired.value) == repaired.value
    assert opening_hours(repaired.value) == Repaired(repaired.value)


# --- idempotence of the other repairs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("repair", "raw"),
    [
        (postal_code, "9500"),
        (postal_code, "14052 CEDEX 4"),
        (insee_code, "2a004"),
        (phone_e164, "0692 12 34 56"),
        (phone_e164, "231000000"),
        (boolean, "x"),
        (date, "30/06/20"),
        (date, 44012),
        (decimal_number, "1.200,50 €"),
        (email, "A <a@B.fr>; b@c.fr"),
        (website, "a.fr|b.fr"),
        (opening_hours, "du lundi au vendredi de 9h à 12h"),
    ],
)
def test_repairing_a_repaired_value_changes_nothing(repair, raw):
    value = repair(raw).value
    assert repair(value).value == value
    assert repair(value).note == ""


def test_coordinate_repair_is_idempotent():
    value = coordinate("49,18", axis="latitude").value
    assert coordinate(value, axis="latitude") == Repaired(49.18)
