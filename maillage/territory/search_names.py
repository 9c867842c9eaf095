"""Folding of place names for search: "Saint-Lô", "ST LO" and "saint lo" all become "saint lo".

One folding for every lookup (search, resolve, gazetteer): `fold_name`, then `name_key` drops a
leading article so that "Havre", "le havre" and "LE HAVRE" meet "Le Havre". `typed_commune` also
reads what people add after a name: " CEDEX 4", a département "(76)" or a code "(14047)".
"""

import re
from dataclasses import dataclass

from unidecode import unidecode

from maillage.territory.names import ARTICLES

_SEPARATORS = re.compile(r"[-'’‘`´_.,/()]+|\s+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold_name(text: str) -> str:
    words = _SEPARATORS.sub(" ", unidecode(text).lower()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


# The articles of official names, folded: "le", "la", "les", "l" (from "L'"), "aux", "las", "los".
FOLDED_ARTICLES = tuple(sorted({fold_name(article) for article in ARTICLES.values()}))


def name_key(folded: str) -> str:
    """A folded name without its leading article ("le havre" → "havre", "l aigle" → "aigle").

    Only a whole first word is an article: "lacanau" stays; a name that is only an article stays.
    """
    head, _, rest = folded.partition(" ")
    return rest if head in FOLDED_ARTICLES and rest else folded


def with_articles(key: str) -> list[str]:
    """Every folded name whose key is `key`: the bare name, then with each article."""
    return [key, *(f"{article} {key}" for article in FOLDED_ARTICLES)]


@dataclass(frozen=True, slots=True)
class TypedCommune:
    """A commune name as typed, split into the name and what was written after it."""

    folded: str  # the name folded, article kept
    key: str  # the name folded, without article: what is compared
    departement: str | None  # "LE HAVRE (76)" → "76"
    code: str | None  # "Bayeux (14047)" → "14047" (an INSEE code or a postal code)


_CEDEX = re.compile(r"[\s,]+cedex(?:\s*[0-9]{1,3})?\s*$", re.IGNORECASE)
_TRAILING_CODE = re.compile(
    r"\s*\(\s*((?:[0-9]{2}|2[AB])(?:[0-9]{3}|[0-9])?)\s*\)\s*$", re.IGNORECASE
)


def typed_commune(text: str) -> TypedCommune:
    """Read "Caen Cedex 9", "LE HAVRE (76)", "Saint-Lô (50)", "Bayeux (14047)" into their parts."""
    departement = code = None
    text = text.strip()
    for _pass in range(2):  # "CAEN CEDEX (14)" and "Caen (14) Cedex" alike
        text = _CEDEX.sub("", text)
        match = _TRAILING_CODE.search(text)
        if match and match.start() > 0:
            value = match.group(1).upper()
            if len(value) == 5:
                code = code or value
            else:
                departement = departement or value
            text = text[: match.start()]
    folded = fold_name(text)
    return TypedCommune(folded=folded, key=name_key(folded), departement=departement, code=code)
