"""The Redis cache backend that reuses its client (lms/core/redis_cache.py) against the
Redis every machine runs on 127.0.0.1:6379 (database 14, flushed per test)."""

import pytest

from lms.core.redis_cache import ReusingRedisCache

URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache():
    cache = ReusingRedisCache(URL, {"KEY_PREFIX": "shouwang-test"})
    try:
        cache.clear()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis is not running on 127.0.0.1:6379: {error}")
    yield cache
    cache.clear()


def test_it_stores_and_reads_like_djangos(redis_cache):
    redis_cache.set("a", {"课": 1})
    redis_cache.set_many({"b": 2, "c": [3]})
    assert redis_cache.get("a") == {"课": 1}
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {
        "a": {"课": 1},
        "b": 2,
        "c": [3],
    }
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_it_keeps_one_client_per_connection_pool(redis_cache):
    client = redis_cache._cache
    assert client.get_client() is client.get_client(write=True)
