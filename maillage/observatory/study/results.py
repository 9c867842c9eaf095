"""A computed study as a data file: the study document and every result at full precision.

Format « maillage-etude-resultats », version 1 (`docs/etude-format.md`): another platform or a
script reads the figures without rounding, with the document that produced them, so that it
can recompute them and compare.
"""

from typing import Any

from maillage.observatory import scenarios as scenarios_mod
from maillage.observatory.study.compute import StudyResult
from maillage.observatory.study.document import study_to_dict

RESULTS_FORMAT = "maillage-etude-resultats"
RESULTS_FORMAT_VERSION = 1


def _floats(values) -> list[float]:
    return [float(value) for value in values]


def result_to_dict(result: StudyResult) -> dict[str, Any]:
    """The study and its results as a JSON-ready dict (floats at full precision)."""
    cells = []
    for (year, name), cell in result.cells.items():
        cells.append(
            {
                "annee": year,
                "scenario": name,
                "parametres": scenarios_mod.to_dict(cell.scenario),
                "totaux": {key: float(value) for key, value in cell.totals.items()},
                "bandes": {
                    key: {
                        "valeur": float(band.point),
                        "p10": float(band.p10),
                        "p50": float(band.p50),
                        "p90": float(band.p90),
                    }
                    for key, band in cell.bands.items()
                },
                "par_ligne": {key: _floats(values) for key, values in cell.values.items()},
                "sous_desservies": [result.rows[i].code for i in cell.underserved],
            }
        )
    return {
        "format": RESULTS_FORMAT,
        "version_format": RESULTS_FORMAT_VERSION,
        "etude": study_to_dict(result.study),
        "territoire": result.territory_name,
        "lignes": [
            {
                "code": row.code,
                "nom": row.name,
                "code_epci": row.epci_code,
                "epci": row.epci_name,
                "zone_externe": row.is_zone,
                "population": row.population,
                "actifs": row.working,
                "origine_actifs": row.working_origin,
                "independants": row.solos,
                "origine_independants": row.solos_origin,
                "distance_km": row.commute_km,
                "origine_distance": row.commute_origin,
            }
            for row in result.rows
        ],
        "populations": {str(year): _floats(values) for year, values in result.populations.items()},
        "epci": [
            {
                "code": epci.code,
                "nom": epci.name,
                "communes_dedans": epci.inside,
                "communes": epci.total,
                "couverture": epci.label,
            }
            for epci in result.epcis
        ],
        "offre": [
            {
                "nom": row.name,
                "commune": row.commune,
                "postes": row.desks,
                "source": row.source,
                "statut": row.status,
                "compte": row.counted,
                "note": row.note,
            }
            for row in result.offer
        ],
        "resultats": cells,
        "provenance": dict(result.provenance),
        "notes": list(result.notes),
    }
