"""The request's id and arrival time, and the answer when the database is down.

``RequestIdMiddleware`` comes first in ``MIDDLEWARE``:

- ``request.id``: the ``X-Request-ID`` header when the request comes from a proxy
  in ``TRUSTED_PROXIES`` (nginx sets it, so one id follows the request through
  nginx's log and ours) and the value is a plain token; otherwise a new uuid4.
  Anyone else's header is ignored: a client could otherwise make its requests'
  log lines look like someone else's. The id is echoed in the response's
  ``X-Request-ID`` and put on every log line written while the request is served
  (``cms.logs.RequestIdFilter``). It must run before ``TrustedProxyMiddleware``,
  which replaces ``REMOTE_ADDR`` with the client's address.
- ``request.arrived_at``: the server's time when the request arrived, before the
  session, the user or a cache is read. A check-in scan counts as made then
  (``lms.drills.views.checkin``), so a request delayed by a slow cache or database
  is not refused as expired.

``server_error`` is the project's 500 handler (``handler500`` in ``cms/urls.py``).
Django turns an exception into a response at every middleware layer, so a
database error raised by the session middleware (saving a session) or by a view
reaches no outer middleware, only this handler. A database that cannot be reached
(``OperationalError``, ``InterfaceError``) gets a 503 in the user's language,
rendered without the database (no page tree, no site settings, no session, no
user); the API, and scripts that ask for JSON, get JSON. Any other error keeps the
static 500 page. Django logs both with their traceback (``django.request``).
"""

import re
import sys
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults

from cms.logs import request_id
from lms.core.proxy import _networks, _trusted

HEADER = "X-Request-ID"
# What a proxy may send as an id: a uuid, nginx's $request_id (32 hex), or similar.
VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = _networks()

    def __call__(self, request):
        request.arrived_at = timezone.now()
        request.id = self.id_for(request.META)
        token = request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = request.id
        return response

    def id_for(self, meta):
        sent = meta.get("HTTP_X_REQUEST_ID", "")
        if (
            sent
            and VALID_ID.match(sent)
            and self.networks
            and _trusted(meta.get("REMOTE_ADDR", ""), self.networks)
        ):
            return sent
        return uuid.uuid4().hex


def wants_json(request):
    return request.path.startswith("/api/") or request.headers.get(
        "Accept", ""
    ).startswith("application/json")


def database_unavailable(request):
    """The 503 answer: JSON for the API, else the page (``503.html``, which
    extends ``minimal.html``: rendered without a request, so no context processor
    reads the session, the user or Wagtail's settings)."""
    message = _(
        "The service is temporarily unavailable. Please try again in a few minutes."
    )
    if wants_json(request):
        response = JsonResponse(
            {"error": "service_unavailable", "detail": message}, status=503
        )
    else:
        html = loader.get_template("503.html").render({"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database_down(error):
    """Whether ``error``, or an error it was raised from, says the database cannot
    be reached."""
    for _depth in range(5):
        if error is None:
            return False
        if isinstance(error, DATABASE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    if _database_down(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)
