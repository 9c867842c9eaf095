"""Folding of place names for search: "Saint-Lô", "ST LO" and "saint lo" all become "saint lo"."""

import re

from unidecode import unidecode

_SEPARATORS = re.compile(r"[-'’‘`´_.,/()]+|\s+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold_name(text: str) -> str:
    words = _SEPARATORS.sub(" ", unidecode(text).lower()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
