"""A fixed one-minute window counter in the shared cache, so that every app server
counts the same requests (H5P statements per user, verifications per address)."""

import time

from django.core.cache import cache


def count_this_minute(scope):
    """Count one more event for ``scope`` (a string naming who and what) in the
    current minute and return the count so far."""
    key = f"shouwang:rate:{scope}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        return cache.incr(key)
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
