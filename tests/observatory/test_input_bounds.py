"""Never a 500 on input (issue 12, point 3): the imports page's census year."""

import pytest

from maillage.observatory.imports.catalogue import LATEST_VINTAGE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["²⁰²¹", "²", "abc", "99999", "1850"])
def test_imports_page_reads_an_unreadable_year_as_the_latest(client, year):
    client.force_login(UserFactory(coordinator=True))
    response = client.get("/observatoire/imports/", {"millesime": year})
    assert response.status_code == 200
    assert response.context["vintage"] == LATEST_VINTAGE
