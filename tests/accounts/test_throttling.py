"""Login, sign-up, password reset and resend are throttled (issue 12): the limit-th + 1 attempt
gets 429 with a French message, and other accounts or addresses are not touched."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory, override_settings

from maillage.core import ratelimit
from maillage.core.ratelimit import (
    Limit,
    Throttled,
    client_ip,
    ratelimit_check,
    ratelimit_hit,
)
from tests.mailbox import deliver

LOGIN = "/compte/connexion"
PASSWORD = "mot-de-passe-solide"
WAIT_15 = "Trop de tentatives : réessayez dans 15 minutes."


class Clock:
    """The limiter's clock, set at the start of a window so that none ends during a test."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0  # a multiple of 900 and of 3600

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


def login(client, email, password="faux", ip="203.0.113.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def accounts(db):
    make = get_user_model().objects.create_user
    return make(email="a@exemple.fr", password=PASSWORD), make(
        email="b@exemple.fr", password=PASSWORD
    )


def test_sixth_wrong_password_is_refused_with_429(client, accounts, clock):
    for _ in range(5):
        response = login(client, "a@exemple.fr")
        assert response.status_code == 200
        assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    response = login(client, "A@Exemple.fr ")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert [str(m) for m in response.context["messages"]] == [WAIT_15]
    assert WAIT_15 in response.content.decode()
    # Past the limit even the right password is refused: the guessing stops here.
    assert login(client, "a@exemple.fr", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_account_is_not_locked(client, accounts, clock):
    for _ in range(5):
        login(client, "a@exemple.fr")
    assert login(client, "a@exemple.fr").status_code == 429
    response = login(client, "b@exemple.fr", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(accounts[1].pk)


def test_success_resets_the_account_count(client, accounts, clock):
    for _ in range(4):
        login(client, "a@exemple.fr")
    assert login(client, "a@exemple.fr", PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        assert login(client, "a@exemple.fr").status_code == 200
    assert login(client, "a@exemple.fr").status_code == 429


def test_lock_ends_with_the_window(client, accounts, clock):
    for _ in range(5):
        login(client, "a@exemple.fr")
    assert login(client, "a@exemple.fr").status_code == 429
    clock.advance(15 * 60)
    assert login(client, "a@exemple.fr", PASSWORD).status_code == 302


def test_admin_login_is_counted_and_refused_too(client, db, clock):
    get_user_model().objects.create_user(
        email="equipe@exemple.fr", password=PASSWORD, is_staff=True, is_superuser=True
    )
    wrong = {"username": "equipe@exemple.fr", "password": "faux"}
    for _ in range(5):
        assert client.post("/admin/login/", wrong).status_code == 200
    right = {"username": "equipe@exemple.fr", "password": PASSWORD}
    response = client.post("/admin/login/?next=/admin/", right)
    assert response.status_code == 200  # the admin's form again, nobody signed in
    assert "_auth_user_id" not in client.session
    assert login(client, "equipe@exemple.fr", PASSWORD, ip="127.0.0.1").status_code == 429


@override_settings(MAILLAGE_LOGIN_FAILURES_PER_IP=7)
def test_one_address_guessing_across_accounts_is_stopped(client, accounts, clock):
    for number in range(7):  # one wrong password each on seven accounts
        assert login(client, f"inconnu{number}@exemple.fr").status_code == 200
    response = login(client, "b@exemple.fr", PASSWORD)
    assert response.status_code == 429
    assert WAIT_15 in response.content.decode()
    # Another client address still signs in.
    assert login(client, "b@exemple.fr", PASSWORD, ip="198.51.100.9").status_code == 302


SIGNUP = {
    "email": "nouveau@exemple.fr",
    "display_name": "",
    "password1": "un-long-mot-de-passe-2026",
    "password2": "un-long-mot-de-passe-2026",
    "consent": "on",
}


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/compte/inscription", SIGNUP),
        ("/compte/mot-de-passe/oubli", {"email": "nouveau@exemple.fr"}),
        ("/compte/renvoyer", {"email": "nouveau@exemple.fr"}),
    ],
)
def test_email_forms_allow_three_attempts_per_address(client, db, clock, url, data):
    statuses = [client.post(url, data).status_code for _ in range(4)]
    assert statuses[3] == 429
    assert 429 not in statuses[:3]
    response = client.post(url, data)
    assert response.status_code == 429
    assert "Trop de tentatives : réessayez dans 60 minutes." in response.content.decode()
    # Another address from the same client is still served.
    other = client.post(url, {**data, "email": "autre@exemple.fr"})
    assert other.status_code != 429


@override_settings(MAILLAGE_EMAIL_FORMS_PER_IP=2)
def test_email_forms_count_per_client_address(client, db, clock, mailoutbox):
    for number in range(2):
        client.post("/compte/renvoyer", {"email": f"x{number}@exemple.fr"})
    response = client.post("/compte/renvoyer", {"email": "x9@exemple.fr"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    # Each form has its own count.
    assert client.post("/compte/mot-de-passe/oubli", {"email": "x9@exemple.fr"}).status_code == 302


def test_sign_up_mistakes_do_not_use_the_address_allowance(client, db, clock):
    mismatch = {**SIGNUP, "password2": "pas-pareil-2026"}
    statuses = [client.post("/compte/inscription", mismatch).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    assert client.post("/compte/inscription", SIGNUP).status_code == 200
    assert get_user_model().objects.filter(email="nouveau@exemple.fr").count() == 1


def test_throttled_sign_up_creates_nothing_and_sends_nothing(
    client, db, clock, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post("/compte/inscription", SIGNUP).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert len(deliver()) == 3  # one confirmation, then the link again twice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/inscription", {**SIGNUP, "email": "NOUVEAU@exemple.fr"})
    assert response.status_code == 429
    assert len(deliver()) == 3
    assert get_user_model().objects.count() == 1


# --- The module itself --------------------------------------------------------------------------


def test_fixed_window_counts_and_tells_the_wait():
    limit = Limit("essai", attempts=2, window=600)
    ratelimit_hit((limit, "k"), now=1_000_200.0)
    ratelimit_check((limit, "k"), now=1_000_200.0)
    ratelimit_hit((limit, "k"), now=1_000_201.0)
    with pytest.raises(Throttled) as throttled:
        ratelimit_check((limit, "k"), now=1_000_250.0)
    # The window holding 1_000_250 is [1_000_200, 1_000_800): 550 s to wait.
    assert throttled.value.retry_after == 550
    assert throttled.value.message == "Trop de tentatives : réessayez dans 10 minutes."
    ratelimit_check((limit, "k"), now=1_000_800.0)  # next window: counted afresh
    ratelimit_check((limit, "autre"), now=1_000_250.0)


def test_throttled_message_singular_minute():
    assert Throttled(retry_after=30).message == "Trop de tentatives : réessayez dans 1 minute."


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # header ignored without a proxy
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the hop the proxy added
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        (1, "10.0.0.2", "", "10.0.0.2"),  # no header: the connection
        (1, "10.0.0.2", "pas-une-ip", "pas-une-ip"),
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),
        (0, "::ffff:203.0.113.7", "", "203.0.113.7"),
    ],
)
def test_client_ip(proxies, remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(MAILLAGE_TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected
