"""Writes of employer accounts: opening one, inviting and admitting employees, their rules and
consent, paying bookings from their budget, and the network's monthly invoice to the employer.

Refusals are `EmployerError` (a `BillingError`: status, code, field, French message); the
booking branch raises `BookingError`, like every other way of paying a booking.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.audit.services import audit_record
from maillage.billing.errors import BillingError
from maillage.billing.identifiers import clean_digits, validate_siren, validate_siret
from maillage.billing.models import Invoice, LegalEntity
from maillage.billing.services import Buyer, LineInput, invoice_create
from maillage.booking.errors import BookingError
from maillage.booking.models import Booking, Payment, Resource
from maillage.booking.timeslots import local_day
from maillage.core.links import absolute_url
from maillage.employers import selectors
from maillage.employers.models import (
    MAX_BUDGET_CENTS,
    MAX_BUDGET_DAYS,
    BudgetUnit,
    Employee,
    Employer,
    EmployerInvoice,
    Invitation,
)
from maillage.places.models import Place
from maillage.tasks.outbox import email_queue
from maillage.territory.models import EPCI, Departement

MAX_INVITATIONS = 200
INVITATION_DAYS = 30
VAT_RATE_BP = 2000
_DOMAIN = re.compile(
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,}"
)

logger = logging.getLogger(__name__)


class EmployerError(BillingError):
    """An employer rule says no (same shape as BillingError: message, status, code, field)."""


def _is_admin(user, employer: Employer) -> bool:
    return user.is_authenticated and user.is_active and employer.admins.filter(pk=user.pk).exists()


def _require_admin(user, employer: Employer) -> None:
    if not _is_admin(user, employer):
        raise EmployerError("Compte employeur introuvable.", status=404, code="introuvable")


# Addresses anyone can open: a domain like these names no employer, and joining by it would
# hand a stranger's figures to whoever claimed it.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "hotmail.fr", "hotmail.com",
        "outlook.fr", "outlook.com", "live.fr", "live.com", "msn.com", "icloud.com", "me.com",
        "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net", "bbox.fr",
        "gmx.fr", "gmx.com", "protonmail.com", "proton.me", "aol.com", "yandex.com",
    }
)  # fmt: skip


def clean_domain(value: str, *, admin=None) -> str:
    """« @Exemple.FR » → « exemple.fr »; empty stays empty; anything else is refused. An admin
    may only open joining to the domain of their own confirmed address, never a webmail's."""
    domain = (value or "").strip().lower().removeprefix("@")
    if domain and (len(domain) > 120 or not _DOMAIN.fullmatch(domain)):
        raise EmployerError(
            "Domaine invalide : écrivez seulement ce qui suit le @ (exemple.fr).",
            field="domaine",
        )
    if domain and domain in PUBLIC_MAIL_DOMAINS:
        raise EmployerError(
            f"« {domain} » est une messagerie ouverte à tous : invitez vos salariés un par un.",
            field="domaine",
        )
    if domain and admin is not None and admin.email.rsplit("@", 1)[-1].lower() != domain:
        raise EmployerError(
            "Seul le domaine de votre propre adresse e-mail peut être ouvert "
            f"(votre adresse est sur « {admin.email.rsplit('@', 1)[-1].lower()} »).",
            field="domaine",
        )
    return domain


def _check_budget(unit: str, amount) -> int:
    if unit not in BudgetUnit.values:
        raise EmployerError("Choisissez un budget en jours ou en euros.", field="unite")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise EmployerError("Le budget ne peut pas être négatif.", field="budget")
    if unit == BudgetUnit.DAYS and amount > MAX_BUDGET_DAYS:
        raise EmployerError(
            f"Un mois compte au plus {MAX_BUDGET_DAYS} jours : budget trop élevé.", field="budget"
        )
    if unit == BudgetUnit.EUROS and amount > MAX_BUDGET_CENTS:
        raise EmployerError("Le budget mensuel est limité à 10 000 €.", field="budget")
    return amount


# --- the account -------------------------------------------------------------------------------


def employer_open(*, user, identity: dict) -> Employer:
    """Open an employer account for a company or a public body; the user is its first admin.

    `identity`: name, siren, siret (optional for a company, required for a public body), address,
    postcode, city, email, is_public_body, service_code, legal_form, email_domain (optional).
    Side effects: a LegalEntity (the buyer on invoices), an `employer.open` audit event."""
    if not user.is_authenticated or not user.is_active:
        raise EmployerError("Connectez-vous pour ouvrir un compte employeur.", status=403)
    name = (identity.get("name") or "").strip()
    if not name or len(name) > 200:
        raise EmployerError("Indiquez la raison sociale (200 caractères au plus).", field="nom")
    siren = clean_digits(identity.get("siren", ""))
    siret = clean_digits(identity.get("siret", ""))
    try:
        validate_siren(siren)
    except ValidationError as error:
        raise EmployerError(error.messages[0], field="siren") from None
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as error:
            raise EmployerError(error.messages[0], field="siret") from None
        if not siret.startswith(siren):
            raise EmployerError("Le SIRET commence par le SIREN.", field="siret")
    public = bool(identity.get("is_public_body"))
    service_code = (identity.get("service_code") or "").strip()[:100]
    if public and not (siret and service_code):
        raise EmployerError(
            "Un acheteur public est facturé sur Chorus Pro : indiquez son SIRET et son code "
            "service.",
            field="code_service",
        )
    address = (identity.get("address") or "").strip()
    postcode = (identity.get("postcode") or "").strip()
    city = (identity.get("city") or "").strip()
    if not (address and city and re.fullmatch(r"[0-9]{5}", postcode)):
        raise EmployerError(
            "Indiquez l'adresse de facturation : rue, code postal (5 chiffres) et commune.",
            field="adresse",
        )
    domain = clean_domain(identity.get("email_domain", ""), admin=user)
    with transaction.atomic():
        entity = LegalEntity.objects.create(
            name=name,
            legal_form=(identity.get("legal_form") or "").strip()[:80],
            siren=siren,
            siret=siret,
            address=address[:250],
            postcode=postcode,
            city=city[:120],
            email=(identity.get("email") or user.email).strip()[:254],
            is_public_body=public,
            service_code=service_code,
        )
        employer = Employer.objects.create(entity=entity, email_domain=domain)
        employer.admins.add(user)
        audit_record(actor=user, action="employer.open", obj=employer, summary=name)
    return employer


def employer_settings_set(
    *,
    actor,
    employer: Employer,
    email_domain: str,
    budget_unit: str,
    monthly_budget: int,
    rooms_included: bool,
) -> Employer:
    """The e-mail domain whose people may join, and the rules they start with."""
    _require_admin(actor, employer)
    employer.email_domain = clean_domain(email_domain, admin=actor)
    employer.default_budget_unit = budget_unit
    employer.default_monthly_budget = _check_budget(budget_unit, monthly_budget)
    employer.default_rooms_included = bool(rooms_included)
    employer.save(
        update_fields=[
            "email_domain",
            "default_budget_unit",
            "default_monthly_budget",
            "default_rooms_included",
        ]
    )
    audit_record(actor=actor, action="employer.settings", obj=employer)
    return employer


# --- invitations and joining -------------------------------------------------------------------


@dataclass
class InvitationReport:
    sent: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _invitation_mail(invitation: Invitation) -> None:
    body = render_to_string(
        "employers/emails/invitation.txt",
        {
            "employer": invitation.employer.entity.name,
            "link": absolute_url("employers:accept", token=invitation.token),
            "expires": invitation.expires_at,
        },
    ).strip()
    subject = f"{invitation.employer.entity.name} vous invite sur le réseau des tiers-lieux"
    email_queue(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]))


def invitation_send(
    *, actor, employer: Employer, emails: list[str], now: datetime | None = None
) -> InvitationReport:
    """Invite people by e-mail (200 at most per call). Each address is checked on its own: the
    invalid ones are reported with their reason, the valid ones invited. A live invitation to
    the same address is sent again rather than duplicated.

    Side effects: one queued e-mail per address sent; an `employer.invite` audit event."""
    _require_admin(actor, employer)
    now = now or timezone.now()
    if len(emails) > MAX_INVITATIONS:
        raise EmployerError(
            f"{MAX_INVITATIONS} adresses au plus par envoi ({len(emails)} reçues).",
            field="emails",
        )
    report = InvitationReport()
    seen: set[str] = set()
    members = set(
        employer.employees.filter(status=Employee.Status.ACTIVE).values_list(
            "user__email", flat=True
        )
    )
    members = {email.lower() for email in members}
    with transaction.atomic():
        for raw in emails:
            email = (raw or "").strip().lower()
            if not email:
                continue
            if email in seen:
                continue
            seen.add(email)
            try:
                if len(email) > 254:
                    raise ValidationError("trop longue")
                validate_email(email)
            except ValidationError:
                report.refused.append((raw.strip()[:254], "adresse e-mail invalide"))
                continue
            if email in members:
                report.refused.append((email, "déjà salarié·e de ce compte"))
                continue
            live = (
                Invitation.objects.select_for_update()
                .filter(employer=employer, email=email)
                .filter(accepted_at__isnull=True, revoked_at__isnull=True)
                .first()
            )
            if live is not None and live.expires_at <= now:
                live.revoked_at = now
                live.save(update_fields=["revoked_at"])
                live = None
            if live is None:
                live = Invitation.objects.create(
                    employer=employer,
                    email=email,
                    expires_at=now + timedelta(days=INVITATION_DAYS),
                )
            _invitation_mail(live)
            report.sent.append(email)
        audit_record(
            actor=actor,
            action="employer.invite",
            obj=employer,
            data={"sent": len(report.sent), "refused": len(report.refused)},
        )
    return report


def invitation_revoke(*, actor, employer: Employer, invitation_id: int, now=None) -> None:
    _require_admin(actor, employer)
    Invitation.objects.filter(
        pk=invitation_id, employer=employer, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())


def _admit(user, employer: Employer) -> Employee:
    """The person becomes (again) an active employee; a new one takes the default rules."""
    employee, created = Employee.objects.select_for_update().get_or_create(
        employer=employer,
        user=user,
        defaults={
            "budget_unit": employer.default_budget_unit,
            "monthly_budget": employer.default_monthly_budget,
            "rooms_included": employer.default_rooms_included,
        },
    )
    if not created and employee.status != Employee.Status.ACTIVE:
        employee.status = Employee.Status.ACTIVE
        employee.left_at = None
        employee.save(update_fields=["status", "left_at"])
    return employee


def invitation_accept(*, user, token: str, now: datetime | None = None) -> Employee:
    """A signed-in person whose e-mail is the one invited joins the employer's account."""
    now = now or timezone.now()
    if not user.is_authenticated or not user.is_active:
        raise EmployerError("Connectez-vous pour accepter l'invitation.", status=403)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("employer__entity")
            .filter(token=str(token)[:64])
            .first()
        )
        if invitation is None or invitation.revoked_at is not None:
            raise EmployerError(
                "Invitation introuvable ou retirée.", status=404, code="introuvable"
            )
        if invitation.accepted_at is not None:
            raise EmployerError("Cette invitation a déjà servi.", status=409, code="deja_acceptee")
        if invitation.expires_at <= now:
            raise EmployerError(
                "Cette invitation a expiré : demandez-en une nouvelle à votre employeur.",
                status=410,
                code="expiree",
            )
        if invitation.email.lower() != user.email.lower():
            raise EmployerError(
                f"Cette invitation est adressée à {invitation.email} : connectez-vous avec "
                "cette adresse pour l'accepter.",
                status=403,
                code="autre_adresse",
            )
        employee = _admit(user, invitation.employer)
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        audit_record(actor=user, action="employer.join", obj=employee, summary="invitation")
    return employee


def domain_join(*, user, employer: Employer) -> Employee:
    """A person whose confirmed e-mail address is on the employer's domain joins with the
    employer's default rules (an account is active once its address is confirmed)."""
    if not user.is_authenticated or not user.is_active:
        raise EmployerError("Connectez-vous avec votre adresse professionnelle.", status=403)
    domain = user.email.rsplit("@", 1)[-1].lower()
    if not employer.email_domain or domain != employer.email_domain:
        raise EmployerError(
            "Votre adresse e-mail n'est pas sur le domaine de cet employeur : demandez-lui une "
            "invitation.",
            status=403,
            code="autre_domaine",
        )
    with transaction.atomic():
        employee = _admit(user, employer)
        audit_record(actor=user, action="employer.join", obj=employee, summary="domaine")
    return employee


# --- rules, consent, leaving ------------------------------------------------------------------


def employee_rules_set(
    *,
    actor,
    employee: Employee,
    budget_unit: str,
    monthly_budget: int,
    places: list[Place] | None = None,
    area: Departement | EPCI | None = None,
    rooms_included: bool = False,
    now: datetime | None = None,
) -> Employee:
    """The employer's rules for one employee. The budget may not go below what is already used
    this month (in the new unit), so that nothing booked becomes over budget afterwards."""
    _require_admin(actor, employee.employer)
    now = now or timezone.now()
    amount = _check_budget(budget_unit, monthly_budget)
    if area is not None and not isinstance(area, Departement | EPCI):
        raise EmployerError("Zone inconnue.", field="zone")
    places = list(places or [])
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        spent = selectors.employee_spent(locked, selectors.month_first(local_day(now)))
        used = spent.in_unit(budget_unit)
        if amount < used:
            shown = (
                selectors.days_label(spent.days)
                if budget_unit == BudgetUnit.DAYS
                else selectors.euros(spent.cents)
            )
            raise EmployerError(
                "Le budget ne peut pas être inférieur à ce qui est déjà consommé ce mois-ci : "
                f"{shown}",
                status=409,
                code="budget_consomme",
                field="budget",
            )
        locked.budget_unit = budget_unit
        locked.monthly_budget = amount
        locked.rooms_included = bool(rooms_included)
        locked.allowed_departement = area if isinstance(area, Departement) else None
        locked.allowed_epci = area if isinstance(area, EPCI) else None
        locked.save(
            update_fields=[
                "budget_unit",
                "monthly_budget",
                "rooms_included",
                "allowed_departement",
                "allowed_epci",
            ]
        )
        locked.allowed_places.set(places)
        audit_record(
            actor=actor,
            action="employee.rules",
            obj=locked,
            data={"unit": budget_unit, "budget": amount, "places": len(places)},
        )
    return locked


def employee_consent_set(*, user, employee: Employee, shares_details: bool) -> Employee:
    """Only the employee decides whether the employer sees the places and dates."""
    if not user.is_authenticated or employee.user_id != user.pk:
        raise EmployerError("Introuvable.", status=404, code="introuvable")
    employee.shares_details = bool(shares_details)
    employee.save(update_fields=["shares_details"])
    audit_record(
        actor=user, action="employee.consent", obj=employee, data={"shares": shares_details}
    )
    return employee


def employee_leave(*, actor, employee: Employee, now: datetime | None = None) -> Employee:
    """The employee leaves (themselves, or an admin ends it): no more bookings on the employer,
    past ones stay invoiced and counted."""
    if not (actor.is_authenticated and employee.user_id == actor.pk):
        _require_admin(actor, employee.employer)
    employee.status = Employee.Status.LEFT
    employee.left_at = now or timezone.now()
    employee.save(update_fields=["status", "left_at"])
    audit_record(actor=actor, action="employee.leave", obj=employee)
    return employee


# --- paying a booking --------------------------------------------------------------------------


def employer_payment_fields(
    *, user, resource: Resource, unit: str, starts_at: datetime, seats: int, price_cents: int
) -> dict:
    """The booking's payment by the employer, inside the booking's transaction: the employee row
    is locked (SQLite: the IMMEDIATE transaction), the rules and the month's budget checked with
    this booking included. The price is the resource's TTC price, decided now."""
    candidate = selectors.employee_for_booking(user)
    employee = (
        Employee.objects.select_for_update().filter(pk=candidate.pk).first() if candidate else None
    )
    if employee is None or employee.status != Employee.Status.ACTIVE:
        raise BookingError(
            "Vous n'êtes rattaché·e à aucun employeur sur la plateforme.",
            status=403,
            code="pas_salarie",
            field="paiement",
        )
    if seats != 1:
        raise BookingError(
            "Votre employeur paie votre place, pour vous seul·e : réservez une place.",
            field="places",
        )
    if why := selectors.outside_rules(employee, resource):
        raise BookingError(why, status=403, code="hors_regles", field="paiement")
    day = local_day(starts_at)
    spent = selectors.employee_spent(employee, selectors.month_first(day))
    month = f"{day:%m/%Y}"
    if employee.budget_unit == BudgetUnit.DAYS:
        rows = list(
            selectors.month_bookings(day).filter(employee=employee).values_list("starts_at", "unit")
        )
        after = selectors.days_used([*rows, (starts_at, unit)])
        if after > employee.monthly_budget:
            raise BookingError(
                f"Budget de votre employeur dépassé : {selectors.days_label(spent.days)} "
                f"déjà réservé(s) sur {employee.monthly_budget} en {month}.",
                status=409,
                code="budget_depasse",
                field="paiement",
            )
    elif spent.cents + price_cents > employee.monthly_budget:
        raise BookingError(
            f"Budget de votre employeur dépassé : {selectors.euros(spent.cents)} déjà "
            f"engagés sur {selectors.euros(employee.monthly_budget)} en {month}.",
            status=409,
            code="budget_depasse",
            field="paiement",
        )
    return {"payment": Payment.EMPLOYER, "price_cents": price_cents, "employee": employee}


# --- the monthly invoice -----------------------------------------------------------------------


def _day_fr(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _lines(employer: Employer, bookings: list[Booking], rate: int) -> list[LineInput]:
    by_employee: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_employee.setdefault(booking.employee_id, []).append(booking)
    employees = sorted(
        {b.employee for b in bookings},
        key=lambda e: (selectors.person_name(e.user).lower(), e.pk),
    )
    lines = []
    for employee in employees:
        mine = by_employee[employee.pk]
        name = selectors.person_name(employee.user)
        if employee.shares_details:
            lines.extend(
                LineInput.from_ttc(
                    label=f"{name} — {b.place.name}, le {_day_fr(local_day(b.starts_at))} "
                    f"({b.get_unit_display()})",
                    unit_price_ttc_cents=b.price_cents,
                    vat_rate_bp=rate,
                    service_date=local_day(b.starts_at),
                    booking_id=b.pk,
                )
                for b in mine
            )
            continue
        days = selectors.days_used((b.starts_at, b.unit) for b in mine)
        lines.append(
            LineInput.from_ttc(
                label=f"{name} — {selectors.days_label(days)} en tiers-lieu",
                unit_price_ttc_cents=sum(b.price_cents for b in mine),
                vat_rate_bp=rate,
            )
        )
    return lines


def employer_month_invoice(
    *, employer: Employer, month: date, actor=None, now: datetime | None = None
) -> Invoice:
    """The network's invoice to the employer for the bookings its employees made on its budget in
    that (finished) month: confirmed ones, by their local day. Issued in one transaction with the
    EmployerInvoice row; a second run for the same month returns the same invoice.

    Privacy: one line per employee (name, days, amount), never places nor hours; one line per
    booking, with place and date, for the employees who share their details.
    Side effects: an issued invoice (billing.services.invoice_create, its audit event)."""
    now = now or timezone.now()
    first = selectors.month_first(month)
    if selectors.next_month(first) > local_day(now):
        raise EmployerError(
            f"Le mois {first:%m/%Y} n'est pas terminé : il se facture à partir du 1er du mois "
            "suivant.",
            status=409,
            code="mois_en_cours",
            field="mois",
        )
    with transaction.atomic():
        Employer.objects.select_for_update().filter(pk=employer.pk).first()
        done = EmployerInvoice.objects.select_related("invoice").filter(
            employer=employer, month=first
        )
        if existing := done.first():
            return existing.invoice
        network = LegalEntity.objects.filter(is_network=True).first()
        if network is None:
            raise EmployerError(
                "La structure de coordination du réseau n'est pas enregistrée (entité "
                "juridique « réseau ») : elle seule facture les employeurs.",
                status=409,
                code="pas_de_reseau",
            )
        bookings = list(
            selectors.month_bookings(first)
            .filter(employee__employer=employer, status=Booking.Status.CONFIRMED)
            .select_related("employee__user", "place")
            .order_by("starts_at", "id")
        )
        if not bookings:
            raise EmployerError(
                f"Aucune réservation payée par {employer.entity.name} en {first:%m/%Y} : rien "
                "à facturer.",
                status=409,
                code="rien_a_facturer",
            )
        rate = 0 if network.is_franchise else VAT_RATE_BP
        try:
            invoice = invoice_create(
                seller=network,
                buyer=Buyer(entity=employer.entity),
                lines=_lines(employer, bookings, rate),
                actor=actor,
                now=now,
                service_start=first,
                service_end=selectors.next_month(first) - timedelta(days=1),
            )
            EmployerInvoice.objects.create(employer=employer, month=first, invoice=invoice)
        except IntegrityError as error:
            raise EmployerError(
                "Ce mois est déjà facturé.", status=409, code="deja_facture"
            ) from error
    return invoice


def employers_last_month_invoice(*, now: datetime | None = None) -> int:
    """The worker's daily pass: the network invoices last month to each employer that had bookings
    on its budget and no invoice for it yet (so the 1st of the month needs no cron). Nothing when
    the network entity is not set up. Returns how many invoices were issued."""
    now = now or timezone.now()
    if not LegalEntity.objects.filter(is_network=True).exists():
        return 0
    last_month = selectors.month_first(selectors.month_first(local_day(now)) - timedelta(days=1))
    due = (
        Employer.objects.filter(
            employees__bookings__in=selectors.month_bookings(last_month).filter(
                status=Booking.Status.CONFIRMED
            )
        )
        .exclude(month_invoices__month=last_month)
        .distinct()
        .order_by("id")
    )
    issued = 0
    for employer in due:
        try:
            employer_month_invoice(employer=employer, month=last_month, now=now)
        except BillingError as error:  # logged; the next pass tries this employer again
            logger.error("Facture mensuelle de %s : %s", employer.entity.name, error.message)
            continue
        issued += 1
    return issued
