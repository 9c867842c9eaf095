"""E-mails link to the page they announce, under the configured public address
(MAILLAGE_SITE_URL), never the host of the request that happened to send them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from maillage.booking.services import BookingRequest, booking_cancel, booking_create
from maillage.core.links import absolute_url
from maillage.places.services import proposal_accept, proposal_reject, proposal_submit
from tests.booking.conftest import NOW, TUESDAY, make_resource
from tests.factories import UserFactory, place_data
from tests.mailbox import deliver

pytestmark = pytest.mark.django_db

SITE = "https://tiers-lieux.exemple.fr"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.MAILLAGE_SITE_URL = SITE


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def test_absolute_url_uses_the_configured_address():
    assert absolute_url("places:moderation") == SITE + "/moderation/"
    assert absolute_url("booking:detail", "0b8e0a4c-3a57-4e8f-9c8e-1f2e3d4c5b6a") == (
        SITE + "/reserver/reservations/0b8e0a4c-3a57-4e8f-9c8e-1f2e3d4c5b6a/"
    )


def test_booking_emails_link_to_the_booking(place, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    resource = make_resource(place, name="Bureau 3")
    with django_capture_on_commit_callbacks(execute=True):
        booking, _ = booking_create(
            user=user, request=BookingRequest(resource=resource, day=TUESDAY, slot="day"), now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(actor=user, public_id=booking.public_id, now=NOW)
    detail = f"{SITE}/reserver/reservations/{booking.public_id}/"
    assert [links(m) for m in deliver()] == [[detail], [detail]]
    # The place's name is not glued after « à » (« à La Fabrique », « à Télécentre de… »).
    assert "« Bureau 3 » (La Fabrique du Port) est confirmée" in mailoutbox[0].body
    assert " à La Fabrique" not in mailoutbox[0].body + mailoutbox[1].body


def test_moderation_emails_link_to_the_queue_and_to_the_place(
    place, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(coordinator=True)
    contributor = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        new = proposal_submit(user=contributor, data=place_data(name="Le Hangar"))
    with django_capture_on_commit_callbacks(execute=True):
        accepted = proposal_accept(user=coordinator, proposal=new)
    with django_capture_on_commit_callbacks(execute=True):
        correction = proposal_submit(user=contributor, place=place, data={"name": "Autre"})
    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(user=coordinator, proposal=correction, reason="Nom inchangé.")
    assert [(m.to, links(m)) for m in deliver()] == [
        ([coordinator.email], [f"{SITE}/moderation/#proposition-{new.pk}"]),
        ([contributor.email], [f"{SITE}/lieux/{accepted.public_id}/"]),
        ([coordinator.email], [f"{SITE}/moderation/#proposition-{correction.pk}"]),
        ([contributor.email], [f"{SITE}/lieux/{place.public_id}/"]),
    ]


def test_a_rejected_new_place_has_no_page_to_link(mailoutbox, django_capture_on_commit_callbacks):
    coordinator = UserFactory(coordinator=True)
    proposal = proposal_submit(user=UserFactory(), data=place_data(name="Le Hangar"))
    with django_capture_on_commit_callbacks(execute=True):
        proposal_reject(user=coordinator, proposal=proposal, reason="Doublon.")
    assert links(deliver()[-1]) == []
    assert "Motif : Doublon." in mailoutbox[-1].body


def _site_url(**environ: str) -> str:
    """MAILLAGE_SITE_URL as a fresh process computes it from this environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAILLAGE_SITE_URL", "ALLOWED_HOSTS")}
    env |= {"SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "config.settings"} | environ
    code = "from django.conf import settings; print(settings.MAILLAGE_SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"DEBUG": "1"}, "http://localhost:8000"),
        (
            {"DEBUG": "0", "ALLOWED_HOSTS": "maillage.exemple.fr,www.exemple.fr"},
            "https://maillage.exemple.fr",
        ),
        ({"DEBUG": "0", "ALLOWED_HOSTS": ".exemple.fr"}, "https://exemple.fr"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "*"}, "http://localhost:8000"),
        ({"DEBUG": "0", "MAILLAGE_SITE_URL": "https://a.exemple.fr/"}, "https://a.exemple.fr"),
    ],
)
def test_site_url_defaults_to_the_first_named_host_in_production(environ, expected):
    assert _site_url(**environ) == expected


def test_deploy_check_warns_when_links_would_point_at_localhost(settings):
    from maillage.core.checks import site_url_is_public

    settings.DEBUG = False
    settings.MAILLAGE_SITE_URL = "https://localhost"
    assert [w.id for w in site_url_is_public(None)] == ["maillage.W002"]
    settings.MAILLAGE_SITE_URL = "http://[::1]:8000"
    assert [w.id for w in site_url_is_public(None)] == ["maillage.W002"]
    settings.MAILLAGE_SITE_URL = SITE
    assert site_url_is_public(None) == []
    settings.DEBUG = True
    settings.MAILLAGE_SITE_URL = "http://localhost:8000"
    assert site_url_is_public(None) == []


def test_account_emails_link_under_the_site_address_not_the_request_host(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(email="dominique@exemple.fr")
    client.post("/compte/mot-de-passe/oubli", {"email": member.email}, HTTP_HOST="127.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/compte/inscription",
            {
                "email": "camille@exemple.fr",
                "password1": "un-long-mot-de-passe-2026",
                "password2": "un-long-mot-de-passe-2026",
                "consent": "on",
            },
            HTTP_HOST="127.0.0.1",
        )
    reset, confirmation = (links(m) for m in deliver())
    assert len(reset) == 1 and reset[0].startswith(f"{SITE}/compte/mot-de-passe/nouveau/")
    assert len(confirmation) == 1 and confirmation[0].startswith(f"{SITE}/compte/confirmer/")
