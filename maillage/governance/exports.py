"""The sheet as CSV (models × rubrics) and XLSX (the same, plus the questionnaire's scoring)."""

from maillage.core.tables import Sheet
from maillage.governance import sheet

MODELS_HEADER = ["Modèle", "Rubrique", "Contenu"]
SCORES_HEADER = ["Question", "Réponse", "Modèle", "Points", "Raison"]


def model_rows(content: dict) -> list[list]:
    labels = sheet.dimension_labels(content)
    rows = []
    for model in content["models"]:
        for key, label in labels.items():
            cell = sheet.cell_get(content, f"modele.{model['key']}.{key}")
            rows.append([model["name"], label, sheet.cell_text(cell)])
    return rows


def score_rows(content: dict) -> list[list]:
    names = sheet.model_names(content)
    rows = []
    for question in content["questions"]:
        for choice in question["choices"]:
            for key, name in names.items():
                score = choice["scores"].get(key)
                if score:
                    rows.append(
                        [question["label"], choice["label"], name, score["points"], score["reason"]]
                    )
    return rows


def workbook_sheets(content: dict) -> list[Sheet]:
    return [
        Sheet("Modèles", MODELS_HEADER, model_rows(content)),
        Sheet("Barème", SCORES_HEADER, score_rows(content)),
    ]
