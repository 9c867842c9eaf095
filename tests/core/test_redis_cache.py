"""The production cache: shared across processes, and a Redis outage never turns into a 500."""

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

from maillage.core.ratelimit import Limit, Throttled, ratelimit_check, ratelimit_hit
from maillage.core.single_flight import single_flight
from tests.redis_server import free_port, redis_server

BACKEND = "maillage.core.cache.ResilientRedisCache"
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def settings_for(url: str) -> dict:
    return {
        "default": {"BACKEND": BACKEND, "LOCATION": url, "OPTIONS": OPTIONS},
        # A second alias on the same server: what another process sees.
        "other": {"BACKEND": BACKEND, "LOCATION": url, "OPTIONS": OPTIONS},
    }


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


def test_settings_turn_a_redis_url_into_the_resilient_backend(monkeypatch):
    import importlib

    import config.settings as project_settings

    monkeypatch.setenv("CACHE_URL", "redis://127.0.0.1:6390/2")
    reloaded = importlib.reload(project_settings)
    try:
        assert reloaded.CACHES["default"]["BACKEND"] == BACKEND
        assert reloaded.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6390/2"
        assert reloaded.CACHES["default"]["OPTIONS"]["socket_timeout"] == 0.5
    finally:
        monkeypatch.delenv("CACHE_URL")
        importlib.reload(project_settings)
    assert project_settings.CACHES["default"]["BACKEND"] == (
        "django.core.cache.backends.locmem.LocMemCache"
    )


def test_a_guard_taken_in_one_process_holds_in_the_other(redis_url):
    with override_settings(CACHES=settings_for(redis_url)):
        from django.core.cache import cache

        with single_flight("siting:42", seconds=30) as first:
            assert first is True
            assert caches["other"].add("siting:42", "someone-else", 30) is False
            with single_flight("siting:42", seconds=30) as second:
                assert second is False
        # Released: the other process may take it now.
        assert caches["other"].add("siting:42", "someone-else", 30) is True
        cache.clear()


def test_rate_limit_counts_add_up_across_processes(redis_url):
    limit = Limit(scope="test-login", attempts=3, window=60)
    with override_settings(CACHES=settings_for(redis_url)):
        from django.core.cache import cache

        ratelimit_hit((limit, "alice@example.org"), now=1_000.0)
        ratelimit_hit((limit, "alice@example.org"), now=1_001.0)
        key = list(caches["other"]._cache.get_client().keys("*test-login*"))
        assert len(key) == 1
        ratelimit_hit((limit, "alice@example.org"), now=1_002.0)
        with pytest.raises(Throttled):
            ratelimit_check((limit, "alice@example.org"), now=1_003.0)
        cache.clear()


def test_redis_down_degrades_to_no_cache_and_logs_once(caplog):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    with override_settings(CACHES=settings_for(dead)), caplog.at_level(logging.ERROR):
        from django.core.cache import cache

        from maillage.core import cache as cache_module

        cache_module.ResilientRedisCache._last_logged = 0.0
        assert cache.get("x", "défaut") == "défaut"
        assert cache.get_many(["x", "y"]) == {}
        cache.set("x", 1)
        assert cache.add("guard", 1, 10) is True
        assert cache.has_key("x") is False
        with pytest.raises(ValueError):
            cache.incr("counter")
        limit = Limit(scope="test-down", attempts=1, window=60)
        ratelimit_hit((limit, "bob@example.org"))
        ratelimit_check((limit, "bob@example.org"))  # fails open: no Throttled
        with single_flight("down", seconds=5) as held:
            assert held is True
        errors = [r for r in caplog.records if r.name == "maillage.core.cache"]
        assert len(errors) == 1
        assert "injoignable" in errors[0].getMessage()


@pytest.mark.django_db
def test_pages_are_served_while_redis_is_down(client):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with override_settings(CACHES=settings_for(dead)):
        home = client.get("/")
        outlines = client.get("/api/territoires/regions/28/contours")
    assert home.status_code == 200
    assert "maillage" in home.content.decode()
    assert outlines.status_code == 200
    assert outlines.json()["type"] == "FeatureCollection"
