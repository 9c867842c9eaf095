"""The admin shows ledgers and versioned rows but does not write them: staff gets a 403."""

import pytest

from maillage.booking import services
from maillage.booking.models import Pass, PassLedger, PassProduct, Resource
from maillage.places.models import Service
from tests.booking.conftest import make_resource
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    """A superuser: every model permission, so only the admin's own rules can refuse."""
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_admin_refuses_to_change_a_pass_balance(client, staff, place, manager):
    product = PassProduct.objects.create(
        place=place, name="5 journées", unit="day", units=5, price_cents=6000, validity_days=180
    )
    sold = services.pass_sell(seller=manager, buyer=UserFactory(), product=product)
    url = f"/admin/booking/pass/{sold.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="units_left"' not in page.content.decode()
    posted = client.post(url, {"units_left": 50, "units_total": 50})
    assert posted.status_code == 403
    assert Pass.objects.get(pk=sold.pk).units_left == 5
    assert client.post("/admin/booking/pass/add/", {}).status_code == 403
    ledger = PassLedger.objects.get(pass_ref=sold)
    assert client.post(f"/admin/booking/passledger/{ledger.pk}/change/", {}).status_code == 403
    assert client.post(f"/admin/booking/pass/{sold.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        client.post(f"/admin/booking/passledger/{ledger.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert list(PassLedger.objects.values_list("delta", flat=True)) == [5]


def test_admin_refuses_to_change_a_place_services(client, staff, place):
    before = sorted(place.services.values_list("pk", flat=True))
    extra = Service.objects.create(name="Imprimante 3D", slug="imprimante-3d-admin")
    versions = place.versions.count()
    url = f"/admin/places/place/{place.pk}/change/"
    assert client.get(url).status_code == 200
    posted = client.post(url, {"services": [*before, extra.pk], "name": "Autre nom"})
    assert posted.status_code == 403
    place.refresh_from_db()
    assert sorted(place.services.values_list("pk", flat=True)) == before
    assert place.versions.count() == versions


def test_admin_refuses_to_change_a_resource_kind(client, staff, place):
    resource = make_resource(place)
    posted = client.post(
        f"/admin/booking/resource/{resource.pk}/change/",
        {"kind": Resource.Kind.MEETING_ROOM, "name": resource.name, "capacity": 1},
    )
    assert posted.status_code == 403
    assert Resource.objects.get(pk=resource.pk).kind == Resource.Kind.OPEN_SPACE
