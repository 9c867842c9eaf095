"""The moderation queue makes as many queries for many proposals on many places as for one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.places.services import place_create, proposal_submit
from tests.factories import IN_BAYEUX, UserFactory, place_data

pytestmark = pytest.mark.django_db


def test_moderation_queue_queries_do_not_grow_with_places_and_proposals(
    client, django_assert_max_num_queries
):
    client.force_login(UserFactory(coordinator=True))

    def proposals_on_a_new_place(n: int) -> None:
        place = place_create(data=place_data(name=f"Lieu {n}", labels=["fabrique-de-territoire"]))
        proposal_submit(
            user=UserFactory(),
            place=place,
            data={"name": f"Lieu {n} rénové", "services": ["cafe"], **IN_BAYEUX},
        )
        proposal_submit(
            user=UserFactory(),
            data=place_data(name=f"Fablab {n}", kinds=["fablab"], **IN_BAYEUX),
        )

    proposals_on_a_new_place(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/moderation/").status_code == 200
    for n in range(1, 6):
        proposals_on_a_new_place(n)
    with django_assert_max_num_queries(len(one)):
        page = client.get("/moderation/")
    text = page.content.decode()
    assert all(f"Lieu {n} rénové" in text and f"Fablab {n}" in text for n in range(6))
