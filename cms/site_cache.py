"""Wagtail finds the Site and then the root page's specific object on every page
request: two queries before any work is done. Both change rarely, so they are kept
in the shared cache (Redis in production; one cache entry for every host), and the
entry is dropped whenever a Site or a root page changes. With the database cache of a
single-machine install the lookup costs one cache query instead of two."""

from django.core.cache import cache
from wagtail.models import Site

CACHE_KEY = "shouwang:wagtail-sites"
TIMEOUT = 60 * 60


def _host_key(request):
    # Wagtail matches a Site by host name and port.
    return f"{request.get_host().lower()}|{request.get_port()}"


def sites_cache_clear(**kwargs):
    cache.delete(CACHE_KEY)


def sites_cache_clear_for_root(sender, instance, **kwargs):
    """A page was published, unpublished or moved: if it is some Site's root, the
    cached copy is stale."""
    if Site.objects.filter(root_page_id=instance.pk).exists():
        cache.delete(CACHE_KEY)


class SiteCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            host = _host_key(request)
        except Exception:  # noqa: BLE001 - a bad Host header: let Django answer it
            return self.get_response(request)
        sites = cache.get(CACHE_KEY) or {}
        site = sites.get(host)
        if site is not None:
            # Site.find_for_request reads request._wagtail_site before querying.
            request._wagtail_site = site
        response = self.get_response(request)
        if site is None and getattr(request, "_wagtail_site", None) is not None:
            found = request._wagtail_site
            # Keep the root page as its specific object, so that routing does not
            # fetch it again.
            found.root_page = found.root_page.specific
            cache.set(CACHE_KEY, {**sites, host: found}, TIMEOUT)
        return response
