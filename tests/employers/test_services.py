"""Employer accounts: opening, invitations, joining, rules, and the monthly invoice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from post_office.models import Email

from maillage.billing.models import Invoice
from maillage.booking.services import booking_cancel
from maillage.employers.models import Employee, Employer, EmployerInvoice, Invitation
from maillage.employers.selectors import employee_spent
from maillage.employers.services import (
    EmployerError,
    domain_join,
    employee_consent_set,
    employee_leave,
    employee_rules_set,
    employer_month_invoice,
    employer_open,
    invitation_accept,
    invitation_send,
)
from maillage.territory.models import EPCI, Departement
from tests.booking.conftest import make_resource
from tests.employers.conftest import DECEMBER, JANUARY_NOW, NOW, book, identity, join
from tests.factories import LegalEntityFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- opening an account ------------------------------------------------------------------------


def test_open_creates_the_legal_identity_and_its_first_admin(admin):
    employer = employer_open(user=admin, identity=identity())
    entity = employer.entity
    assert (entity.name, entity.siren, entity.postcode, entity.is_public_body) == (
        "Acme Industries",
        identity()["siren"],
        "14000",
        False,
    )
    assert list(employer.admins.all()) == [admin]
    assert employer.email_domain == "acme.fr"


def test_open_refuses_a_siren_with_a_wrong_key(admin):
    wrong = identity()["siren"][:8] + str((int(identity()["siren"][8]) + 1) % 10)
    with pytest.raises(EmployerError) as error:
        employer_open(user=admin, identity=identity(siren=wrong))
    assert (error.value.field, error.value.message) == (
        "siren",
        "Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste.",
    )


def test_open_refuses_a_public_body_without_service_code(admin):
    with pytest.raises(EmployerError) as error:
        employer_open(user=admin, identity=identity(is_public_body=True))
    assert error.value.field == "code_service"


def test_open_refuses_a_domain_with_an_at_sign_inside(admin):
    with pytest.raises(EmployerError) as error:
        employer_open(user=admin, identity=identity(email_domain="rh@acme.fr"))
    assert error.value.field == "domaine"


# --- invitations -------------------------------------------------------------------------------


def test_invitations_report_invalid_addresses_and_send_the_others(admin, employer):
    report = invitation_send(
        actor=admin,
        employer=employer,
        emails=["Bob@Acme.fr", "pas-une-adresse", "carla@exemple.fr", "bob@acme.fr", "x@"],
        now=NOW,
    )
    assert report.sent == ["bob@acme.fr", "carla@exemple.fr"]
    assert report.refused == [
        ("pas-une-adresse", "adresse e-mail invalide"),
        ("x@", "adresse e-mail invalide"),
    ]
    assert sorted(e.to[0] for e in Email.objects.all()) == ["bob@acme.fr", "carla@exemple.fr"]
    assert Invitation.objects.filter(employer=employer).count() == 2


def test_invitations_again_send_the_same_live_invitation(admin, employer):
    invitation_send(actor=admin, employer=employer, emails=["bob@acme.fr"], now=NOW)
    invitation_send(actor=admin, employer=employer, emails=["bob@acme.fr"], now=NOW)
    assert Invitation.objects.filter(employer=employer).count() == 1
    assert Email.objects.count() == 2


def test_invitations_refuse_201_addresses_and_send_none(admin, employer):
    emails = [f"p{n}@acme.fr" for n in range(201)]
    with pytest.raises(EmployerError) as error:
        invitation_send(actor=admin, employer=employer, emails=emails, now=NOW)
    assert error.value.message == "200 adresses au plus par envoi (201 reçues)."
    assert Invitation.objects.count() == 0
    assert Email.objects.count() == 0


def test_invitations_only_by_an_admin(employer):
    with pytest.raises(EmployerError) as error:
        invitation_send(actor=UserFactory(), employer=employer, emails=["a@acme.fr"], now=NOW)
    assert error.value.status == 404


def test_accepting_needs_the_invited_address(admin, employer):
    invitation_send(actor=admin, employer=employer, emails=["bob@exemple.fr"], now=NOW)
    token = Invitation.objects.get().token
    with pytest.raises(EmployerError) as error:
        invitation_accept(user=UserFactory(email="eve@exemple.fr"), token=token, now=NOW)
    assert error.value.status == 403
    bob = UserFactory(email="bob@exemple.fr")
    employee = invitation_accept(user=bob, token=token, now=NOW)
    assert (employee.user, employee.status, employee.budget_unit, employee.monthly_budget) == (
        bob,
        "active",
        "days",
        4,
    )
    with pytest.raises(EmployerError) as error:
        invitation_accept(user=bob, token=token, now=NOW)
    assert error.value.status == 409


def test_an_expired_invitation_is_refused(admin, employer):
    invitation_send(actor=admin, employer=employer, emails=["bob@exemple.fr"], now=NOW)
    token = Invitation.objects.get().token
    with pytest.raises(EmployerError) as error:
        invitation_accept(
            user=UserFactory(email="bob@exemple.fr"), token=token, now=NOW + timedelta(days=31)
        )
    assert error.value.status == 410
    assert Employee.objects.count() == 0


def test_domain_join_needs_an_address_on_the_domain(employer):
    with pytest.raises(EmployerError) as error:
        domain_join(user=UserFactory(email="eve@acme.fr.evil.com"), employer=employer)
    assert error.value.code == "autre_domaine"
    employee = domain_join(user=UserFactory(email="dan@acme.fr"), employer=employer)
    assert (employee.status, employee.monthly_budget) == ("active", 4)


# --- rules and consent -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "amount", "message"),
    [
        ("days", -1, "Le budget ne peut pas être négatif."),
        ("days", 32, "Un mois compte au plus 31 jours : budget trop élevé."),
        ("euros", 1_000_001, "Le budget mensuel est limité à 10 000 €."),
        ("weeks", 2, "Choisissez un budget en jours ou en euros."),
    ],
)
def test_rules_refuse_absurd_budgets(admin, employee, unit, amount, message):
    with pytest.raises(EmployerError) as error:
        employee_rules_set(actor=admin, employee=employee, budget_unit=unit, monthly_budget=amount)
    assert error.value.message == message
    employee.refresh_from_db()
    assert employee.monthly_budget == 3


def test_rules_refuse_a_budget_below_what_is_used_this_month(admin, employee, desk):
    book(employee, desk, DECEMBER)
    book(employee, desk, DECEMBER + timedelta(days=1), slot="morning")
    book(employee, desk, DECEMBER + timedelta(days=1), slot="afternoon")
    in_december = DECEMBER.replace(day=2)
    now = NOW.replace(year=2026, month=12, day=2)
    assert in_december.month == now.month
    with pytest.raises(EmployerError) as error:
        employee_rules_set(
            actor=admin, employee=employee, budget_unit="days", monthly_budget=1, now=now
        )
    assert error.value.message == (
        "Le budget ne peut pas être inférieur à ce qui est déjà consommé ce mois-ci : 2 jours"
    )
    with pytest.raises(EmployerError) as error:
        employee_rules_set(
            actor=admin, employee=employee, budget_unit="euros", monthly_budget=3000, now=now
        )
    assert error.value.message.endswith(": 33,00\u00a0€")
    done = employee_rules_set(
        actor=admin, employee=employee, budget_unit="days", monthly_budget=2, now=now
    )
    assert done.monthly_budget == 2


def test_rules_set_places_and_an_area(admin, employee, place):
    calvados = Departement.objects.get(code="14")
    employee_rules_set(
        actor=admin,
        employee=employee,
        budget_unit="euros",
        monthly_budget=10_000,
        places=[place],
        area=calvados,
        rooms_included=True,
    )
    employee.refresh_from_db()
    assert (employee.budget_unit, employee.monthly_budget, employee.rooms_included) == (
        "euros",
        10_000,
        True,
    )
    assert (list(employee.allowed_places.all()), employee.allowed_departement) == (
        [place],
        calvados,
    )
    caen_epci = EPCI.objects.get(communes__code="14118")
    employee_rules_set(
        actor=admin, employee=employee, budget_unit="days", monthly_budget=2, area=caen_epci
    )
    employee.refresh_from_db()
    assert (employee.allowed_departement, employee.allowed_epci) == (None, caen_epci)
    assert list(employee.allowed_places.all()) == []


def test_rules_of_another_employer_are_not_reachable(employee):
    other_admin = UserFactory()
    employer_open(user=other_admin, identity=identity(email_domain=""))
    with pytest.raises(EmployerError) as error:
        employee_rules_set(
            actor=other_admin, employee=employee, budget_unit="days", monthly_budget=1
        )
    assert error.value.status == 404


def test_only_the_employee_gives_consent(admin, employee):
    with pytest.raises(EmployerError):
        employee_consent_set(user=admin, employee=employee, shares_details=True)
    employee_consent_set(user=employee.user, employee=employee, shares_details=True)
    employee.refresh_from_db()
    assert employee.shares_details is True


def test_cancelling_gives_the_budget_back(employee, desk):
    booking = book(employee, desk, DECEMBER)
    assert employee_spent(employee, DECEMBER).days == Decimal(1)
    booking_cancel(actor=employee.user, public_id=booking.public_id, now=NOW)
    assert employee_spent(employee, DECEMBER).days == Decimal(0)


def test_a_leaver_keeps_nothing_to_spend(employee):
    employee_leave(actor=employee.user, employee=employee)
    employee.refresh_from_db()
    assert employee.status == "left"


# --- the monthly invoice -----------------------------------------------------------------------


@pytest.fixture
def december(employer, employee, desk, place):
    """Alice: two days (2 × 15,00 €); Bob: a half-day (9,00 €) and a cancelled day."""
    bob = join(employer, "bob@acme.fr", "Bob Durand")
    book(employee, desk, DECEMBER)
    book(employee, desk, DECEMBER + timedelta(days=1))
    book(bob, desk, DECEMBER + timedelta(days=2), slot="morning")
    cancelled = book(bob, desk, DECEMBER + timedelta(days=3))
    booking_cancel(actor=bob.user, public_id=cancelled.public_id, now=NOW)
    return employee, bob


def test_month_invoice_one_line_per_employee_without_places(network, employer, december):
    invoice = employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    lines = [
        (line.label, line.quantity, line.unit_price_ht_cents, line.vat_rate_bp)
        for line in invoice.lines.order_by("position")
    ]
    assert lines == [
        ("Alice Martin — 2 jours en tiers-lieu", Decimal(1), 2500, 2000),
        ("Bob Durand — 0,5 jour en tiers-lieu", Decimal(1), 750, 2000),
    ]
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        3250,
        650,
        3900,
    )
    assert (invoice.seller, invoice.buyer_entity, invoice.status) == (
        network,
        employer.entity,
        "issued",
    )
    assert (invoice.service_start, invoice.service_end) == (DECEMBER, DECEMBER.replace(day=31))
    assert EmployerInvoice.objects.get(employer=employer).invoice == invoice


def test_month_invoice_details_only_for_those_who_share(network, employer, december):
    _alice, bob = december
    employee_consent_set(user=bob.user, employee=bob, shares_details=True)
    invoice = employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    assert [line.label for line in invoice.lines.order_by("position")] == [
        "Alice Martin — 2 jours en tiers-lieu",
        "Bob Durand — La Fabrique du Port, le 03/12/2026 (demi-journée)",
    ]


def test_month_invoice_twice_is_the_same_invoice(network, employer, december):
    first = employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    again = employer_month_invoice(
        employer=employer, month=DECEMBER.replace(day=15), now=JANUARY_NOW
    )
    assert again == first
    assert Invoice.objects.count() == 1


def test_month_invoice_without_vat_when_the_network_is_in_franchise(employer, december):
    LegalEntityFactory(name="Réseau", is_network=True, franchise=True)
    invoice = employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        3900,
        0,
        3900,
    )


def test_month_invoice_refuses_a_month_not_over(network, employer, december):
    with pytest.raises(EmployerError) as error:
        employer_month_invoice(
            employer=employer, month=DECEMBER, now=JANUARY_NOW.replace(year=2026, month=12)
        )
    assert error.value.code == "mois_en_cours"
    assert Invoice.objects.count() == 0


def test_month_invoice_refuses_without_the_network_entity(employer, december):
    with pytest.raises(EmployerError) as error:
        employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    assert error.value.code == "pas_de_reseau"
    assert EmployerInvoice.objects.count() == 0


def test_month_invoice_with_nothing_to_invoice(network, employer):
    with pytest.raises(EmployerError) as error:
        employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    assert error.value.code == "rien_a_facturer"


def test_an_other_resource_price_is_invoiced_to_the_cent(network, employer, employee, place):
    odd = make_resource(place, name="Bureau", kind="office", capacity=1, price_day_cents=1999)
    book(employee, odd, DECEMBER)
    invoice = employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        1666,
        333,
        1999,
    )


def test_the_worker_invoices_last_month_once_without_a_cron(employee, desk):
    from datetime import UTC, datetime

    from maillage.employers.services import employers_last_month_invoice
    from maillage.tasks import worker

    book(employee, desk, DECEMBER)
    in_december = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
    assert employers_last_month_invoice(now=in_december) == 0  # December is not over
    assert worker.periodic_run(now=JANUARY_NOW).invoiced == 0  # no network entity yet
    LegalEntityFactory(is_network=True)
    assert worker.periodic_run(now=JANUARY_NOW).invoiced == 1
    assert worker.periodic_run(now=JANUARY_NOW).invoiced == 0
    [row] = EmployerInvoice.objects.all()
    assert (row.employer, row.month, row.invoice.total_ttc_cents) == (
        employee.employer,
        DECEMBER,
        desk.price_day_cents,
    )


@pytest.mark.parametrize(
    ("email", "domain", "message"),
    [
        ("rh@gmail.com", "gmail.com", "« gmail.com » est une messagerie ouverte à tous"),
        ("rh@acme.fr", "concurrent.fr", "Seul le domaine de votre propre adresse e-mail"),
    ],
)
def test_joining_by_domain_opens_only_the_admin_s_own_company_domain(email, domain, message):
    with pytest.raises(EmployerError, match=message):
        employer_open(user=UserFactory(email=email), identity=identity(email_domain=domain))
    assert Employer.objects.count() == 0
