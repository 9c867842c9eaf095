"""The agenda's « Présent·e » button returns to the page it came from, never to another site."""

import pytest
from django.urls import reverse

from maillage.booking.services import BookingRequest, booking_cancel, booking_create
from tests.booking.conftest import NOW, TUESDAY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNSAFE = ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"]


def booked(open_space):
    booking, _ = booking_create(
        user=UserFactory(),
        request=BookingRequest(resource=open_space, day=TUESDAY, slot="day"),
        now=NOW,
    )
    return booking


@pytest.mark.parametrize("back", UNSAFE)
def test_check_in_with_a_foreign_return_goes_to_the_booking(client, manager, open_space, back):
    booking = booked(open_space)
    client.force_login(manager)
    response = client.post(reverse("booking:check_in", args=[booking.public_id]), {"retour": back})
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:detail", args=[booking.public_id])
    booking.refresh_from_db()
    assert booking.checked_in_by == manager


@pytest.mark.parametrize("back", UNSAFE)
def test_check_in_refused_with_a_foreign_return_goes_to_the_booking(
    client, manager, open_space, back
):
    booking = booked(open_space)
    booking_cancel(actor=booking.user, public_id=booking.public_id, reason="x", now=NOW)
    client.force_login(manager)
    response = client.post(reverse("booking:check_in", args=[booking.public_id]), {"retour": back})
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:detail", args=[booking.public_id])


def test_check_in_returns_to_the_agenda_it_came_from(client, manager, open_space):
    booking = booked(open_space)
    agenda = reverse("booking:agenda", args=[open_space.place.public_id]) + "?semaine=2026-11-30"
    client.force_login(manager)
    response = client.post(
        reverse("booking:check_in", args=[booking.public_id]), {"retour": agenda}
    )
    assert response.status_code == 302
    assert response["Location"] == agenda
