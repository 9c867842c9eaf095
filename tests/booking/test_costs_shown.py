"""Issue 13 point 6: before confirming, each payment choice says what this booking costs that
way, computed by the functions the booking service charges with."""

import html
import re

import pytest
from django.utils import timezone

from maillage.booking.models import PassProduct
from maillage.booking.services import BookingRequest, booking_create, pass_sell
from tests.booking.conftest import NOW, TUESDAY
from tests.employers.conftest import make_employee, make_employer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)  # Monday 30 November 2026, 08:00 Paris


def labels(client, resource, **query) -> list[str]:
    body = html.unescape(client.get(f"/reserver/ressource/{resource.pk}/", query).content.decode())
    start = body.index('id="payment-choice"')
    block = body[start : body.index("</fieldset>", start)]
    return [part.split("</label>")[0].split(">", 1)[1] for part in block.split("<label")[1:]]


def test_each_choice_shows_its_cost_for_the_slot_asked(client, open_space, manager):
    member = UserFactory()
    product = PassProduct.objects.create(
        place=open_space.place, name="Carnet 10 demi-journées", unit="half_day", units=10
    )
    pass_sell(seller=manager, buyer=member, product=product, now=NOW)
    client.force_login(member)
    day = TUESDAY.isoformat()
    assert labels(client, open_space, date=day, creneau="day") == [
        "à régler au lieu : 15,00\u00a0€",
        "un de mes carnets : 2 unités",
    ]
    assert labels(client, open_space, date=day, creneau="morning", places="2") == [
        "à régler au lieu : 18,00\u00a0€",
        "un de mes carnets : 2 unités",
    ]
    assert labels(client, open_space, date=day, creneau="morning") == [
        "à régler au lieu : 9,00\u00a0€",
        "un de mes carnets : 1 unité",
    ]


def test_the_employer_choice_shows_the_price_and_what_is_left_of_the_month(client, open_space):
    employer = make_employer(UserFactory(email="rh@acme.fr"))
    alice = make_employee(employer, budget=3)
    booking_create(
        user=alice.user,
        request=BookingRequest(resource=open_space, day=TUESDAY, slot="day", payment="employer"),
        now=NOW,
    )
    client.force_login(alice.user)
    wednesday = TUESDAY.replace(day=TUESDAY.day + 1).isoformat()
    assert labels(client, open_space, date=wednesday, creneau="day") == [
        "à régler au lieu : 15,00\u00a0€",
        "payé par mon employeur : 15,00\u00a0€ (reste ce mois-ci : 2 jours)",
    ]


def test_a_slot_that_cannot_be_booked_keeps_the_plain_labels(client, open_space):
    client.force_login(UserFactory())
    assert labels(client, open_space, date="2026-11-29", creneau="day") == ["à régler au lieu"]


def test_the_fieldset_refreshes_itself_when_the_slot_changes(client, open_space):
    client.force_login(UserFactory())
    body = client.get(f"/reserver/ressource/{open_space.pk}/").content.decode()
    assert 'hx-select="#payment-choice"' in body
    assert "change from:[name=creneau]" in body


def test_paying_at_the_place_stays_the_default_choice(client, open_space):
    client.force_login(UserFactory())
    body = client.get(
        f"/reserver/ressource/{open_space.pk}/", {"date": TUESDAY.isoformat()}
    ).content.decode()
    [radio] = re.findall(r'<input type="radio" name="paiement" value="on_site"[^>]*>', body)
    assert " checked" in radio
