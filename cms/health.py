"""Health endpoints for the load balancer and the process supervisor.

- ``/healthz``: the process is alive and answers. Touches neither the database
  nor the cache, so a database outage does not get every app server restarted.
- ``/readyz``: the database and the cache answer; 503 naming the one that did
  not. Each check runs in a small thread pool with a deadline
  (``CHECK_SECONDS``), so a database or Redis that hangs costs the probe about a
  second, never a stuck worker; the database check opens its own short-lived
  connection (``connect_timeout``) rather than using the request's.

Both are GET-only, set no cookie, read no session or user (nothing reads
``request.session``/``request.user``), skip the page-tree cache
(``without_page_tree``), are exempt from CSRF and from the HTTPS redirect
(``SECURE_REDIRECT_EXEMPT`` in production) and count against no rate limit.
"""

import copy
import functools
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.core.cache import cache
from django.db import connections
from django.db.utils import load_backend
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from lms.core.site_cache import without_page_tree

CHECK_SECONDS = 1.0
# libpq's smallest connect timeout is 2 seconds; the deadline answers first.
DATABASE_CONNECT_TIMEOUT = 2
PROBE_KEY = "shouwang:readyz"
# Few threads: a storm of probes during a hang queues here and times out instead
# of starting a thread each.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


def _endpoint(view):
    return without_page_tree(csrf_exempt(never_cache(require_GET(view))))


@_endpoint
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database(settings_dict, alias="default"):
    """Open a connection of its own (this runs in a pool thread) with the given
    copy of the settings, ask ``SELECT 1`` and close it."""
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper
    if wrapper.vendor == "postgresql":
        settings_dict.setdefault("OPTIONS", {})["connect_timeout"] = (
            DATABASE_CONNECT_TIMEOUT
        )
    connection = wrapper(settings_dict, alias)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_cache():
    """Redis: PING, past the tolerant backend (it would answer an outage like a
    miss). Other backends: one read."""
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    else:
        cache.get(PROBE_KEY)


def checks():
    """The checks to run, made in the request's thread (where the database settings
    are the ones this process uses, test database included)."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    return {
        "database": functools.partial(check_database, settings_dict),
        "cache": check_cache,
    }


def _run(checks):
    futures = {name: _pool.submit(check) for name, check in checks.items()}
    failed = {}
    for name, future in futures.items():
        try:
            future.result(timeout=CHECK_SECONDS)
        except FutureTimeout:
            failed[name] = "timeout"
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            failed[name] = type(error).__name__
    return failed


@_endpoint
def readyz(request):
    to_run = checks()
    failed = _run(to_run)
    found = {name: failed.get(name, "ok") for name in to_run}
    if failed:
        response = JsonResponse({"status": "unavailable", "checks": found}, status=503)
        # Not a server error: no "Service Unavailable" line from Django for every
        # probe during an outage (the outage itself is logged where it is met).
        response._has_been_logged = True
        return response
    return JsonResponse({"status": "ok", "checks": found})
