"""What a study document cannot say about itself: checks against the loaded geography.

`study_database_errors` is run by every save (`services.study_save`: the web editor, the file
upload and the API alike) and by every computation, so a study that names an unknown commune, a
figure above a commune's population, or desks outside its perimeter is refused with the same
field path and French message everywhere, and nothing is stored.
"""

from maillage.observatory import selectors as observatory_selectors
from maillage.observatory.study.document import (
    LEVELS,
    ZONE_PREFIX,
    Study,
    StudyError,
    StudyInvalid,
    above_population_errors,
)
from maillage.territory.models import Commune
from maillage.territory.selectors import commune_at_point


def _invalid(path: str, message: str) -> StudyInvalid:
    return StudyInvalid([StudyError(path, message)])


def perimeter_codes(study: Study) -> tuple[list[str], str]:
    """The perimeter's commune codes (loaded communes) and its name; a `StudyInvalid` on the
    perimeter's field for an unknown territory or commune codes."""
    perimeter = study.perimeter
    if perimeter.level != "communes":
        level = observatory_selectors.LEVELS[perimeter.level]
        name = level.model.objects.filter(code=perimeter.code).values_list("name", flat=True)
        name = name.first()
        if name is None:
            raise _invalid(
                "perimetre.code",
                f"Code du territoire : aucun(e) {LEVELS[perimeter.level]} chargé(e) n'a le code "
                f"« {perimeter.code} ».",
            )
        codes = list(
            Commune.objects.filter(**{level.commune_filter: perimeter.code})
            .order_by("code")
            .values_list("code", flat=True)
        )
        return codes, str(name)
    found = set(
        Commune.objects.filter(code__in=list(perimeter.communes)).values_list("code", flat=True)
    )
    unknown = [code for code in perimeter.communes if code not in found]
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise _invalid(
            "perimetre.communes",
            f"Communes : {len(unknown)} code(s) inconnu(s) ou non chargé(s) : {shown}.",
        )
    name = study.label or study.name
    return sorted(found), name


def study_database_errors(study: Study) -> list[StudyError]:
    """What `study_from_dict` cannot see and a save must not accept: an unknown territory or
    commune, a figure typed for a commune above its population (the same paths and messages
    as `compute.study_compute`, which checks them again when computing)."""
    try:
        inside, _name = perimeter_codes(study)
    except StudyInvalid as invalid:
        return list(invalid.errors)
    errors = []
    inside_codes = set(inside)
    zone_codes = {ZONE_PREFIX + zone.key for zone in study.zones}
    for index, horizon in enumerate(study.horizons):
        for code in horizon.populations:
            if code not in inside_codes and code not in zone_codes:
                errors.append(
                    StudyError(
                        f"horizons.{index}.populations.{code}",
                        f"Population à l'horizon {horizon.year} : « {code} » n'est ni une "
                        "commune du périmètre ni une zone externe de l'étude.",
                    )
                )
    for code in study.inputs:
        if code not in inside_codes:
            errors.append(
                StudyError(
                    f"donnees.{code}",
                    f"Code commune : « {code} » n'est pas dans le périmètre de l'étude ; "
                    "ajouter la commune au périmètre ou retirer ses chiffres.",
                )
            )
    communes = Commune.objects.filter(code__in=list(study.inputs)).values_list(
        "code", "name", "population"
    )
    known = {code: (name, population) for code, name, population in communes}
    for code, typed in study.inputs.items():
        if code not in inside_codes:
            continue
        if code not in known:
            errors.append(
                StudyError(f"donnees.{code}", f"Code commune : « {code} » n'est pas chargé.")
            )
            continue
        name, population = known[code]
        errors += above_population_errors(
            typed, float(population or 0), f"donnees.{code}", where=name
        )
    errors += _desk_errors(study, inside_codes)
    return errors


def _desk_errors(study: Study, inside_codes: set[str]) -> list[StudyError]:
    """Desks typed for the study count in its stock: they must be in its perimeter (a commune
    of it, one of its zones, or a point inside one of its communes)."""
    errors = []
    for index, desk in enumerate(study.desks):
        if desk.zone:
            continue  # the document checked that the zone is one of the study's
        code = desk.commune
        if not code and desk.latitude is not None:
            commune = commune_at_point(latitude=desk.latitude, longitude=desk.longitude)
            code = commune.code if commune else ""
            if code not in inside_codes:
                errors.append(
                    StudyError(
                        f"offre.postes.{index}.latitude",
                        f"Lieu « {desk.name} » : ce point n'est dans aucune commune du "
                        "périmètre ; le placer dans le périmètre, dans une zone externe, ou le "
                        "retirer.",
                    )
                )
            continue
        if code not in inside_codes:
            errors.append(
                StudyError(
                    f"offre.postes.{index}.commune",
                    f"Lieu « {desk.name} » : la commune {code} n'est pas dans le périmètre de "
                    "l'étude ; ses postes ne peuvent pas y être comptés.",
                )
            )
    return errors
