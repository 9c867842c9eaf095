"""Money arithmetic of invoices, in integer cents, with the EN 16931 rounding rules.

- A line's net amount is quantity × unit price HT, rounded half up to the cent (BR-DEC).
- VAT is computed per rate on the sum of the line nets of that rate (BR-CO-17), rounded half up.
- Platform prices are TTC (what a visitor sees). `net_from_ttc` finds the HT amount whose
  invoice total is exactly that TTC price; when no HT amount gives it (a rate can skip a cent),
  it takes the largest one below, so nobody pays more than the price they were shown.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def round_cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_net(quantity: Decimal, unit_price_ht_cents: int) -> int:
    return round_cents(Decimal(quantity) * unit_price_ht_cents)


def vat_of(net_cents: int, rate_bp: int) -> int:
    return round_cents(Decimal(net_cents) * rate_bp / 10000)


def net_from_ttc(ttc_cents: int, rate_bp: int) -> int:
    """The largest HT amount N with N + VAT(N) ≤ ttc (equal whenever such N exists)."""
    if rate_bp == 0:
        return ttc_cents
    guess = round_cents(Decimal(ttc_cents) * 10000 / (10000 + rate_bp))
    for candidate in (guess + 1, guess, guess - 1, guess - 2):
        if candidate >= 0 and candidate + vat_of(candidate, rate_bp) <= ttc_cents:
            return candidate
    return 0


@dataclass(frozen=True)
class VatBreakdown:
    rate_bp: int
    base_cents: int
    vat_cents: int


@dataclass(frozen=True)
class Totals:
    ht_cents: int
    vat_cents: int
    ttc_cents: int
    breakdown: tuple[VatBreakdown, ...]


def totals(lines: Iterable[tuple[int, int]]) -> Totals:
    """From (net_cents, vat_rate_bp) pairs: totals and the VAT breakdown per rate, highest first."""
    bases: dict[int, int] = defaultdict(int)
    for net, rate in lines:
        bases[rate] += net
    breakdown = tuple(
        VatBreakdown(rate, base, vat_of(base, rate))
        for rate, base in sorted(bases.items(), reverse=True)
    )
    ht = sum(b.base_cents for b in breakdown)
    vat = sum(b.vat_cents for b in breakdown)
    return Totals(ht, vat, ht + vat, breakdown)


def euros(cents: int) -> str:
    """French display: 1 234,50 €."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


def rate_label(rate_bp: int) -> str:
    """A rate in basis points as French text: 1960 → « 19,6 % », 2000 → « 20 % », -5 →
    « -0,05 % » (a refused rate is quoted as typed)."""
    text = f"{Decimal(rate_bp) / 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + " %"
