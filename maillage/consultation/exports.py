"""The results as CSV or XLSX (core/tables.py: one formula-injection rule, French CSV)."""

from django.http import Http404, HttpResponse

from maillage.consultation.models import Consultation
from maillage.consultation.selectors import Results
from maillage.core.tables import csv_response, xlsx_response

HEADER = ("Rang", "Ex aequo", "Option", "Description", "Points", "Part des points (%)")


def results_rows(results: Results) -> list[tuple]:
    return [
        (r.rank, "oui" if r.tied else "non", r.label, r.description, r.points, r.share)
        for r in results.rows
    ]


def results_response(consultation: Consultation, results: Results, fmt: str) -> HttpResponse:
    name = f"consultation-{consultation.public_id}"
    rows = results_rows(results)
    if fmt == "csv":
        return csv_response(HEADER, rows, f"{name}.csv")
    if fmt == "xlsx":
        return xlsx_response(HEADER, rows, f"{name}.xlsx", title="Résultats")
    raise Http404("Format inconnu.")
