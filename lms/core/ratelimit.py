"""A fixed one-minute window counter in the shared cache, so that every app server
counts the same requests (H5P statements per user, verifications per address).

When the cache cannot count (Redis unreachable:
``lms.core.redis_cache.CacheUnavailable``) the limiter *fails open*: the count is
reported as 0, so the request goes through, and the log says so
(``shouwang.ratelimit``, once a minute per limiter, not once a request). Decided
per limiter (docs/operations.md, "Faults"):

- H5P statements per user: open. The limit only stops a runaway player flooding
  the statement table; refusing would lose trainees' progress during an outage.
- Verifications per address (``/v/<code>``, ``/api/v1/verify/``): open. Codes are
  long random strings, so the limit slows enumeration rather than preventing it,
  and a guard's qualification must stay checkable while Redis is down.

Ours rather than django-ratelimit: its fail-open is one global setting, and behind
our tolerant cache (a down Redis answers like a miss, lms/core/redis_cache.py) it
could not tell an outage from a first request. The counter itself is one ``incr``
per window key.

Sign-in failures are not counted here: django-axes keeps them in the database
(``lms/people/services/login_guard.py``), so a Redis outage does not touch them.
"""

import logging
import threading
import time

from django.core.cache import cache

from lms.core.redis_cache import CacheUnavailable

logger = logging.getLogger("shouwang.ratelimit")
REPORT_INTERVAL = 60.0
_reported = {}
_reported_lock = threading.Lock()


def _uncounted(scope):
    """Log that ``scope``'s limiter could not count, once per interval per limiter
    (the scope's first part: ``h5p-statements``, ``certs-verify``...)."""
    limiter = scope.split(":", 1)[0]
    now = time.monotonic()
    with _reported_lock:
        last = _reported.get(limiter)
        if last is not None and now - last < REPORT_INTERVAL:
            return
        _reported[limiter] = now
    logger.warning(
        "Rate limiter %s cannot count (cache unreachable): requests let through",
        limiter,
    )


def count_this_minute(scope):
    """Count one more event for ``scope`` (a string naming who and what) in the
    current minute and return the count so far; 0 when the cache cannot count."""
    key = f"shouwang:rate:{scope}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        return cache.incr(key)
    except CacheUnavailable:
        _uncounted(scope)
        return 0
    except ValueError:  # expired or evicted between add and incr
        cache.set(key, 1, timeout=90)
        return 1


def address_scope(ip):
    """The unit a per-address limit counts: the address, or for IPv6 its /64 (one
    subscriber gets a whole /64 and could rotate through it)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
