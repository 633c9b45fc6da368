"""The site shell's shared cache of the page tree.

Wagtail finds the Site, the root page and the sites' root paths on every page
request, and the lesson page reads its course, next lesson and view restrictions:
all of it changes only when an editor changes the tree. So it is kept in the
shared cache (Redis in production), stamped with a *tree generation*:

- ``GENERATION_KEY`` holds a random token; any change to a page, a view restriction
  or a Site replaces it (``tree_changed``), which makes every entry stamped with the
  old token unreachable at once, on every app server.
- The middleware reads the generation and the Site entry in one round trip and
  exposes the generation as ``request.page_tree_generation`` for other caches
  (``lms.courses.lesson_cache``); views that show no page skip it.
- An entry is written with the generation read *before* the database was, so a
  change made while a request was building it leaves it stamped with an old token:
  a race can waste an entry but never serve a stale one.
"""

import uuid

from django.core.cache import cache
from wagtail.models import Page

GENERATION_KEY = "shouwang:tree-generation"
SITES_KEY = "shouwang:wagtail-sites"
TIMEOUT = 60 * 60


def _host_key(request):
    # Wagtail matches a Site by host name and port.
    return f"{request.get_host().lower()}|{request.get_port()}"


def tree_changed(**kwargs):
    """Receiver for any change to pages, view restrictions, sites or what lesson
    bodies show (images, documents, and the apps' models the shell names in
    ``cms.apps``)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def page_changed(sender, instance=None, **kwargs):
    # post_save/post_delete fire for every model; only pages matter here.
    if isinstance(instance, Page):
        tree_changed()


def tree_generation(request=None):
    """The current generation: the one the middleware read for this request, or the
    cache's (created when missing, e.g. after a cache flush)."""
    generation = getattr(request, "page_tree_generation", None)
    if generation is None:
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        # The cache is unreachable (lms/core/redis_cache.py answers like a miss): a
        # generation no entry has, so nothing cached is used and nothing written
        # now can be read by anyone later.
        generation = uuid.uuid4().hex
    return generation


def without_page_tree(view):
    """Marks a view that shows no Wagtail page (no page URL, no Site): the
    middleware skips its cache read for it (the drill check-in, a burst of a
    thousand posts, is one)."""
    view.without_page_tree = True
    return view


class SiteCacheMiddleware:
    """Reads the generation and the Sites entry once the view is known (so views
    marked ``without_page_tree`` pay nothing) and stores what Wagtail found after
    the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "without_page_tree", False):
            return None
        try:
            host = _host_key(request)
        except Exception:  # noqa: BLE001 - a bad Host header: let Django answer it
            return None
        found = cache.get_many([GENERATION_KEY, SITES_KEY])
        generation = found.get(GENERATION_KEY) or tree_generation()
        request.page_tree_generation = generation
        entry = found.get(SITES_KEY)
        if not entry or entry["generation"] != generation:
            entry = {"generation": generation, "hosts": {}, "root_paths": None}
        site = entry["hosts"].get(host)
        if site is not None:
            # Site.find_for_request reads request._wagtail_site before querying,
            # Page.get_url_parts request._wagtail_cached_site_root_paths.
            request._wagtail_site = site
        if entry["root_paths"] is not None:
            request._wagtail_cached_site_root_paths = entry["root_paths"]
        request._site_cache = (host, entry, site)
        return None

    def __call__(self, request):
        response = self.get_response(request)
        if hasattr(request, "_site_cache"):
            self._store(request, *request._site_cache)
        return response

    def _store(self, request, host, entry, site):
        changed = False
        if site is None and getattr(request, "_wagtail_site", None) is not None:
            found_site = request._wagtail_site
            # Keep the root page as its specific object, so that routing does not
            # fetch it again.
            found_site.root_page = found_site.root_page.specific
            entry["hosts"] = {**entry["hosts"], host: found_site}
            changed = True
        root_paths = getattr(request, "_wagtail_cached_site_root_paths", None)
        if entry["root_paths"] is None and root_paths is not None:
            entry["root_paths"] = root_paths
            changed = True
        if changed:
            cache.set(SITES_KEY, entry, TIMEOUT)
