"""Free skill tags, bounded: typed as « menuiserie, Web, gestion de projet », kept as typed for
display and folded (« gestion de projet ») for search, with the territory's one folding."""

from maillage.community.models import MAX_SKILL_LENGTH, MAX_SKILLS
from maillage.territory.search_names import fold_name


class SkillsError(ValueError):
    """The tags break a bound; the message is the French one the member reads."""


def skills_parse(raw: str) -> list[str]:
    """Comma- or semicolon-separated tags, duplicates (after folding) dropped, order kept."""
    tags: list[str] = []
    seen: set[str] = set()
    for part in raw.replace(";", ",").split(","):
        tag = " ".join(part.split())
        if not tag:
            continue
        if len(tag) > MAX_SKILL_LENGTH:
            raise SkillsError(
                f"Une compétence fait {MAX_SKILL_LENGTH} caractères au plus (« {tag[:20]}… »)."
            )
        key = fold_name(tag)
        if not key or key in seen:
            continue
        seen.add(key)
        tags.append(tag)
    if len(tags) > MAX_SKILLS:
        raise SkillsError(f"{MAX_SKILLS} compétences au plus ({len(tags)} saisies).")
    return tags


def skills_index(tags: list[str]) -> str:
    """« |menuiserie|gestion de projet| »: a LIKE on « |tag| » finds a whole tag on any engine."""
    return "|" + "|".join(fold_name(tag) for tag in tags) + "|" if tags else ""
