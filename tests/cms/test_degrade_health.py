"""/healthz (alive, touches nothing) and /readyz (database and cache answer, 503
naming the one that does not, quickly) — cms/health.py."""

import time

import pytest
from django.test import Client

from tests.cms import degrade
from tests.cms.degrade import deadline, redis_caches

database_down = degrade.database_down
hanging_server = degrade.hanging_server
redis_server = degrade.redis_server
_fresh_outage_state = degrade._fresh_outage_state


def no_cache_calls(monkeypatch):
    """Make any use of the cache fail the test."""
    from django.core.cache import cache

    def refuse(*args, **kwargs):
        raise AssertionError("the probe used the cache")

    for name in ("get", "get_many", "set", "add", "delete", "incr"):
        monkeypatch.setattr(cache, name, refuse)


@pytest.mark.django_db
def test_healthz_touches_neither_database_nor_cache(
    django_assert_num_queries, monkeypatch
):
    no_cache_calls(monkeypatch)
    client = Client()
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies  # no session, no CSRF cookie
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_while_the_database_is_down(database_down):
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_when_everything_answers():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }


def test_readyz_names_the_database_when_it_is_down(database_down, caplog):
    response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "OperationalError",
        "cache": "ok",
    }
    # A probe every few seconds during an outage: no error line for each one.
    assert not [r for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db(transaction=True)
def test_readyz_names_a_hanging_cache_within_about_a_second(settings, hanging_server):
    settings.CACHES = redis_caches(hanging_server)
    started = time.monotonic()
    with deadline(5):
        response = Client().get("/readyz")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["cache"] in {"timeout", "TimeoutError"}


@pytest.mark.django_db(transaction=True)
def test_readyz_sees_a_stopped_redis_the_tolerant_cache_would_hide(
    settings, redis_server
):
    settings.CACHES = redis_caches(redis_server.url)
    assert Client().get("/readyz").status_code == 200
    redis_server.stop()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "ConnectionError"


@pytest.mark.django_db
def test_probes_need_no_csrf_token_and_only_answer_get():
    client = Client(enforce_csrf_checks=True)
    assert client.post("/readyz").status_code == 405
    assert client.post("/healthz").status_code == 405
