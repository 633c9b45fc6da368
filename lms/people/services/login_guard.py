"""Slow down password guessing: after LOGIN_MAX_FAILURES failed sign-ins for one
account name from one address within LOGIN_FAILURE_WINDOW seconds, that pair is refused
until the window passes. Counted per (address, name), not per name alone, so a stranger
cannot lock a guard out at a drill where everyone shares one address. Counters live in
the shared cache (database or Redis), so every app server sees them."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("shouwang.security")


def _key(address, identifier):
    raw = f"{address}|{(identifier or '').strip().lower()}".encode()
    return "login-fail:" + hashlib.sha256(raw).hexdigest()


def login_blocked(*, address, identifier):
    return cache.get(_key(address, identifier), 0) >= settings.LOGIN_MAX_FAILURES


def login_failed(*, address, identifier):
    key = _key(address, identifier)
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW)
        failures = 1
    logger.warning("Failed sign-in %s for %r from %s", failures, identifier, address)
    return failures


def login_succeeded(*, address, identifier):
    cache.delete(_key(address, identifier))
