"""Reads of the settlement app: ledger checks, the coordination's and the places' pages,
and the reconciliation of network passes."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q, Sum
from django.http import Http404
from django.utils import timezone

from maillage.billing.models import Invoice
from maillage.booking.models import Pass, PassLedger, PassProduct
from maillage.booking.permissions import can_manage_bookings
from maillage.booking.timeslots import local_day
from maillage.employers.selectors import month_first, month_span
from maillage.places.models import Place
from maillage.settlement.models import NetworkPassSale, SettlementAgreement, SettlementStatement


def pass_ledger_verify() -> list[str]:
    """Every pass whose balance is not the sum of its ledger rows, in French (empty: all good).

    Units move only with a ledger row in the same transaction; a difference means a write
    outside the services (or a bug) and is reported, never corrected here.
    """
    rows = (
        Pass.objects.annotate(ledger_sum=Sum("ledger__delta"))
        .filter(Q(ledger_sum__isnull=True) | ~Q(ledger_sum=F("units_left")))
        .values_list("public_id", "units_left", "ledger_sum")
        .order_by("id")
    )
    return [
        f"Carnet {public_id} : solde {left}, somme des mouvements {total or 0}."
        for public_id, left, total in rows
    ]


# --- pages ---------------------------------------------------------------------------------------


def network_products() -> list[PassProduct]:
    return list(PassProduct.objects.filter(place__isnull=True, is_active=True).order_by("name"))


def recent_sales(limit: int = 30) -> list[NetworkPassSale]:
    return list(
        NetworkPassSale.objects.select_related(
            "product", "buyer_user", "buyer_entity", "invoice"
        ).order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class PlaceMonth:
    place: Place
    agreement: SettlementAgreement | None
    statement: SettlementStatement | None

    @property
    def computable(self) -> bool:
        """An agreement, and no statement yet or one still proposed."""
        return self.agreement is not None and (
            self.statement is None or self.statement.status == SettlementStatement.Status.PROPOSED
        )


def month_overview(month: date) -> list[PlaceMonth]:
    """Every place with an agreement or a statement that month, by name (coordination)."""
    month = month_first(month)
    statements = {
        s.place_id: s
        for s in SettlementStatement.objects.filter(month=month).select_related("invoice")
    }
    agreements = {a.place_id: a for a in SettlementAgreement.objects.all()}
    places = Place.objects.filter(pk__in=set(statements) | set(agreements)).order_by("name", "id")
    return [PlaceMonth(p, agreements.get(p.pk), statements.get(p.pk)) for p in places]


def place_for_team(user, public_id) -> Place:
    """The place if the user may see its statements (its team, the coordination); else 404."""
    place = Place.objects.filter(public_id=public_id).first()
    if place is None or not user.is_authenticated or not can_manage_bookings(user, place):
        raise Http404("Lieu introuvable.")
    return place


def place_statements(place: Place) -> list[SettlementStatement]:
    return list(
        SettlementStatement.objects.filter(place=place)
        .select_related("invoice")
        .prefetch_related("lines")
        .order_by("-month")
    )


def statement_of_place(place: Place, public_id) -> SettlementStatement:
    statement = (
        SettlementStatement.objects.select_related("place", "invoice")
        .filter(place=place, public_id=public_id)
        .first()
    )
    if statement is None:
        raise Http404("Relevé introuvable.")
    return statement


EXPORT_HEADER = [
    "lieu",
    "mois",
    "statut",
    "journées de pass",
    "demi-journées de pass",
    "reversement pass (€ TTC)",
    "réservations employeurs (€ TTC)",
    "total (€ TTC)",
    "facture",
]


def export_rows(month: date) -> list[list]:
    rows = []
    for item in month_overview(month):
        s = item.statement
        if s is None:
            rows.append([item.place.name, f"{month:%Y-%m}", "non calculé", 0, 0, 0, 0, 0, ""])
            continue
        rows.append(
            [
                item.place.name,
                f"{s.month:%Y-%m}",
                s.get_status_display(),
                s.units_day,
                s.units_half_day,
                s.pass_amount_cents / 100,
                s.employer_amount_cents / 100,
                s.total_cents / 100,
                s.invoice.reference if s.invoice_id else "",
            ]
        )
    return rows


# --- reconciliation ------------------------------------------------------------------------------


def pass_reconciliation(*, month: date | None = None, now: datetime | None = None) -> dict:
    """Where every network-pass unit sold went: used (by place), still valid, expired unused.

    `month` restricts to the passes sold that month (their later uses included) and to that
    month's sales invoices and statements; None takes everything. Units always balance:
    sold = used + valid + expired (a refund puts a unit back on its pass). Amounts are shown
    side by side, not expected equal: the network keeps the margin between what it sells a pass
    for and what it pays the places.
    """
    today = local_day(now or timezone.now())
    passes = Pass.objects.filter(place__isnull=True)
    sales = NetworkPassSale.objects.all()
    statements = SettlementStatement.objects.all()
    if month is not None:
        month = month_first(month)
        start, end = month_span(month)
        passes = passes.filter(created_at__gte=start, created_at__lt=end)
        sales = sales.filter(created_at__gte=start, created_at__lt=end)
        statements = statements.filter(month=month)
    ledger = PassLedger.objects.filter(pass_ref__in=passes)
    sold = ledger.filter(reason=PassLedger.Reason.SALE).aggregate(n=Sum("delta"))["n"] or 0
    used_by_place: dict[str, int] = defaultdict(int)
    for name, delta in (
        ledger.filter(reason__in=[PassLedger.Reason.USE, PassLedger.Reason.REFUND])
        .values_list("place__name")
        .annotate(total=Sum("delta"))
        .order_by("place__name")
    ):
        if delta:
            used_by_place[name or "—"] += -delta
    valid = passes.filter(expires_on__gte=today).aggregate(n=Sum("units_left"))["n"] or 0
    expired = passes.filter(expires_on__lt=today).aggregate(n=Sum("units_left"))["n"] or 0
    used = sum(used_by_place.values())
    invoices = Invoice.objects.filter(network_pass_sale__in=sales)
    sold_ttc = invoices.aggregate(n=Sum("total_ttc_cents"))["n"] or 0
    owed = statements.aggregate(n=Sum("pass_amount_cents"))["n"] or 0
    return {
        "month": month,
        "units_sold": sold,
        "units_used": used,
        "units_used_by_place": dict(used_by_place),
        "units_valid": valid,
        "units_expired": expired,
        "balanced": sold == used + valid + expired,
        "sold_ttc_cents": sold_ttc,
        "owed_to_places_cents": owed,
        "margin_cents": sold_ttc - owed,
    }
