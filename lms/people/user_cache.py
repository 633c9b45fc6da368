"""The signed-in user and their profile, kept in the shared cache.

Every request of a signed-in user loads the user and the profile (``Person``); at
a drill a thousand phones do it within a minute. The pair is kept in the cache for
a few minutes under the user's id, stamped with a per-user *version* (a random
token) read before the database: any save or delete of either row replaces the
version (at once, and again after the commit), so an entry built from a row read
before the change is never served, whenever it is written (the page-tree cache's
scheme, lms/core/site_cache.py). Django's session check still compares the session's
hash of the password with the cached user's, so a changed password still ends
other sessions; an account made inactive is forgotten by the save that does it.

A request that reads the cache anyway before it knows its user for sure can ask
for the user's entries in the same round trip (``keys_for``) and hand the answer to
Django's session check (``prefetched``): the drill check-in post does, with the
session and the drill.

The encrypted ID number is left out of the cached profile (loaded from the database
if a page reads it), so the cache holds nothing a profile page does not show.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

KEY = "shouwang:user:{}"
VERSION_KEY = "shouwang:user-version:{}"
TIMEOUT = 5 * 60
# A version that expires only makes entries stamped with it unreachable: safe.
VERSION_TIMEOUT = 60 * 60
NOT_CACHED = ("person__id_number_encrypted", "person__id_number_hash")
_prefetched = ContextVar("shouwang_user_cache_prefetched", default=None)


def keys_for(user_id):
    """The cache keys ``user_with_person`` reads for ``user_id``."""
    return [KEY.format(user_id), VERSION_KEY.format(user_id)]


@contextmanager
def prefetched(found):
    """Within it ``user_with_person`` takes a user's entries from ``found`` (an
    answer of ``get_many`` that asked for ``keys_for`` that user) instead of
    asking the cache again; any other user is read as usual."""
    token = _prefetched.set(found)
    try:
        yield
    finally:
        _prefetched.reset(token)


def user_with_person(user_id):
    """The active-or-not user with ``person`` joined, or None. One cache round
    trip (entry and version together) when warm, none when ``prefetched``."""
    key, version_key = keys_for(user_id)
    found = _prefetched.get()
    if found is None or version_key not in found:
        found = cache.get_many([key, version_key])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, uuid.uuid4().hex, VERSION_TIMEOUT)
        version = cache.get(version_key)
    entry = found.get(key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    user = (
        get_user_model()
        ._default_manager.select_related("person")
        .defer(*NOT_CACHED)
        .filter(pk=user_id)
        .first()
    )
    # No version: the cache is unreachable (lms/core/redis_cache.py answers like a
    # miss).
    # The database's answer is used and nothing is stored under no version.
    if user is not None and version is not None:
        cache.set(key, (version, user), TIMEOUT)
    return user


def forget(*user_ids):
    keys = [VERSION_KEY.format(pk) for pk in user_ids if pk is not None]
    if not keys:
        return

    def bump():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, VERSION_TIMEOUT)

    bump()
    transaction.on_commit(bump)


def user_changed(sender, instance, **kwargs):
    """post_save/post_delete of a user."""
    forget(instance.pk)


def person_changed(sender, instance, **kwargs):
    """post_save/post_delete of a profile: its login, and the login it had when it
    was read or last saved (a profile moved to another login)."""
    forget(instance.user_id, getattr(instance, "_loaded_user_id", None))
    instance._loaded_user_id = instance.user_id
