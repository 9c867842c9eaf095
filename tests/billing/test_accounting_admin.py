"""The admin shows billing rows without changing them; the sellers' home page lists what the
person keeps the books of."""

import pytest
from django.urls import reverse

from maillage.billing.models import LegalEntity
from tests.factories import LegalEntityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_is_read_only(staff, place_seller, b2b_invoice):
    for model in ("legalentity", "invoice", "accountingperiod"):
        assert staff.get(reverse(f"admin:billing_{model}_changelist")).status_code == 200
        assert staff.get(reverse(f"admin:billing_{model}_add")).status_code == 403
    entity_page = reverse("admin:billing_legalentity_change", args=[place_seller.pk])
    response = staff.post(entity_page, {"name": "Autre nom"})
    assert response.status_code == 403
    assert LegalEntity.objects.get(pk=place_seller.pk).name == "SCIC La Fabrique du Port"
    invoice_page = reverse("admin:billing_invoice_delete", args=[b2b_invoice.pk])
    assert staff.post(invoice_page, {"post": "yes"}).status_code == 403
    listing = staff.get(reverse("admin:billing_legalentity_changelist")).content.decode()
    settings_url = reverse(
        "billing:entity_settings", kwargs={"organisation_id": place_seller.organisation_id}
    )
    assert f'href="{settings_url}"' in listing


def test_home_lists_managed_organisations_and_the_network_for_coordinators(client):
    manager = UserFactory()
    with_entity = OrganisationFactory(name="Le Hangar", managers=[manager])
    entity = LegalEntityFactory(organisation=with_entity)
    without = OrganisationFactory(name="La Grange", managers=[manager])
    OrganisationFactory(name="Ailleurs")
    client.force_login(manager)
    page = client.get(reverse("billing:accounting_home"))
    assert [(c.label, c.entity) for c in page.context["choices"]] == [
        ("La Grange", None),
        ("Le Hangar", entity),
    ]
    text = page.content.decode()
    assert reverse("billing:accounting", kwargs={"entity_id": entity.pk}) in text
    assert reverse("billing:entity_settings", kwargs={"organisation_id": without.pk}) in text
    client.force_login(UserFactory(coordinator=True))
    choices = client.get(reverse("billing:accounting_home")).context["choices"]
    assert [(c.label, c.entity) for c in choices] == [("Structure de coordination", None)]
