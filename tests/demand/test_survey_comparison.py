"""A survey's own comparison with the model: its communes only, the published figures' secrecy
(primary and secondary), the model's desks from the territory page's computation, the reading
sentence, the downloads and who sees them."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from maillage.core.templatetags.humanize_fr import french_decimal
from maillage.demand.survey_comparison import (
    HEADER,
    display,
    model_desks,
    reading,
    survey_comparison,
)
from maillage.demand.survey_mapping import guess_mapping
from maillage.demand.survey_reading import survey_table
from maillage.demand.survey_services import survey_import
from maillage.observatory import selectors as observatory_selectors
from maillage.observatory.catchment import Catchment
from maillage.observatory.forms import DEFAULT_RADIUS_KM
from tests.demand.statements import confirmed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CAEN, HEROUVILLE, IFS, OUISTREHAM = "14118", "14327", "14341", "14488"
SAINT_LO = "50502"
CAEN_LA_MER = "200065597"
TODAY = date(2026, 10, 15)

# Caen: 4 « oui » (2 + 3 + 5 + 1 days) and 1 « peut-être »; Hérouville: 3 « oui » (1 + 2 + 2);
# Ifs: 2 « oui » (3 + 2), hence secret, and Hérouville (the smallest visible) hidden with it so
# the total does not reveal Ifs; Bayeux: one « non », not counted.
SURVEY = (
    "Commune de résidence (code postal ou nom);Combien de jours par semaine viendriez-vous ?;"
    "Seriez-vous prêt à utiliser un tiers-lieu près de chez vous ?\r\n"
    "Caen;2;Oui\r\n"
    "Caen;3 jours;Oui, certainement\r\n"
    "14118;5;Oui\r\n"
    "Caen;1;oui\r\n"
    "Caen;4;Peut-être\r\n"
    "Hérouville-Saint-Clair;1;Oui\r\n"
    "14327;2;Oui\r\n"
    "Hérouville-Saint-Clair;2;Oui\r\n"
    "Ifs;3;Oui\r\n"
    "Ifs;2;Oui\r\n"
    "Bayeux;4;Non\r\n"
).encode()


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def survey(coordinator):
    table = survey_table(SURVEY, filename="enquete.csv")
    return survey_import(
        user=coordinator,
        name="Enquête Caen la mer",
        file_name="enquete.csv",
        table=table,
        mapping=guess_mapping(table.columns),
    )


def _calvados_desks() -> dict[str, float]:
    return _departement_desks("14")


def _departement_desks(code: str, level: str = "departement") -> dict[str, float]:
    """The model's desks as the territory page computes them (scenario « actuel »)."""
    scenario = observatory_selectors.scenario_catalogue(today=TODAY)["actuel"]
    analysis = observatory_selectors.analysis_run(
        level=level,
        code=code,
        scenarios=[scenario],
        catchment=Catchment(radius_km=DEFAULT_RADIUS_KM),
    )
    values = analysis.outcomes["actuel"].values["postes"]
    return dict(zip(analysis.codes.tolist(), values.tolist(), strict=True))


def test_figures_secrecy_and_model_of_the_survey_communes_only(survey):
    # Another survey's and a form statement in the same communes do not count here.
    confirmed(CAEN, days_per_week=5)
    model = _calvados_desks()
    result = survey_comparison(survey, today=TODAY)
    assert [
        (row.code, row.people, row.maybe, row.days, row.desks, row.model) for row in result.rows
    ] == [
        (CAEN, 4, None, 11, 2.2, model[CAEN]),
        (HEROUVILLE, None, 0, None, None, model[HEROUVILLE]),
        (IFS, None, 0, None, None, model[IFS]),
    ]
    assert model[CAEN] > 0
    assert result.rows[0].ratio == pytest.approx(2.2 / model[CAEN])
    assert [row.ratio for row in result.rows[1:]] == [None, None]
    total = result.total
    assert (total.people, total.maybe, total.days, total.desks) == (9, None, 21, 4.2)
    model_total = model[CAEN] + model[HEROUVILLE] + model[IFS]
    assert total.model == pytest.approx(model_total)
    assert total.ratio == pytest.approx(4.2 / model_total)
    assert (result.scenario_label, result.horizon, result.unmodelled) == (
        "Pratiques actuelles",
        2026,
        0,
    )
    assert reading(result) == (
        f"Les répondants expriment 4,2 postes là où le modèle en estime "
        f"{_number(model_total)} : "
        f"{french_decimal(4.2 / model_total * 100, 0)} %."
    )
    shown = display(result)
    assert [(row["name"], row["people"], row["desks"], row["ratio"]) for row in shown["rows"]] == [
        ("Caen", "4", "2,2", french_decimal(2.2 / model[CAEN] * 100, 0) + " %"),
        (
            "Hérouville-Saint-Clair",
            "secret statistique (moins de 3 personnes)",
            "secret statistique (moins de 3 personnes)",
            "secret statistique (moins de 3 personnes)",
        ),
        (
            "Ifs",
            "secret statistique (moins de 3 personnes)",
            "secret statistique (moins de 3 personnes)",
            "secret statistique (moins de 3 personnes)",
        ),
    ]
    assert shown["total"]["maybe"] == "secret statistique (moins de 3 personnes)"


def _number(value: float) -> str:
    rounded = round(value, 1)
    return french_decimal(rounded, 0 if rounded == int(rounded) else 1)


def test_model_desks_are_the_territory_computation():
    """One analysis per département reached; the same figure as the département's page."""
    desks, scenario = model_desks([CAEN, OUISTREHAM, SAINT_LO], today=TODAY)
    model = _calvados_desks()
    manche = _departement_desks("50")
    assert desks == {CAEN: model[CAEN], OUISTREHAM: model[OUISTREHAM], SAINT_LO: manche[SAINT_LO]}
    assert manche[SAINT_LO] > 0
    # The EPCI's page (where the observatory's own comparison is often read) says the same.
    assert _departement_desks(CAEN_LA_MER, level="epci")[CAEN] == pytest.approx(desks[CAEN])
    assert (scenario.name, scenario.horizon) == ("actuel", 2026)


def test_a_survey_below_the_threshold_hides_its_total(coordinator):
    table = survey_table(
        "Commune;Jours;Prêt à utiliser un lieu\r\nCaen;2;Oui\r\nIfs;1;Oui\r\n".encode(),
        filename="petite.csv",
    )
    small = survey_import(
        user=coordinator,
        name="Petite enquête",
        file_name="petite.csv",
        table=table,
        mapping=guess_mapping(table.columns),
    )
    result = survey_comparison(small, today=TODAY)
    assert [(row.code, row.people) for row in result.rows] == [(CAEN, None), (IFS, None)]
    assert (result.total.people, result.total.days, result.total.ratio) == (None, None, None)
    assert reading(result) == (
        "Moins de 3 répondants prêts à utiliser un lieu : le total est en secret statistique."
    )


def test_page_section_and_downloads(client, coordinator, survey):
    page_url = reverse("demand:survey", args=[survey.public_id])
    csv_url = reverse("demand:survey-comparison-download", args=[survey.public_id, "csv"])
    xlsx_url = reverse("demand:survey-comparison-download", args=[survey.public_id, "xlsx"])
    assert csv_url == f"/demande/enquetes/{survey.public_id}/comparaison/csv/"
    model = _calvados_desks()
    model_total = model[CAEN] + model[HEROUVILLE] + model[IFS]
    client.force_login(coordinator)
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="enquete-comparaison-table"' in page
    assert "Les répondants expriment 4,2 postes là où le modèle en estime" in page
    assert f'href="{csv_url}"' in page and f'href="{xlsx_url}"' in page

    download = client.get(csv_url)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "enquete-enquete-caen-la-mer-comparaison-modele.csv" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1][:5] == [CAEN, "Caen", "4", "", "2.2"]
    assert float(rows[1][5]) == pytest.approx(model[CAEN])
    assert rows[2] == [HEROUVILLE, "Hérouville-Saint-Clair", "", "0", "", rows[2][5], "", "oui"]
    assert rows[4][:5] == ["", "Total de l'enquête", "9", "", "4.2"]
    assert float(rows[4][6]) == pytest.approx(round(4.2 / model_total * 100, 1))
    assert len(rows) == 5

    workbook = load_workbook(io.BytesIO(client.get(xlsx_url).content))
    sheet = workbook["Comparaison avec le modèle"]
    assert [cell.value for cell in sheet[2]][:5] == [CAEN, "Caen", 4, None, 2.2]
    assert (
        client.get(
            reverse("demand:survey-comparison-download", args=[survey.public_id, "pdf"])
        ).status_code
        == 404
    )


def test_other_people_get_404(client, survey):
    client.force_login(UserFactory())
    url = reverse("demand:survey-comparison-download", args=[survey.public_id, "csv"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_today_is_the_page_clock(client, coordinator, survey):
    client.force_login(coordinator)
    response = client.get(reverse("demand:survey", args=[survey.public_id]))
    assert response.context["comparison"]["horizon"] == timezone.localdate().year
