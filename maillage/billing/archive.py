"""The archive of a closed period: a ZIP with every document of the period as JSON (the exact
content that was hashed), a summary, and `checksum.sha256` of those files. Its own SHA-256 is
chained into the period's hash (`AccountingPeriod.archive_sha256`)."""

import hashlib
import io
import json
import zipfile
from datetime import date

from maillage.billing.chain import canonical
from maillage.billing.models import Invoice, LegalEntity

FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # ZIP entry dates: the same content gives the same bytes


def build(seller: LegalEntity, starts_on: date, ends_on: date, invoices: list[Invoice]) -> bytes:
    files: dict[str, bytes] = {}
    for invoice in invoices:
        files[f"documents/{invoice.reference}.json"] = canonical(invoice, invoice.lines.all())
    summary = {
        "seller": seller.name,
        "siren": seller.siren,
        "period": [starts_on.isoformat(), ends_on.isoformat()],
        "documents": [
            {
                "reference": invoice.reference,
                "kind": invoice.kind,
                "issue_date": invoice.issue_date.isoformat(),
                "total_ttc_cents": invoice.total_ttc_cents,
                "hash": invoice.hash,
            }
            for invoice in invoices
        ],
    }
    files["period.json"] = json.dumps(summary, ensure_ascii=False, indent=1).encode()
    checksums = "".join(
        f"{hashlib.sha256(content).hexdigest()}  {name}\n"
        for name, content in sorted(files.items())
    )
    files["checksum.sha256"] = checksums.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), content)
    return buffer.getvalue()


def verify(content: bytes) -> list[str]:
    """Names of the files whose checksum no longer matches (empty: the archive is intact)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        listed = archive.read("checksum.sha256").decode().splitlines()
        bad = []
        for line in listed:
            digest, name = line.split("  ", 1)
            if hashlib.sha256(archive.read(name)).hexdigest() != digest:
                bad.append(name)
        return bad


def path_for(seller: LegalEntity, starts_on: date, ends_on: date) -> str:
    return f"periodes/{seller.pk}/{starts_on:%Y%m%d}-{ends_on:%Y%m%d}.zip"
