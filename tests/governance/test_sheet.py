"""The sheet's content and the questionnaire's ranking, on the first version as published."""

from urllib.parse import urlsplit

from maillage.governance import sheet
from maillage.governance.sheet_content import initial_content
from tests.governance.conftest import BY_THE_COMMUNE, LEVEL, TO_OPERATOR

CONTENT = initial_content()


def table(answers):
    return [(r.rank, r.tied, r.key, r.score) for r in sheet.ranking(CONTENT, answers)]


def test_ranking_operator_answers_puts_the_concession_first():
    assert table(TO_OPERATOR) == [
        (1, False, "dsp", 13),
        (2, False, "aot", 11),
        (3, False, "scic", 6),
        (4, False, "spl", 3),
        (5, False, "association", 1),
        (6, False, "regie", -3),
    ]
    dsp = sheet.ranking(CONTENT, TO_OPERATOR)[0]
    assert (dsp.reasons[0].points, dsp.reasons[0].text) == (
        3,
        "Vous ne souhaitez pas porter le risque d'exploitation : la DSP le transfère au "
        "délégataire (CCP L1121-1).",
    )
    assert [r.points for r in dsp.reasons] == [3, 2, 2, 1, 2, 1, 2]


def test_ranking_commune_answers_puts_the_regie_first_and_the_concession_last():
    assert table(BY_THE_COMMUNE) == [
        (1, False, "regie", 14),
        (2, False, "association", 6),
        (3, False, "spl", 3),
        (4, False, "aot", 0),
        (5, False, "scic", -1),
        (6, False, "dsp", -2),
    ]
    dsp = sheet.ranking(CONTENT, BY_THE_COMMUNE)[-1]
    assert [(r.points, r.text) for r in dsp.reasons if r.points < 0] == [
        (
            -2,
            "Une concession suppose une mise en concurrence et des délibérations successives : "
            "souvent un an ou plus.",
        ),
        (
            -2,
            "Sans recettes d'exploitation, il n'y a pas de risque à transférer : le contrat "
            "serait plutôt un marché public.",
        ),
    ]


def test_ranking_equal_totals_share_a_rank_in_the_sheet_order():
    assert table(LEVEL) == [
        (1, True, "regie", 7),
        (1, True, "scic", 7),
        (3, False, "association", 5),
        (4, False, "spl", 3),
        (5, False, "dsp", 1),
        (6, False, "aot", 0),
    ]


def test_answer_errors_name_each_missing_unknown_or_foreign_answer():
    answers = dict(TO_OPERATOR, risque="", personnel="peut-etre", inconnue="x")
    del answers["capital"]
    assert sheet.answer_errors(CONTENT, answers) == {
        "risque": "Répondez à cette question.",
        "personnel": "Choix inconnu : choisissez une des réponses proposées.",
        "capital": "Répondez à cette question.",
        "inconnue": "Question inconnue.",
    }
    assert sheet.answer_errors(CONTENT, TO_OPERATOR) == {}


def test_every_model_cites_legifrance_or_gouv_fr_sources():
    assert [m["key"] for m in CONTENT["models"]] == [
        "regie",
        "dsp",
        "spl",
        "scic",
        "association",
        "aot",
    ]
    for model in CONTENT["models"]:
        assert len(model["sources"]) >= 2, model["key"]
        for source in model["sources"]:
            host = urlsplit(source["url"]).hostname
            assert urlsplit(source["url"]).scheme == "https"
            assert host == "www.legifrance.gouv.fr" or host.endswith(".gouv.fr"), source
        assert set(model["cells"]) == {d["key"] for d in CONTENT["dimensions"]}
        assert all(text.strip() for text in model["cells"].values())


def test_every_point_of_the_scoring_has_a_reason():
    assert len(CONTENT["questions"]) == 7
    for question in CONTENT["questions"]:
        assert 2 <= len(question["choices"]) <= 3
        for choice in question["choices"]:
            for key, score in choice["scores"].items():
                assert key in sheet.model_names(CONTENT)
                assert sheet.MIN_POINTS <= score["points"] <= sheet.MAX_POINTS
                assert score["reason"].endswith(".") and score["points"] != 0


def test_cell_addresses_read_and_refuse():
    cell = sheet.cell_get(CONTENT, "bareme.risque.operateur.dsp")
    assert cell.label == (
        "Barème — Qui doit porter le risque d'exploitation du lieu ? « Un opérateur, pas la "
        "collectivité » → Délégation de service public (concession)"
    )
    assert cell.value["points"] == 3
    assert sheet.cell_get(CONTENT, "bareme.risque.operateur.association").value == {
        "points": 0,
        "reason": "",
    }
    for address in ["modele.regie.nope", "modele.x.risk", "bareme.risque.x.dsp", "../etc", ""]:
        try:
            sheet.cell_get(CONTENT, address)
        except sheet.UnknownCell:
            continue
        raise AssertionError(address)


def test_diff_lists_changed_cells_with_word_segments():
    after = sheet.cell_set(CONTENT, "modele.regie.timeline", "Une délibération suffit.")
    after = sheet.cell_set(
        after, "bareme.delai.moins_un_an.dsp", {"points": -3, "reason": "Trop long."}
    )
    changes = sheet.sheet_diff(CONTENT, after)
    assert [c.address for c in changes] == ["modele.regie.timeline", "bareme.delai.moins_un_an.dsp"]
    assert changes[1].before.startswith("-2 points : Une concession suppose")
    assert changes[1].after == "-3 points : Trop long."
    small = sheet.sheet_diff(
        sheet.cell_set(CONTENT, "modele.regie.timeline", "Une délibération crée la régie."),
        sheet.cell_set(
            CONTENT, "modele.regie.timeline", "Une délibération municipale crée la régie."
        ),
    )
    assert small[0].segments == [
        ("same", "Une délibération"),
        ("ins", " municipale"),
        ("same", " crée la régie."),
    ]
    assert changes[0].segments == [
        ("del", CONTENT["models"][0]["cells"]["timeline"]),
        ("ins", "Une délibération suffit."),
    ]
    assert sheet.sheet_diff(CONTENT, CONTENT) == []


def test_source_links_are_the_checked_legifrance_texts():
    """Codes by their LEGITEXT id, laws by their JORFTEXT id: the ids checked when writing."""
    urls = {source["url"] for model in CONTENT["models"] for source in model["sources"]}
    assert urls == {
        "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070633/",  # CGCT
        "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019/",  # CCP
        "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070299/",  # CG3P
        "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000005634379/",  # C. com.
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000684004/",  # loi 47-1775
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000000215117/",  # loi 2000-321
        "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000029313296/",  # loi 2014-856
    }
