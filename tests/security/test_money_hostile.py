"""An outside auditor's sweep over every route of the money namespaces (`billing`, `payments`,
`employers`, `settlement`), read from the URL resolver so that a new route is attacked too.

1. Someone else's objects: anonymous, a plain member, the manager of another place, the admin
   of another employer and an employee of employer A GET and POST every route with side A's
   ids → 404 (login for anonymous), never a 500, never a page naming side A, nothing written.
2. Garbage in the path (huge ids, 10 kB strings, NUL, unicode) → 4xx; garbage in the query
   string and in every field any money form shows → never a 500, for the owner who may see it all.
3. Mass assignment (reliability scenario 11): every form the owner's pages show, posted with its
   own values plus `status`, `number`, `reference`, `total_ttc_cents`, `is_network`,
   `units_left`, `price_cents`, `admins`, `is_staff` → those fields never change.
"""

import html
import re
from urllib.parse import urlencode

import lxml.html
import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from maillage.billing.models import Invoice, LegalEntity
from maillage.booking.models import Pass, PassProduct
from maillage.employers.models import Employer
from maillage.payments.models import Payment
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory
from tests.security.conftest import SECRETS, World, db_state

pytestmark = pytest.mark.django_db
NAMESPACES = ("billing", "payments", "employers", "settlement")
PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")


def money_routes() -> list[tuple[str, str]]:
    """(namespace:name, route with its <converter:parameter> parts) of every money URL."""
    routes = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in NAMESPACES:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern), "nested includes: extend the sweep"
                route = "/" + str(entry.pattern) + str(pattern.pattern)
                routes.append((f"{entry.namespace}:{pattern.name}", route))
    return routes


ROUTES = money_routes()
ROUTE_NAMES = [name for name, _ in ROUTES]


def test_the_sweep_sees_every_money_route():
    assert len(ROUTES) == len(set(ROUTE_NAMES)) >= 38
    assert {name.split(":")[0] for name in ROUTE_NAMES} == set(NAMESPACES)


def side_a_values(world: World, name: str) -> dict[str, str]:
    """The path values naming side A's object for this route."""
    public_id = {
        "billing": world.invoice.public_id,
        "payments": world.invoice.public_id,
        "employers": world.employer.public_id,
        "settlement": world.place.public_id,
    }[name.split(":")[0]]
    if name in ("billing:accounting_draft_issue", "billing:accounting_draft_delete"):
        public_id = world.draft.public_id
    if name == "payments:settle_booking":
        public_id = world.booking.public_id
    return {
        "public_id": str(public_id),
        "entity_id": str(world.seller.pk),
        "organisation_id": str(world.organisation.pk),
        "period_id": str(world.period.pk),
        "kind": "fec",
        "provider": "fake",
        "session_id": world.session.provider_id,
        "token": world.invitation.token,
        "invitation_id": str(world.invitation.pk),
        "employee_id": str(world.employee.public_id),
        "fmt": "csv",
        "product_id": str(world.product.pk),
        "statement_id": str(world.statement.public_id),
    }


def fill(route: str, values: dict[str, str]) -> str:
    return PARAMETER.sub(lambda match: values[match["name"]], route)


# Pages about the visitor themselves (their lists, opening an account): a 200 there is fine,
# as long as nothing of side A shows.
OWN_PAGES = {
    "billing:accounting_home",
    "billing:my_invoices",
    "employers:home",
    "employers:mine",
}
# Links that are bearer capabilities by design: the join link of an employer with an e-mail
# domain, an invitation's token. They name the employer; joining still needs the right address.
CAPABILITY_LINKS = {"employers:join", "employers:accept"}
LOGIN = resolve_url(settings.LOGIN_URL)
ROLES = ("anonymous", "member", "other_manager", "other_admin", "employee")


def attacker(client, world: World, role: str):
    client.logout()
    if role == "employee":  # Alice, employee of employer A: its admin pages are not hers
        client.force_login(world.employee.user)
    elif role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def secrets_for(role: str) -> tuple[str, ...]:
    """Alice reads her employer's name and her own on « Mon employeur », never the seller's."""
    return SECRETS[:1] if role == "employee" else SECRETS


def refusal_problems(name: str, role: str, method: str, response) -> list[str]:
    status = response.status_code
    where = f"{method} {name} as {role}: {status}"
    if status >= 500:
        return [f"{where} (server error)"]
    body = b"" if response.streaming else response.content
    text = body.decode(errors="replace")
    leaks = [secret for secret in secrets_for(role) if secret in text]
    if name in CAPABILITY_LINKS:
        leaks = [secret for secret in leaks if secret != "Acme Industries"]
    if leaks:
        return [f"{where} shows {leaks}"]
    if name == "payments:webhook":
        return [] if status in (400, 404, 405) else [where]
    if role == "anonymous":
        if status == 302 and response["Location"].startswith(LOGIN):
            return []
        return [] if status == 405 else [where]
    if status in (403, 404, 405, 410):
        return []
    if name in OWN_PAGES and status in (200, 302, 400):
        return []
    if name in CAPABILITY_LINKS and status in (200, 400, 403, 409):
        return []
    if name == "billing:chorus_export" and status == 400:  # no seller named: nothing read
        return []
    return [where]


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=ROUTE_NAMES)
def test_someone_else_s_objects_are_a_404(client, world, name, route):
    url = fill(route, side_a_values(world, name))
    before = db_state()
    problems = []
    for role in ROLES:
        client = attacker(client, world, role)
        problems += refusal_problems(name, role, "GET", client.get(url))
        # Side A named in the query string too (the Chorus export's seller, a month, a format).
        problems += refusal_problems(name, role, "GET?", client.get(url, side_a_query(world)))
        if role == "employee" and name in ("employers:join", "employers:mine"):
            continue  # on the domain, joining is hers to do; her consent (« mine ») hers to give
        problems += refusal_problems(name, role, "POST", client.post(url, {"cle": "x"}))
        # A POST with side A's ids in the body as well (lieu, salarie, produit…).
        body = {
            "lieu": str(world.place.public_id),
            "salarie": str(world.employee.public_id),
            "produit": str(world.product.pk),
            "employeur": str(world.employer.pk),
            "moyen": "cash",
            "montant": "1",
            "date": "2026-12-01",
            "motif": "Essai",
            "mois": "2026-11",
            "cloture-mois": "2026-11",
        }
        problems += refusal_problems(name, role, "POST+ids", client.post(url, body))
    assert problems == []
    assert db_state() == before


def side_a_query(world: World) -> dict[str, str]:
    return {
        "vendeur": str(world.seller.pk),
        "du": "2026-11-01",
        "au": "2026-11-30",
        "mois": "2026-11",
        "export-mois": "2026-11",
        "format": "csv",
    }


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=ROUTE_NAMES)
def test_a_get_changes_nothing_even_for_the_owner(client, world, name, route):
    """Every write is a POST behind the CSRF token: a link or an image cannot make one."""
    client.force_login(world.owner)
    url = fill(route, side_a_values(world, name))
    before = db_state()
    for query in ({}, side_a_query(world)):
        assert client.get(url, query).status_code < 500
    assert db_state() == before


def test_every_money_form_needs_the_csrf_token(world):
    """The provider's webhook excepted (it is signed), a POST without the token is a 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    before = db_state()
    statuses = {
        name: client.post(fill(route, side_a_values(world, name)), side_a_query(world)).status_code
        for name, route in ROUTES
    }
    assert {name for name, status in statuses.items() if status != 403} == {"payments:webhook"}
    assert statuses["payments:webhook"] == 400
    assert db_state() == before


HUGE = "9" * 30
LONG = "é" * 5000  # 10 kB once encoded
PATH_GARBAGE = {
    "int": [HUGE, "0", str(2**63), str(2**64)],
    "uuid": ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    "str": [LONG, "%00", "a%00b", "..%2F..%2Fetc%2Fpasswd", "🙂", "%C0%AF", HUGE],
    "slug": ["x" * 10000, "stripe-x", "fake_"],
}
QUERY_GARBAGE = [
    "2026-13",
    "0000-01",
    "²²²²-11",
    "٢٠٢٦-١١",
    "²",
    "99999-01-01",
    "2026-02-30",
    "-1",
    HUGE,
    LONG,
    "a\x00b",
    "🙂",
    "",
]


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=ROUTE_NAMES)
def test_garbage_in_the_path_is_a_4xx(client, world, name, route):
    client.force_login(world.owner)
    values = side_a_values(world, name)
    problems = []
    for match in PARAMETER.finditer(route):
        for garbage in PATH_GARBAGE[match["converter"] or "str"]:
            url = fill(route, values | {match["name"]: garbage})
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if not 400 <= status < 500:
                    problems.append(f"{method} {url[:80]}: {status}")
    assert problems == []


def form_field_names(client, world) -> set[str]:
    """Every field name the owner's money pages show (the forms an attacker would read)."""
    names = {"mois", "du", "au", "vendeur", "page", "format", "lieu", "salarie", "vus"}
    for name, route in ROUTES:
        response = client.get(fill(route, side_a_values(world, name)))
        if response.status_code == 200 and not response.streaming:
            names |= {n.decode() for n in re.findall(rb'name="([^"]+)"', response.content)}
    return names - {"csrfmiddlewaretoken"}


@pytest.fixture
def field_names(client, world) -> list[str]:
    client.force_login(world.owner)
    return sorted(form_field_names(client, world))


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=ROUTE_NAMES)
def test_garbage_in_queries_and_forms_is_never_a_500(client, world, field_names, name, route):
    url = fill(route, side_a_values(world, name))
    problems = []
    for garbage in QUERY_GARBAGE:
        hostile = dict.fromkeys(field_names, garbage)
        responses = {
            "GET": client.get(url + "?" + urlencode(hostile)),
            "POST": client.post(url, hostile),
        }
        problems += [
            f"{method} {name} with {garbage[:20]!r}: {response.status_code}"
            for method, response in responses.items()
            if response.status_code >= 500 or response.get("Location", "").startswith(LOGIN)
        ]
    assert problems == []


EXTRAS = {
    "status": "paid",
    "number": "987654",
    "reference": "PIRATE-1",
    "total_ttc_cents": "1",
    "is_network": "on",
    "units_left": "9999",
    "price_cents": "1",
    "is_staff": "on",
    "is_superuser": "on",
}


def page_forms(client, world) -> list[tuple[str, str, dict]]:
    """(page, action, values) of every POST form the owner's GET pages show, as filled."""
    found = []
    for name, route in ROUTES:
        page = fill(route, side_a_values(world, name))
        response = client.get(page)
        if response.status_code != 200 or response.streaming:
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        document = lxml.html.fromstring(response.content, base_url="http://testserver" + page)
        for form in document.forms:
            if (form.method or "GET").upper() != "POST":
                continue
            action = (form.action or page).removeprefix("http://testserver")
            if resolve(action.split("?")[0]).namespace in NAMESPACES:  # not the logout form
                found.append((name, action, dict(form.form_values())))
    return found


def test_mass_assignment_changes_none_of_the_protected_fields(client, world):
    client.force_login(world.owner)
    forms = page_forms(client, world)
    actions = {action for _, action, _ in forms}
    # The sweep really reaches the money forms (a broken harvest would prove nothing).
    assert f"/factures/{world.invoice.public_id}/payer/" in actions
    assert f"/comptabilite/{world.seller.pk}/facture/" in actions
    assert f"/employeurs/{world.employer.public_id}/reglages/" in actions
    assert "/reseau/reversements/convention/" in actions
    network = LegalEntity.objects.get(is_network=True)
    problems = []
    for page, action, values in forms:
        client.force_login(world.owner)  # a form that signs out would hollow the sweep
        extras = EXTRAS | {"admins": str(world.member.pk)}
        response = client.post(action, values | extras)
        if response.status_code >= 500 or response.get("Location", "").startswith(LOGIN):
            problems.append(f"{page} → {action}: {response.status_code}")
    assert problems == []
    # The forms were really accepted: the settings, a payment, a sale went through.
    world.employer.refresh_from_db()
    assert world.employer.default_monthly_budget == 4
    assert Payment.objects.filter(invoice=world.invoice).count() >= 2
    assert not Invoice.objects.filter(number=987654).exists()
    assert not Invoice.objects.filter(reference="PIRATE-1").exists()
    assert not Invoice.objects.filter(total_ttc_cents=1).exists()
    assert list(LegalEntity.objects.filter(is_network=True)) == [network]
    assert not Pass.objects.filter(units_left=9999).exists()
    assert not PassProduct.objects.filter(price_cents=1).exists()
    assert not Employer.objects.filter(admins=world.member).exists()
    assert not type(world.owner).objects.filter(is_staff=True).exists()
    assert not type(world.owner).objects.filter(is_superuser=True).exists()


def test_an_employer_account_under_someone_else_s_siren_reads_none_of_their_invoices(client):
    from tests.billing.test_accounting import invoice_form
    from tests.employers.conftest import SIREN

    manager = UserFactory()
    seller = LegalEntityFactory(organisation=OrganisationFactory(managers=[manager]))
    squatter = UserFactory(email="escroc@ailleurs.fr")
    client.force_login(squatter)
    opened = client.post(
        "/employeurs/",
        {
            "nom": "Acme Industries",
            "siren": SIREN,
            "adresse": "1 rue Fausse",
            "code_postal": "75001",
            "commune": "Paris",
        },
    )
    assert opened.status_code == 302
    # The place bills the real company by its SIREN, as the manual invoice form invites to.
    client.force_login(manager)
    # The SIREN alone is not enough: the squatter's record is not offered, the page asks for
    # the company's name and address, and the invoice goes to a client record of the place.
    asked = client.post(
        f"/comptabilite/{seller.pk}/facture/", invoice_form(**{"facture-buyer_siren": SIREN})
    )
    assert asked.status_code == 400
    assert "Ce SIREN n'est pas encore connu" in html.unescape(asked.content.decode())
    drafted = client.post(
        f"/comptabilite/{seller.pk}/facture/",
        invoice_form(
            **{
                "facture-buyer_siren": SIREN,
                "facture-buyer_name": "Acme Industries",
                "facture-buyer_address": "4 rue de la Gare",
                "facture-buyer_postcode": "14000",
                "facture-buyer_city": "Caen",
            }
        ),
    )
    assert drafted.status_code == 302
    draft = Invoice.objects.get(seller=seller)
    assert not hasattr(draft.buyer_entity, "employer")  # a client record, not the account
    assert draft.buyer_data["address"] == "4 rue de la Gare"
    client.post(f"/comptabilite/{seller.pk}/brouillon/{draft.public_id}/emettre/")
    client.force_login(squatter)
    assert client.get(f"/factures/{draft.public_id}/").status_code == 404
