"""Downloads of the booking figures: file names; the CSV/XLSX writers live in `core.tables`."""

from datetime import date

from django.utils.text import slugify

from maillage.core.tables import XLSX_TYPE, csv_response, xlsx_response

__all__ = ["XLSX_TYPE", "csv_response", "export_filename", "xlsx_response"]


def export_filename(name: str, first_day: date, last_day: date, extension: str) -> str:
    """occupation-<slug>-<début>-<fin>.<ext>, ASCII only so every browser keeps it as is."""
    slug = slugify(name) or "export"
    return f"occupation-{slug}-{first_day.isoformat()}-{last_day.isoformat()}.{extension}"
