"""The hash chain of issued documents (inaltérabilité, CGI art. 286 I 3° bis).

Each issued invoice or credit note stores SHA-256(canonical content + previous hash), the previous
being the seller's document numbered just before. Anyone with database access can recompute it:
`manage.py billing_verify` reports the first document whose stored content no longer matches
its hash, and every broken link after it.
"""

import hashlib
import json
from dataclasses import dataclass, field

from maillage.billing.models import AccountingPeriod, Invoice, LegalEntity


def canonical(invoice: Invoice, lines) -> bytes:
    content = {
        "seller": invoice.seller_id,
        "number": invoice.number,
        "reference": invoice.reference,
        "kind": invoice.kind,
        "nature": invoice.nature,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "service": [
            invoice.service_start.isoformat() if invoice.service_start else None,
            invoice.service_end.isoformat() if invoice.service_end else None,
        ],
        "seller_data": invoice.seller_data,
        "buyer_data": invoice.buyer_data,
        "buyer_order_ref": invoice.buyer_order_ref,
        "corrects": invoice.corrects_id,
        "self_billed": invoice.self_billed,
        "totals": [invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents],
        "lines": [
            [
                line.position,
                line.label,
                str(line.quantity.normalize()),
                line.unit,
                line.unit_price_ht_cents,
                line.net_cents,
                line.vat_rate_bp,
                line.service_date.isoformat() if line.service_date else None,
                line.booking_id,
                line.pass_ref_id,
            ]
            for line in lines
        ],
        "previous": invoice.previous_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def invoice_hash(invoice: Invoice, lines) -> str:
    return hashlib.sha256(canonical(invoice, lines)).hexdigest()


def period_hash(period: AccountingPeriod) -> str:
    content = [
        period.seller_id,
        period.starts_on.isoformat(),
        period.ends_on.isoformat(),
        period.documents,
        period.first_number,
        period.last_number,
        period.total_ht_cents,
        period.total_vat_cents,
        period.total_ttc_cents,
        period.perpetual_ttc_cents,
        period.archive_sha256,
        period.previous_hash,
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


@dataclass
class ChainReport:
    seller: LegalEntity
    checked: int = 0
    altered: list[str] = field(default_factory=list)  # content no longer matches its own hash
    broken_links: list[str] = field(default_factory=list)  # previous_hash ≠ predecessor's hash
    gaps: list[int] = field(default_factory=list)  # numbers missing from the series
    altered_periods: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.altered or self.broken_links or self.gaps or self.altered_periods)


def verify(seller: LegalEntity) -> ChainReport:
    report = ChainReport(seller)
    previous_hash = ""
    expected_number = 1
    issued = (
        Invoice.objects.filter(seller=seller, status=Invoice.Status.ISSUED)
        .order_by("number")
        .prefetch_related("lines")
    )
    for invoice in issued.iterator(chunk_size=500):
        report.checked += 1
        while expected_number < invoice.number:
            report.gaps.append(expected_number)
            expected_number += 1
        expected_number = invoice.number + 1
        if invoice_hash(invoice, invoice.lines.all()) != invoice.hash:
            report.altered.append(invoice.reference)
        if invoice.previous_hash != previous_hash:
            report.broken_links.append(invoice.reference)
        previous_hash = invoice.hash
    previous_period = ""
    for period in AccountingPeriod.objects.filter(seller=seller).order_by("starts_on"):
        if period.previous_hash != previous_period or period_hash(period) != period.hash:
            report.altered_periods.append(str(period))
        previous_period = period.hash
    return report
