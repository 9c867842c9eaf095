"""The organisation and catalogue admin forms read a web address typed without a scheme as https,
and render without Django's URLField deprecation warning (warnings are errors in the suite)."""

import pytest

from maillage.places.models import Organisation
from tests.factories import UserFactory


@pytest.fixture
def staff_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_organisation_admin_form_renders_and_reads_bare_domains_as_https(staff_client):
    page = staff_client.get("/admin/places/organisation/add/")
    assert page.status_code == 200
    assert 'name="website"' in page.content.decode()
    response = staff_client.post(
        "/admin/places/organisation/add/",
        {
            "name": "Communauté de communes test",
            "siret": "",
            "website": "tiers-lieux.example.org",
            "membership_set-TOTAL_FORMS": "0",
            "membership_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Organisation.objects.get(name="Communauté de communes test")
    assert saved.website == "https://tiers-lieux.example.org"


@pytest.mark.django_db
def test_label_admin_form_renders(staff_client):
    assert staff_client.get("/admin/places/label/add/").status_code == 200
