"""lms.core.sessions: production's session engine reads other cache entries in the
round trip that loads the session, and still falls back to the database."""

import pytest
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.core.cache import caches

from lms.core.sessions import SessionStore, read_with_session

pytestmark = pytest.mark.django_db


def saved_session():
    store = SessionStore()
    store["who"] = "trainee1"
    store.create()
    return store.session_key


def test_the_session_and_other_keys_come_in_one_round_trip(cache_calls):
    key = saved_session()
    caches["default"].set("other", 42)
    cache_calls.clear()
    session = SessionStore(key)
    assert session.load_with(["other", "missing"]) == {"other": 42}
    assert session["who"] == "trainee1"
    assert cache_calls == ["get_many"]
    assert session.accessed and not session.modified


def test_a_session_the_cache_lost_is_read_from_the_database():
    key = saved_session()
    caches["default"].delete(SessionStore(key).cache_key)
    caches["default"].set("other", 42)
    session = SessionStore(key)
    assert session.load_with(["other"]) == {"other": 42}
    assert session["who"] == "trainee1"
    # ...and put back into the cache, as cached_db's load() does.
    assert caches["default"].get(session.cache_key) == {"who": "trainee1"}


def test_a_loaded_or_keyless_session_only_reads_the_keys(cache_calls):
    caches["default"].set("other", 42)
    fresh = SessionStore()
    assert fresh.load_with(["other"]) == {"other": 42}
    assert fresh.load() == {} and fresh.session_key is None
    loaded = SessionStore(saved_session())
    assert loaded["who"] == "trainee1"
    cache_calls.clear()
    assert loaded.load_with(["other"]) == {"other": 42}
    assert cache_calls == ["get_many"]


def test_another_cache_is_read_apart(settings):
    settings.CACHES = {
        **settings.CACHES,
        "other": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    caches["other"].set("elsewhere", 1)
    session = SessionStore(saved_session())
    assert session.load_with(["elsewhere"], alias="other") == {"elsewhere": 1}
    assert session["who"] == "trainee1"


def test_other_engines_read_the_keys_alone():
    caches["default"].set("other", 42)
    session = DbSessionStore()
    assert read_with_session(session, ["other"]) == {"other": 42}
