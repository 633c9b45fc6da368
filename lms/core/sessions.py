"""Production's session engine (with Redis): Django's ``cached_db``, which can also
read other cache entries in the round trip that loads the session.

A drill check-in post reads the session (who posts), the drill and the user from
the cache: three round trips, each costing about as much CPU as a trivial view's
whole work, at a burst of a thousand phones. ``load_with`` makes them one. Django
has no such call, so the cache hit of ``cached_db``'s ``load()`` is repeated here
(the entry is the session's decoded dict); a miss is left to ``load()`` itself.
"""

from django.contrib.sessions.backends import cached_db
from django.core.cache import caches


class SessionStore(cached_db.SessionStore):
    def load_with(self, keys, alias="default"):
        """Load this session (if it is not loaded yet) and read ``keys`` from the
        cache ``alias``: one round trip when that is the session's cache. Returns
        ``{key: value}`` for the keys found, as ``get_many``."""
        cache = caches[alias]
        if (
            cache is not self._cache
            or self.session_key is None
            or hasattr(self, "_session_cache")
        ):
            return cache.get_many(keys)
        found = cache.get_many([self.cache_key, *keys])
        data = found.pop(self.cache_key, None)
        # SessionBase._get_session's bookkeeping, with what load() would return.
        self.accessed = True
        self._session_cache = data if data is not None else self.load()
        return found


def read_with_session(session, keys, alias="default"):
    """``keys`` from the cache ``alias``, loading ``session`` in the same round
    trip when its engine can (``SessionStore.load_with``)."""
    load_with = getattr(session, "load_with", None)
    if load_with is None:
        return caches[alias].get_many(keys)
    return load_with(keys, alias)
