"""Reading a sheet's content: its editable cells, the difference between two versions, and the
questionnaire's ranking. Pure functions on the JSON stored in `SheetVersion.content`.

A cell has an address: `modele.<model>.<field>` (field: `summary`, a dimension key, or
`sources`) or `bareme.<question>.<choice>.<model>` (points and reason of one answer for one
model). The edit page, the service and the history all speak in addresses.
"""

import copy
import difflib
import re
from dataclasses import dataclass, field

MIN_POINTS, MAX_POINTS = -3, 3
# Below this share of words in common, the history shows the old and new texts whole.
REWRITE_RATIO = 0.5
SUMMARY = "summary"
SOURCES = "sources"
_ADDRESS = re.compile(r"^(modele\.[a-z0-9_]{1,40}\.[a-z0-9_]{1,40}|bareme(\.[a-z0-9_]{1,40}){3})$")


class UnknownCell(LookupError):
    """No such cell in this version of the sheet."""


@dataclass(frozen=True)
class Cell:
    address: str
    label: str
    kind: str  # "text", "sources" or "score"
    value: object  # str, list of {"label", "url"}, or {"points", "reason"}


def _model(content: dict, key: str) -> dict:
    for model in content["models"]:
        if model["key"] == key:
            return model
    raise UnknownCell(key)


def _question(content: dict, key: str) -> dict:
    for question in content["questions"]:
        if question["key"] == key:
            return question
    raise UnknownCell(key)


def _choice(question: dict, key: str) -> dict:
    for choice in question["choices"]:
        if choice["key"] == key:
            return choice
    raise UnknownCell(key)


def model_names(content: dict) -> dict[str, str]:
    return {model["key"]: model["name"] for model in content["models"]}


def dimension_labels(content: dict) -> dict[str, str]:
    return (
        {SUMMARY: "En bref"}
        | {d["key"]: d["label"] for d in content["dimensions"]}
        | {SOURCES: "Sources"}
    )


def cell_get(content: dict, address: str) -> Cell:
    """The cell at `address`, or UnknownCell (the page answers 404)."""
    if not _ADDRESS.match(address or ""):
        raise UnknownCell(address)
    parts = address.split(".")
    if parts[0] == "modele":
        model = _model(content, parts[1])
        labels = dimension_labels(content)
        if parts[2] not in labels:
            raise UnknownCell(address)
        label = f"{model['name']} — {labels[parts[2]]}"
        if parts[2] == SOURCES:
            return Cell(address, label, "sources", list(model["sources"]))
        value = model[SUMMARY] if parts[2] == SUMMARY else model["cells"].get(parts[2], "")
        return Cell(address, label, "text", value)
    question = _question(content, parts[1])
    choice = _choice(question, parts[2])
    names = model_names(content)
    if parts[3] not in names:
        raise UnknownCell(address)
    score = choice["scores"].get(parts[3], {"points": 0, "reason": ""})
    label = f"Barème — {question['label']} « {choice['label']} » → {names[parts[3]]}"
    return Cell(address, label, "score", dict(score))


def cell_set(content: dict, address: str, value) -> dict:
    """A copy of `content` with the cell at `address` replaced (the value already cleaned)."""
    cell_get(content, address)
    new = copy.deepcopy(content)
    parts = address.split(".")
    if parts[0] == "modele":
        model = _model(new, parts[1])
        if parts[2] == SOURCES:
            model["sources"] = value
        elif parts[2] == SUMMARY:
            model[SUMMARY] = value
        else:
            model["cells"][parts[2]] = value
        return new
    choice = _choice(_question(new, parts[1]), parts[2])
    if value["points"] == 0 and not value["reason"]:
        choice["scores"].pop(parts[3], None)
    else:
        choice["scores"][parts[3]] = value
    return new


def cells(content: dict) -> list[Cell]:
    """Every cell of the sheet, in reading order: models (summary, dimensions, sources), then
    the scoring matrix question by question."""
    result = []
    fields = [SUMMARY, *[d["key"] for d in content["dimensions"]], SOURCES]
    for model in content["models"]:
        result += [cell_get(content, f"modele.{model['key']}.{f}") for f in fields]
    for question in content["questions"]:
        for choice in question["choices"]:
            for model in content["models"]:
                address = f"bareme.{question['key']}.{choice['key']}.{model['key']}"
                result.append(cell_get(content, address))
    return result


def cell_text(cell: Cell) -> str:
    """The cell as one readable text (history, CSV)."""
    if cell.kind == "sources":
        return "\n".join(f"{s['label']} | {s['url']}" for s in cell.value)
    if cell.kind == "score":
        points = cell.value["points"]
        sign = "+" if points > 0 else ""
        reason = cell.value["reason"]
        return f"{sign}{points} point{'s' if abs(points) > 1 else ''}" + (
            f" : {reason}" if reason else ""
        )
    return str(cell.value)


@dataclass(frozen=True)
class CellChange:
    address: str
    label: str
    before: str
    after: str
    segments: list[tuple[str, str]] = field(default_factory=list)  # ("same"|"del"|"ins", text)


def _segments(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level difference: what stayed, what went, what came (whole texts when rewritten)."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    result: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    if matcher.ratio() < REWRITE_RATIO:
        # A rewritten text read as a patchwork of words is harder than the two texts whole.
        return [(op, text) for op, text in (("del", before), ("ins", after)) if text]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            result.append(("del", "".join(old[i1:i2])))
        if j2 > j1:
            result.append(("ins", "".join(new[j1:j2])))
    return result


def sheet_diff(before: dict, after: dict) -> list[CellChange]:
    """The cells whose text differs between two versions, in reading order of `after`."""
    old = {cell.address: cell_text(cell) for cell in cells(before)}
    changes = []
    for cell in cells(after):
        text = cell_text(cell)
        previous = old.get(cell.address, "")
        if previous != text:
            changes.append(
                CellChange(cell.address, cell.label, previous, text, _segments(previous, text))
            )
    return changes


@dataclass(frozen=True)
class Reason:
    points: int
    text: str


@dataclass(frozen=True)
class RankedModel:
    key: str
    name: str
    score: int
    rank: int
    tied: bool
    reasons: list[Reason]


def answer_errors(content: dict, answers: dict) -> dict[str, str]:
    """French message per question not answered or answered with an unknown choice."""
    errors = {}
    for question in content["questions"]:
        value = answers.get(question["key"])
        keys = {choice["key"] for choice in question["choices"]}
        if value in (None, ""):
            errors[question["key"]] = "Répondez à cette question."
        elif value not in keys:
            errors[question["key"]] = "Choix inconnu : choisissez une des réponses proposées."
    known = {question["key"] for question in content["questions"]}
    for key in answers:
        if key not in known:
            errors[str(key)[:40]] = "Question inconnue."
    return errors


def ranking(content: dict, answers: dict[str, str]) -> list[RankedModel]:
    """Models by total points, highest first; equal totals share a rank (ex aequo) and keep the
    sheet's order, so the same answers always give the same list. `answers` must be valid
    (see answer_errors). Each model lists the sentences that gave or took its points, in
    question order."""
    totals = []
    for index, model in enumerate(content["models"]):
        reasons = []
        for question in content["questions"]:
            choice = _choice(question, answers[question["key"]])
            score = choice["scores"].get(model["key"])
            if score and (score["points"] or score["reason"]):
                reasons.append(Reason(score["points"], score["reason"]))
        totals.append((sum(r.points for r in reasons), index, model, reasons))
    totals.sort(key=lambda row: (-row[0], row[1]))
    scores = [row[0] for row in totals]
    ranked = []
    for score, _index, model, reasons in totals:
        rank = scores.index(score) + 1
        ranked.append(
            RankedModel(model["key"], model["name"], score, rank, scores.count(score) > 1, reasons)
        )
    return ranked
