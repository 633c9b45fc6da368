"""The production cache backend: Django's Redis cache, reusing its client and
tolerating a Redis that is gone.

Reusing the client: Django's Redis cache builds a new ``redis.Redis`` client object
for every cache call (Django 5.2 ``RedisCacheClient.get_client``); each one copies
some 170 response callbacks, which costs more than the round trip itself on a page
that makes two cache calls. A client is only a handle on a thread-safe connection
pool, so one per pool is kept and reused.

Tolerating an outage ("degrade, never a blank 500"): every cache in this project is
a copy of something the database holds, so when Redis is stopped, unreachable or
hangs, a cache call answers like a miss (``get`` → default, ``set`` → nothing
stored) and the caller reads the database. Three rules keep that cheap:

- The socket timeouts in ``OPTIONS`` (settings: ``socket_connect_timeout`` and
  ``socket_timeout``, well under a second) bound one failed call.
- After a failure the cache is *down* for ``DOWN_SECONDS``: calls answer at once
  without touching the network, so a page that makes ten cache calls pays for one
  timeout, not ten. The state is shared by the process's threads (Django keeps one
  cache object per thread). The first call after that interval tries Redis again.
- The outage is logged (``shouwang.cache``, warning) once per ``LOG_INTERVAL`` with
  the number of calls answered as misses, not once per call; the recovery once.

- A write or delete that could not be made (an invalidation: a user's version, the
  page-tree generation, a dropped drill) would leave a stale entry behind once Redis
  answers again without having restarted (a network cut, a paused server). So the
  process that lost a write flushes the cache database before its first call after
  the outage: the cache is only a copy, a flush costs a few cold pages.
  ``REDIS_URL``'s database must therefore hold nothing but this cache.

Counters cannot be faked: ``incr``/``decr`` raise ``CacheUnavailable``, a
``ValueError`` (Django's "no such key") so that code written for Django's contract
starts a new count, and code that must know (``lms.core.ratelimit``) can tell.
``ping`` raises too: the readiness check (``cms.health``) must see the outage.
"""

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("shouwang.cache")

# Errors that mean "Redis is not there" (refused, reset, timed out, still loading),
# not a bug in the call (a bad key, a value that does not pickle): those still raise.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
DOWN_SECONDS = 5.0
LOG_INTERVAL = 60.0


class CacheUnavailable(ValueError):
    """A counter could not be read or changed because the cache is unreachable."""


class ReusingRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


class _Outage:
    """The process-wide state of one Redis location: down until when, and what is
    still to be logged."""

    def __init__(self, location):
        self.location = location
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at = None  # when the outage was last logged; None: not down
        self.swallowed = 0
        self.lost_writes = False

    def is_down(self):
        return time.monotonic() < self.down_until

    def failed(self, error, down_seconds, log_interval, *, write=False):
        now = time.monotonic()
        with self.lock:
            self.down_until = now + down_seconds
            self.swallowed += 1
            self.lost_writes = self.lost_writes or write
            if self.logged_at is not None and now - self.logged_at < log_interval:
                return
            count, self.swallowed, self.logged_at = self.swallowed, 0, now
        logger.warning(
            "Redis cache %s unreachable (%s: %s); serving from the database, "
            "%d cache call(s) answered as misses since the last report",
            self.location,
            type(error).__name__,
            error,
            count,
        )

    def skipped(self, *, write=False):
        with self.lock:
            self.swallowed += 1
            self.lost_writes = self.lost_writes or write

    def succeeded(self):
        if self.logged_at is None:
            return
        with self.lock:
            if self.logged_at is None:
                return
            count, self.swallowed, self.logged_at = self.swallowed, 0, None
            self.down_until = 0.0
        logger.warning(
            "Redis cache %s reachable again (%d cache call(s) answered as misses "
            "since the last report)",
            self.location,
            count,
        )


_outages = {}
_outages_lock = threading.Lock()


def _without_password(url):
    """The server's address for the log, without a password in it."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def _outage_for(servers):
    location = ",".join(_without_password(url) for url in servers)
    with _outages_lock:
        return _outages.setdefault(location, _Outage(location))


class TolerantRedisCache(ReusingRedisCache):
    """``ReusingRedisCache`` that answers like a miss while Redis is unreachable.

    Extra ``OPTIONS`` (taken out before the rest reach redis-py): ``down_seconds``
    (default ``DOWN_SECONDS``) and ``log_interval`` (default ``LOG_INTERVAL``)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.down_seconds = float(options.pop("down_seconds", DOWN_SECONDS))
        self.log_interval = float(options.pop("log_interval", LOG_INTERVAL))
        super().__init__(server, {**params, "OPTIONS": options})
        self.outage = _outage_for(self._servers)

    def _tolerant(self, call, fallback, *args, write=False):
        outage = self.outage
        if outage.is_down():
            outage.skipped(write=write)
            return fallback
        try:
            if outage.lost_writes:
                self._flush_after_outage()
            result = call(*args)
        except OUTAGE_ERRORS as error:
            outage.failed(error, self.down_seconds, self.log_interval, write=write)
            return fallback
        outage.succeeded()
        return result

    def _flush_after_outage(self):
        super().clear()
        with self.outage.lock:
            self.outage.lost_writes = False
        logger.warning(
            "Redis cache %s flushed: writes were lost while it was unreachable",
            self.outage.location,
        )

    def get(self, key, default=None, version=None):
        return self._tolerant(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerant(super().get_many, {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerant(super().set, None, key, value, timeout, version, write=True)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(
            super().add, False, key, value, timeout, version, write=True
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that were not stored.
        return self._tolerant(
            super().set_many, list(data), data, timeout, version, write=True
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(super().touch, False, key, timeout, version, write=True)

    def delete(self, key, version=None):
        return self._tolerant(super().delete, False, key, version, write=True)

    def delete_many(self, keys, version=None):
        self._tolerant(super().delete_many, None, keys, version, write=True)

    def has_key(self, key, version=None):
        return self._tolerant(super().has_key, False, key, version)

    def clear(self):
        return self._tolerant(super().clear, False, write=True)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._tolerant(super().incr, missing, key, delta, version, write=True)
        if result is missing:
            raise CacheUnavailable(key)
        return result

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)

    def ping(self):
        """Ask Redis directly, whatever the outage state; raises if it does not
        answer within the socket timeouts."""
        return self._cache.get_client().ping()
