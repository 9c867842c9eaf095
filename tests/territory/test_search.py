import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.territory.search_names import fold_name
from maillage.territory.selectors import commune_search


def codes(query: str, n: int = 5) -> list[str]:
    return list(commune_search(query=query).values_list("code", flat=True)[:n])


@pytest.mark.parametrize("query", ["Saint-Lô", "saint lo", "ST-LO", "St Lô", "st-lo", "SAINT LÔ"])
@pytest.mark.django_db
def test_search_saint_lo_any_spelling_finds_it_first(query):
    assert codes(query, 1) == ["50502"]


@pytest.mark.django_db
def test_search_exact_name_ranks_before_larger_prefix_matches():
    # "Eu" (76255) is small, but an exact match beats Eurville, Eus... and any "eu" inside a name.
    results = list(commune_search(query="eu")[:30])
    assert results[0].code == "76255"
    ranks = [c.rank for c in results]
    assert ranks == sorted(ranks)


@pytest.mark.django_db
def test_search_ties_are_ordered_by_population_descending():
    results = list(commune_search(query="saint")[:50])
    # The commune named just "Saint" (Morbihan, 56201) comes first, then every "Saint-…" by size.
    assert (results[0].code, results[0].rank) == ("56201", 0)
    assert {c.rank for c in results[1:]} == {1}
    populations = [c.population for c in results[1:]]
    assert populations == sorted(populations, reverse=True)
    assert results[1].name == "Saint-Étienne"


@pytest.mark.django_db
def test_search_hyphens_and_spaces_are_alike():
    assert codes("saint pierre en auge", 1) == codes("Saint-Pierre-en-Auge", 1) == ["14654"]


@pytest.mark.django_db
def test_search_by_insee_code_and_by_postcode():
    assert codes("14118", 1) == ["14118"]
    assert codes("76000", 1) == ["76540"]  # Rouen
    assert codes("2a004", 1) == ["2A004"]  # Ajaccio, Corsican code in any case


@pytest.mark.django_db
def test_search_postcode_shared_by_several_communes_lists_them_by_population():
    results = list(commune_search(query="50000"))
    assert len(results) == 5
    assert results[0].code == "50502"
    # The postcode is read first (rank 0); no commune has 50000 as INSEE code.
    assert {c.rank for c in results} == {0}
    populations = [c.population for c in results]
    assert populations == sorted(populations, reverse=True)


@pytest.mark.django_db
def test_search_nothing_for_blank_or_unknown():
    assert codes("   ") == []
    assert codes("zzzqqq") == []


def test_fold_name_examples():
    assert fold_name("L'Haÿ-les-Roses") == "l hay les roses"
    assert fold_name("Ste-Marie-du-Mont") == "sainte marie du mont"
    assert fold_name("  Saint   Lô ") == "saint lo"


@given(st.text(max_size=40))
def test_fold_name_is_idempotent_and_case_blind(text):
    folded = fold_name(text)
    assert fold_name(folded) == folded
    assert fold_name(text.upper()) == fold_name(text.lower()) or not text.isascii()
