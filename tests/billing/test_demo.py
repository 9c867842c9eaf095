import pytest
from django.core.management import call_command

from maillage.billing.identifiers import validate_siren, validate_siret
from maillage.billing.models import LegalEntity
from tests.factories import LegalEntityFactory

pytestmark = pytest.mark.django_db


def test_the_demo_network_is_created_once_with_valid_identifiers():
    call_command("billing_demo")
    call_command("billing_demo")
    [network] = LegalEntity.objects.filter(is_network=True)
    validate_siren(network.siren)
    validate_siret(network.siret)
    assert network.name == "Coordination du réseau (démonstration)"


def test_a_real_network_entity_is_never_replaced():
    real = LegalEntityFactory(is_network=True, name="GIP Normandie tiers-lieux")
    call_command("billing_demo")
    assert list(LegalEntity.objects.filter(is_network=True)) == [real]
