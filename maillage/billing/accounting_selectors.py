"""Reading a seller's books: the one way to reach a seller for a user (404 otherwise), its
documents for the accounting page and the exports, and the month it may close next."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.storage import storages
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from maillage.billing import archive
from maillage.billing.models import AccountingPeriod, Invoice, LegalEntity
from maillage.billing.permissions import can_sell_for
from maillage.booking.bounds import id_from_text
from maillage.places.models import Organisation
from maillage.places.permissions import is_coordinator, managed_organisation_ids

MAX_DRAFTS_SHOWN = 100


def seller_for(user, entity_id: int) -> LegalEntity:
    """The seller whose books `user` keeps; a 404 for anyone else, whatever the id."""
    pk = id_from_text(str(entity_id))
    entity = pk and LegalEntity.objects.select_related("organisation").filter(pk=pk).first()
    if not entity or not can_sell_for(user, entity):
        raise Http404("Structure introuvable.")
    return entity


@dataclass(frozen=True)
class SellerChoice:
    """A line of the accounting home page: an organisation (or the network) and its entity."""

    label: str
    organisation: Organisation | None
    entity: LegalEntity | None


def seller_choices(user) -> list[SellerChoice]:
    """The organisations `user` manages, and the network's structure for the coordination."""
    choices = []
    if is_coordinator(user):
        network = LegalEntity.objects.filter(is_network=True).first()
        choices.append(SellerChoice("Structure de coordination", None, network))
    organisations = (
        Organisation.objects.filter(pk__in=managed_organisation_ids(user))
        .select_related("legal_entity")
        .order_by("name")
    )
    for organisation in organisations:
        entity = getattr(organisation, "legal_entity", None)
        choices.append(SellerChoice(organisation.name, organisation, entity))
    return choices


def issued_documents(seller: LegalEntity, start: date, end: date) -> QuerySet[Invoice]:
    """Issued invoices and credit notes dated in [start, end], in the order of their numbers."""
    return (
        Invoice.objects.filter(
            seller=seller,
            status=Invoice.Status.ISSUED,
            issue_date__gte=start,
            issue_date__lte=end,
        )
        .select_related("corrects")
        .prefetch_related("lines")
        .order_by("number")
    )


@dataclass(frozen=True)
class DocumentFilters:
    month: date | None = None  # its first day
    kind: str = ""
    buyer: str = ""


def month_end(first_day: date) -> date:
    return (first_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def documents_list(seller: LegalEntity, filters: DocumentFilters) -> QuerySet[Invoice]:
    """Issued documents, newest first, narrowed by month, kind and a buyer's name or e-mail."""
    documents = Invoice.objects.filter(seller=seller, status=Invoice.Status.ISSUED).select_related(
        "corrects"
    )
    if filters.month:
        documents = documents.filter(
            issue_date__gte=filters.month, issue_date__lte=month_end(filters.month)
        )
    if filters.kind:
        documents = documents.filter(kind=filters.kind)
    if filters.buyer:
        documents = documents.filter(
            Q(buyer_data__name__icontains=filters.buyer)
            | Q(buyer_data__email__icontains=filters.buyer)
        )
    return documents.order_by("-number")


@dataclass(frozen=True)
class ListTotals:
    """Totals of a filtered list: credit notes count against invoices."""

    documents: int
    ht_cents: int
    vat_cents: int
    ttc_cents: int


def documents_totals(documents: QuerySet[Invoice]) -> ListTotals:
    sums = {}
    credit = Q(kind=Invoice.Kind.CREDIT_NOTE)
    for name in ("ht", "vat", "ttc"):
        column = f"total_{name}_cents"
        sums[f"{name}_in"] = Sum(column, filter=~credit, default=0)
        sums[f"{name}_out"] = Sum(column, filter=credit, default=0)
    values = documents.order_by().aggregate(count=Count("id"), **sums)
    return ListTotals(
        documents=values["count"],
        ht_cents=values["ht_in"] - values["ht_out"],
        vat_cents=values["vat_in"] - values["vat_out"],
        ttc_cents=values["ttc_in"] - values["ttc_out"],
    )


def drafts_list(seller: LegalEntity) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(seller=seller, status=Invoice.Status.DRAFT)
        .select_related("corrects")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")[:MAX_DRAFTS_SHOWN]
    )


def periods_list(seller: LegalEntity) -> QuerySet[AccountingPeriod]:
    return AccountingPeriod.objects.filter(seller=seller).order_by("-starts_on")


def next_month_to_close(seller: LegalEntity, today: date) -> date | None:
    """The first day of the month that closing would cover next, if that month is over.

    After a closed period: the day after it. Before any: the month of the first document, or
    the last month over when nothing was issued yet.
    """
    last = AccountingPeriod.objects.filter(seller=seller).order_by("-ends_on").first()
    if last is not None:
        start = last.ends_on + timedelta(days=1)
    else:
        first = (
            Invoice.objects.filter(seller=seller, status=Invoice.Status.ISSUED)
            .order_by("issue_date")
            .values_list("issue_date", flat=True)
            .first()
        )
        start = (first or (today.replace(day=1) - timedelta(days=1))).replace(day=1)
    return start if month_end(start) < today else None


def archives_check(seller: LegalEntity) -> list[tuple[AccountingPeriod, str]]:
    """Each closed period's archive against the checksum chained into the period."""
    storage = storages["archives"]
    problems = []
    for period in periods_list(seller):
        path = archive.path_for(seller, period.starts_on, period.ends_on)
        if not storage.exists(path):
            problems.append((period, "archive absente"))
            continue
        with storage.open(path, "rb") as stored:
            content = stored.read()
        if hashlib.sha256(content).hexdigest() != period.archive_sha256:
            problems.append((period, "archive modifiée (empreinte différente)"))
        elif archive.verify(content):
            problems.append((period, "fichiers de l'archive modifiés"))
    return problems
