"""Factories shared by the test suite (factory_boy)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from maillage.places.models import Membership, Organisation
from maillage.places.permissions import COORDINATORS_GROUP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    display_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def coordinator(obj, create, extracted, **kwargs):
        """UserFactory(coordinator=True) puts the user in the network coordination group."""
        if create and extracted:
            obj.groups.add(Group.objects.get(name=COORDINATORS_GROUP))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Association du tiers-lieu {n}")

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):
        for user in extracted or []:
            Membership.objects.create(user=user, organisation=obj)


def place_data(**overrides) -> dict:
    """A valid place snapshot located in Caen (commune 14118, postcode 14000)."""
    data = {
        "name": "La Fabrique du Port",
        "status": "ouvert",
        "kinds": ["coworking"],
        "services": ["tres-haut-debit", "visioconference"],
        "labels": [],
        "address": "12 quai Vendeuvre",
        "postal_code": "14000",
        "latitude": 49.1806,
        "longitude": -0.3540,
        "description": "Un espace de coworking au bord du bassin.",
        "opening_hours": "Mo-Fr 09:00-18:00",
        "open_space_desks": 20,
        "private_offices": 3,
        "private_office_seats": 6,
        "meeting_rooms": 1,
        "visio_rooms": 1,
        "price_day": "15.00",
        "wheelchair": "yes",
    }
    data.update(overrides)
    return data


# Real positions with their commune and postcode, for places outside Caen.
IN_BAYEUX = {"latitude": 49.2765, "longitude": -0.7036, "postal_code": "14400"}  # commune 14047
IN_ROUEN = {"latitude": 49.4431, "longitude": 1.0993, "postal_code": "76000"}  # commune 76540


def fablab_data(**overrides) -> dict:
    """A small fablab in Bayeux with a 3D printer, opposite the Caen coworking of place_data()."""
    return place_data(
        name="Fablab de Bayeux",
        kinds=["fablab"],
        services=["imprimante-3d"],
        open_space_desks=4,
        private_office_seats=0,
        **{**IN_BAYEUX, **overrides},
    )


def luhn_complete(prefix: str) -> str:
    """`prefix` followed by the digit that makes the Luhn sum a multiple of 10."""
    from maillage.billing.identifiers import luhn_ok

    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


class LegalEntityFactory(factory.django.DjangoModelFactory):
    """A seller or buyer with a valid SIREN/SIRET; `franchise=True` for the VAT franchise."""

    class Meta:
        model = "billing.LegalEntity"

    class Params:
        franchise = factory.Trait(vat_regime="franchise", vat_number="")

    name = factory.Sequence(lambda n: f"Structure {n}")
    legal_form = "SAS"
    siren = factory.Sequence(lambda n: luhn_complete(f"{41000000 + n:08d}"))
    siret = factory.LazyAttribute(lambda o: luhn_complete(o.siren + "0001"))
    rcs = "RCS Caen"
    share_capital = "10 000 €"
    address = "12 quai Vendeuvre"
    postcode = "14000"
    city = "Caen"
    email = factory.Sequence(lambda n: f"compta{n}@exemple.fr")
    vat_regime = "normal"
    vat_number = factory.LazyAttribute(
        lambda o: __import__("maillage.billing.identifiers", fromlist=["x"]).vat_number_for(o.siren)
    )
    invoice_prefix = "F-"
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"
