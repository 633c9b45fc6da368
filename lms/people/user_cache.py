"""The signed-in user and their profile, kept in the shared cache.

Every request of a signed-in user loads the user and the profile (``Person``); at
a drill a thousand phones do it within a minute. The pair is kept in the cache for
a few minutes under the user's id and forgotten whenever either row is saved or
deleted (at once, and again after the commit, so that a request reading between
the two cannot keep the old row). Django's session check still compares the
session's hash of the password with the cached user's, so a changed password still
ends other sessions; an account made inactive is forgotten by the save that does it.

The encrypted ID number is left out of the cached profile (loaded from the database
if a page reads it), so the cache holds nothing a profile page does not show.
"""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

KEY = "shouwang:user:{}"
TIMEOUT = 5 * 60
NOT_CACHED = ("person__id_number_encrypted", "person__id_number_hash")


def user_with_person(user_id):
    """The active-or-not user with ``person`` joined, or None."""
    key = KEY.format(user_id)
    user = cache.get(key)
    if user is None:
        user = (
            get_user_model()
            ._default_manager.select_related("person")
            .defer(*NOT_CACHED)
            .filter(pk=user_id)
            .first()
        )
        if user is None:
            return None
        cache.set(key, user, TIMEOUT)
    return user


def forget(*user_ids):
    keys = [KEY.format(pk) for pk in user_ids if pk is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def user_changed(sender, instance, **kwargs):
    """post_save/post_delete of a user."""
    forget(instance.pk)


def person_changed(sender, instance, **kwargs):
    """post_save/post_delete of a profile: its login, and the login it had when it
    was read or last saved (a profile moved to another login)."""
    forget(instance.user_id, getattr(instance, "_loaded_user_id", None))
    instance._loaded_user_id = instance.user_id
