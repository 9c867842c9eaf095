"""Employer pages: only admins reach an account (404 otherwise, other accounts included),
figures without places unless the employee consents, the employee sees their own row of the same
table, exports, bad input, and a constant number of queries."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from maillage.billing.models import Invoice
from maillage.booking.services import BookingRequest, booking_create
from maillage.employers import month_table
from maillage.employers.models import Employee, Employer, Invitation
from maillage.employers.services import employee_consent_set
from maillage.observatory.impacts import ImpactParameters
from maillage.observatory.measured import measured_impacts
from maillage.territory.models import Commune
from tests.booking.conftest import make_resource
from tests.employers.conftest import DECEMBER, book, identity, join, make_employer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DASHBOARD = "/employeurs/{}/?mois=2026-12"


@pytest.fixture
def month(employer, employee, desk):
    """Alice: two days in December (2 × 15,00 €)."""
    book(employee, desk, DECEMBER)
    book(employee, desk, DECEMBER + timedelta(days=1))
    return employee


def test_home_opens_an_account(client):
    user = UserFactory(email="dirigeante@acme.fr")
    client.force_login(user)
    data = {
        "nom": "Acme",
        "siren": identity()["siren"],
        "adresse": "1 rue de la Paix",
        "code_postal": "14000",
        "commune": "Caen",
        "domaine": "Acme.FR",
    }
    answer = client.post("/employeurs/", data)
    employer = Employer.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/employeurs/{employer.public_id}/"
    assert (employer.entity.name, employer.email_domain, list(employer.admins.all())) == (
        "Acme",
        "acme.fr",
        [user],
    )
    page = client.get("/employeurs/")
    assert [a.pk for a in page.context["accounts"]] == [employer.pk]


def test_home_refuses_a_bad_siren_on_its_field(client):
    client.force_login(UserFactory())
    answer = client.post(
        "/employeurs/",
        {
            "nom": "Acme",
            "siren": "123456789",
            "adresse": "1 rue",
            "code_postal": "14000",
            "commune": "Caen",
        },
    )
    assert answer.status_code == 400
    assert answer.context["form"].errors["siren"] == [
        "Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste."
    ]
    assert Employer.objects.count() == 0


def test_anonymous_people_are_sent_to_log_in(client, employer):
    answer = client.get(f"/employeurs/{employer.public_id}/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/compte/")


def test_only_admins_see_an_account(client, employer, month):
    client.force_login(month.user)  # an employee is not an admin
    assert client.get(DASHBOARD.format(employer.public_id)).status_code == 404
    other = UserFactory()
    mine = make_employer(other, email_domain="")
    client.force_login(other)
    for url in (
        DASHBOARD.format(employer.public_id),
        f"/employeurs/{employer.public_id}/export.csv",
        f"/employeurs/{employer.public_id}/salaries/{month.public_id}/",
        # Another account's employee through my own account: the same 404.
        f"/employeurs/{mine.public_id}/salaries/{month.public_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/employeurs/{employer.public_id}/invitations/", {"emails": "a@b.fr"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/employeurs/{mine.public_id}/salaries/{month.public_id}/depart/").status_code
        == 404
    )
    month.refresh_from_db()
    assert month.status == "active"
    assert Invitation.objects.count() == 0


def test_the_dashboard_shows_figures_not_places_by_default(client, admin, employer, month):
    client.force_login(admin)
    page = client.get(DASHBOARD.format(employer.public_id))
    assert page.status_code == 200
    [row] = page.context["table"]
    assert (row.name, row.days, row.cents, row.shared_days, row.visits) == (
        "Alice Martin",
        2,
        3000,
        2,
        None,
    )
    text = page.content.decode()
    assert "La Fabrique du Port" not in text
    assert "non partagés" in text


def test_with_consent_the_places_and_dates_appear(client, admin, employer, month):
    employee_consent_set(user=month.user, employee=month, shares_details=True)
    client.force_login(admin)
    page = client.get(DASHBOARD.format(employer.public_id))
    [row] = page.context["table"]
    assert [(v.place, v.day) for v in row.visits] == [
        ("La Fabrique du Port", date(2026, 12, 1)),
        ("La Fabrique du Port", date(2026, 12, 2)),
    ]
    assert "La Fabrique du Port, 1 décembre" in page.content.decode()


def test_the_employee_sees_exactly_what_the_employer_sees(client, admin, employer, month):
    client.force_login(admin)
    seen = client.get(DASHBOARD.format(employer.public_id)).context["table"]
    client.force_login(month.user)
    page = client.get("/compte/employeur/?mois=2026-12")
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert row["table"] == [r for r in seen if r.employee == month]
    answer = client.post("/compte/employeur/", {"salarie": str(month.public_id), "partage": "on"})
    assert answer.status_code == 302
    month.refresh_from_db()
    assert month.shares_details is True
    forged = client.post("/compte/employeur/", {"salarie": "pas-un-id", "partage": "on"})
    assert forged.status_code == 400


def test_km_and_co2_follow_the_observatory_measure(admin, employer, desk):
    user = UserFactory(email="zoe@acme.fr", display_name="Zoé")
    user.home_commune = Commune.objects.get(code="14047")  # Bayeux
    user.work_commune = Commune.objects.get(code="76540")  # Rouen
    user.save()
    zoe = Employer.objects.get(pk=employer.pk).employees.create(user=user, monthly_budget=5)
    book(zoe, desk, DECEMBER, slot="morning")  # Tuesday: two half-days, one commute
    book(zoe, desk, DECEMBER, slot="afternoon")
    book(zoe, desk, date(2026, 12, 4))  # Friday
    [row] = month_table.month_table(employer, DECEMBER)
    measure = measured_impacts(
        start=DECEMBER,
        end=date(2026, 12, 31),
        params=ImpactParameters(),
        places=[desk.place],
        min_people=1,
    ).totals.figures
    assert row.km == round(measure.km, 1)
    assert row.co2_kg == round(measure.co2_kg, 1)
    assert row.km > 100


def test_exports_hold_the_same_table(client, admin, employer, month):
    client.force_login(admin)
    csv = client.get(f"/employeurs/{employer.public_id}/export.csv?mois=2026-12")
    assert csv["Content-Disposition"] == 'attachment; filename="employeur-2026-12.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Salarié;Budget;Jours utilisés;Montant (€ TTC);Jours en tiers-lieu;Km évités;"
        "CO2e évité (kg);Lieux et dates (si la personne les partage)",
        "Alice Martin;3 jours par mois;2.0;30.0;2;0.0;0.0;",
    ]
    xlsx = client.get(f"/employeurs/{employer.public_id}/export.xlsx?mois=2026-12")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == ["Alice Martin", "3 jours par mois", 2, 30, 2, 0, 0, None]
    assert client.get(f"/employeurs/{employer.public_id}/export.pdf").status_code == 404


def test_rules_form_refuses_a_budget_below_what_is_used(
    client, admin, employer, month, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 10, 9, tzinfo=UTC))
    client.force_login(admin)
    url = f"/employeurs/{employer.public_id}/salaries/{month.public_id}/"
    answer = client.post(url, {"unite": "days", "budget": "1"})
    assert answer.status_code == 409
    assert answer.context["form"].errors["budget"] == [
        "Le budget ne peut pas être inférieur à ce qui est déjà consommé ce mois-ci : 2 jours"
    ]
    for bad in (
        {"unite": "days", "budget": "-1"},
        {"unite": "days", "budget": "2,5"},
        {"unite": "days", "budget": "40"},
        {"unite": "euros", "budget": "10000,01"},
        {"unite": "jours", "budget": "2"},
        {"unite": "days", "budget": "2", "zone": "99"},
    ):
        assert client.post(url, bad).status_code == 400, bad
    month.refresh_from_db()
    assert month.monthly_budget == 3
    done = client.post(url, {"unite": "euros", "budget": "80,50", "salles": "on", "zone": "14"})
    assert done.status_code == 302
    month.refresh_from_db()
    assert (month.budget_unit, month.monthly_budget, month.allowed_departement.code) == (
        "euros",
        8050,
        "14",
    )


def test_invitations_by_the_page(client, admin, employer):
    client.force_login(admin)
    url = f"/employeurs/{employer.public_id}/invitations/"
    page = client.post(url, {"emails": "bob@acme.fr, nope\ncarla@exemple.fr"})
    assert page.status_code == 200
    assert page.context["report"].refused == [("nope", "adresse e-mail invalide")]
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "bob@acme.fr",
        "carla@exemple.fr",
    ]
    too_many = client.post(url, {"emails": "\n".join(f"p{n}@acme.fr" for n in range(201))})
    assert too_many.status_code == 400
    assert too_many.context["invite_form"].errors["emails"] == [
        "200 adresses au plus par envoi (201 reçues)."
    ]


def test_invitations_are_limited_to_five_sends_an_hour_per_admin(client, admin, employer):
    client.force_login(admin)
    url = f"/employeurs/{employer.public_id}/invitations/"
    for n in range(5):
        assert client.post(url, {"emails": f"p{n}@acme.fr"}).status_code == 200
    refused = client.post(url, {"emails": "p6@acme.fr"})
    assert (refused.status_code, int(refused["Retry-After"]) > 0) == (429, True)
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        f"p{n}@acme.fr" for n in range(5)
    ]


def test_accepting_an_invitation_and_joining_by_domain(client, admin, employer):
    client.force_login(admin)
    client.post(f"/employeurs/{employer.public_id}/invitations/", {"emails": "bob@exemple.fr"})
    token = Invitation.objects.get().token
    bob = UserFactory(email="bob@exemple.fr")
    client.force_login(bob)
    assert client.get(f"/employeurs/invitation/{token}/").status_code == 200
    assert client.post(f"/employeurs/invitation/{token}/").status_code == 302
    assert Employee.objects.get(user=bob).status == "active"
    assert client.get("/employeurs/invitation/inconnu/").status_code == 404
    client.force_login(UserFactory(email="eve@ailleurs.fr"))
    refused = client.post(f"/employeurs/{employer.public_id}/rejoindre/")
    assert refused.status_code == 403
    dan = UserFactory(email="dan@acme.fr")
    client.force_login(dan)
    assert client.post(f"/employeurs/{employer.public_id}/rejoindre/").status_code == 302
    assert Employee.objects.get(user=dan).monthly_budget == 4


@pytest.mark.parametrize("people", [1, 3])
def test_dashboard_queries_do_not_grow_with_employees(
    client, admin, employer, desk, people, django_assert_num_queries
):
    for n in range(people):
        person = join(employer, f"p{n}@acme.fr", f"Personne {n}")
        book(person, desk, DECEMBER + timedelta(days=n % 3))
    client.force_login(admin)
    client.get(DASHBOARD.format(employer.public_id))  # warm the session and caches
    with django_assert_num_queries(QUERIES):
        assert client.get(DASHBOARD.format(employer.public_id)).status_code == 200


QUERIES = 10


def test_the_monthly_command_invoices_each_employer_once(admin, employer, place, capsys):
    from tests.factories import LegalEntityFactory

    LegalEntityFactory(is_network=True)
    person = join(employer, "p@acme.fr", "Paul")
    desk = make_resource(place)
    booking_create(
        user=person.user,
        request=BookingRequest(
            resource=desk, day=date(2026, 11, 3), slot="day", payment="employer"
        ),
        now=datetime(2026, 10, 30, 9, tzinfo=UTC),
    )
    make_employer(UserFactory(), email_domain="")  # nothing to invoice
    call_command("employers_invoice_month", mois="2026-11", verbosity=0)
    call_command("employers_invoice_month", mois="2026-11", verbosity=0)
    assert Invoice.objects.count() == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "1 facture(s), 1 employeur(s) sans réservation ce mois-là."
    with pytest.raises(CommandError):
        call_command("employers_invoice_month", mois="2026-13", verbosity=0)


def test_the_admin_only_shows_employer_rows(client, employer, employee):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/employers/employee/{employee.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="monthly_budget"' not in page.content.decode()
    assert client.post(url, {"monthly_budget": 31}).status_code == 403
    assert client.get("/admin/employers/employer/").status_code == 200
    assert (
        client.post(f"/admin/employers/employer/{employer.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    employee.refresh_from_db()
    assert employee.monthly_budget == 3


def test_the_month_invoice_is_listed_and_readable_by_the_admin_only(
    client, admin, network, employer, month
):
    from maillage.employers.services import employer_month_invoice
    from tests.employers.conftest import JANUARY_NOW

    invoice = employer_month_invoice(employer=employer, month=DECEMBER, now=JANUARY_NOW)
    client.force_login(admin)
    page = client.get(DASHBOARD.format(employer.public_id))
    assert [row.invoice for row in page.context["invoices"]] == [invoice]
    assert f'href="/factures/{invoice.public_id}/"' in page.content.decode()
    assert client.get(f"/factures/{invoice.public_id}/").status_code == 200
    client.force_login(month.user)  # the employee is not the buyer
    assert client.get(f"/factures/{invoice.public_id}/").status_code == 404
