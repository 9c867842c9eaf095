"""Never a 500 on input (issue 12, point 3), territory side: any text typed as a commune is a
commune, nothing, or a French refusal; list offsets are bounded."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.territory.gazetteer import Gazetteer
from maillage.territory.selectors import commune_resolve, commune_search

pytestmark = pytest.mark.django_db

# What people type by mistake or attackers send: punctuation, separators, brackets, digits of
# other scripts (« ² », Arabic-Indic) that Python's isdigit() accepts but int() may not.
NOISE = st.lists(
    st.sampled_from([*"-_'’.,/()[] \t—–«»:;!?*%²³٣١٤\u200b", " CEDEX", "(14)", "INSEE "]),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=NOISE)
def test_noise_typed_as_a_commune_is_nothing_or_a_french_refusal(text):
    try:
        match = commune_resolve(text=text)
    except ValidationError as error:
        # « le » alone is the article of many names: asked to be more precise, in French.
        assert error.messages[0].startswith(
            ("Commune inconnue", "« ", "Plusieurs communes correspondent")
        ), error.messages
    else:
        assert match is None
    assert list(commune_search(query=text)[:1]) == []


@pytest.mark.parametrize("text", ["-", "_"])
def test_punctuation_alone_is_an_unknown_commune(text):
    with pytest.raises(ValidationError) as error:
        commune_resolve(text=text)
    assert error.value.messages == [
        f"Commune inconnue : « {text} ». Donnez son nom ou son code INSEE, ex. 14118."
    ]


@pytest.mark.parametrize("text", ["-", "_", "()", "(14)", " CEDEX 4"])
def test_gazetteer_finds_no_commune_for_punctuation(text):
    gazetteer = Gazetteer.load()
    assert gazetteer.by_name(text) == []
    assert gazetteer.by_name(text, departement="14") == []


@pytest.mark.parametrize("text", ["-", "_"])
def test_commune_search_page_finds_nothing_for_punctuation(client, text):
    response = client.get("/recherche/communes", {"q": text})
    assert response.status_code == 200
    assert list(response.context["communes"]) == []


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        ("9223372036854775808", "doit être inférieur ou égal à 1000000"),
        ("1000001", "doit être inférieur ou égal à 1000000"),
        ("-1", "doit être supérieur ou égal à 0"),
    ],
)
def test_commune_list_offset_is_bounded(client, offset, message):
    response = client.get("/api/territoires/communes", {"decalage": offset})
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"champ": "decalage", "emplacement": ["query", "decalage"], "message": message}
    ]


def test_commune_list_offset_past_the_end_is_an_empty_page(client):
    response = client.get("/api/territoires/communes", {"decalage": "1000000", "limite": "1"})
    assert response.status_code == 200
    assert response.json()["resultats"] == []


@pytest.mark.parametrize("text", ["\x00", "Caen\x00", "\x00Bayeux", "14\x00118"])
def test_a_nul_character_is_never_sent_to_the_database(text):
    """PostgreSQL refuses NUL in a query (DataError): it is read as a space."""
    try:
        match = commune_resolve(text=text)
    except ValidationError as error:
        assert error.messages[0].startswith(("Commune inconnue", "« ", "Plusieurs"))
    else:
        assert match is None or match.code in {"14118", "14047"}
    list(commune_search(query=text)[:3])
