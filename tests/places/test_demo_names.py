"""Demo places are named in French: « Télécentre du Havre », never « de Le Havre »."""

import re

import pytest

from maillage.places.demo import demo_places_create
from maillage.places.models import Place

pytestmark = pytest.mark.django_db


def test_demo_names_contract_the_article_after_de():
    demo_places_create(count=40, region="28")
    names = sorted(Place.objects.filter(is_demo=True).values_list("name", flat=True))
    assert [n for n in names if re.search(r"\bde (Le|Les) ", n)] == []
    havre = sorted({n for n in names if "Havre" in n})
    assert havre and all(
        n
        in {
            "Coworking Le Havre",
            "Fablab Le Havre",
            "Le Relais numérique du Havre",
            "Télécentre du Havre",
            "La Ruche du Havre",
        }
        for n in havre
    )
    assert any(n.endswith("du Havre") for n in havre)
