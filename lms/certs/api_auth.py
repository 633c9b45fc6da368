"""How the public API (/api/) authenticates: ``Authorization: Api-Key <key>`` for
dispatch systems, and the site's own session. Nothing else: REST_FRAMEWORK's
DEFAULT_AUTHENTICATION_CLASSES names these two, so DRF's default Basic scheme is
gone. A ``Basic`` header is ignored like any other scheme this module does not
know, and its password is never checked: the API must not be a password-guessing
oracle beside the sign-in page's lock-out.

Kept apart from lms/certs/api.py, and free of model imports at module level,
because DRF imports DEFAULT_AUTHENTICATION_CLASSES while ``rest_framework.views``
is still loading (APIView reads the setting in its class body).

A bad key is a failed authentication like a wrong password: it is counted by the
sign-in lock-out (django-axes, lms/people/services/login_guard.py) per client
address, under the name ``API_KEYS``. From a locked address every request that
presents a key gets 429 with Retry-After, before the key is looked at (so a lock-out
never tells a good key from a bad one). That refusal is not counted: a dispatch
system polling with a good key from an address where someone else tried bad keys
must get through once the lock-out has run out, a window after the last real
failure, not have each of its polls restart the lock (axes'
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT would)."""

from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, AuthenticationFailed

KEYWORD = "Api-Key"


class LockedOut(APIException):
    """429 with ``{"detail": ...}``; DRF sends ``wait`` as Retry-After."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self):
        from lms.people.services.login_guard import api_lockout_message, lockout_seconds

        super().__init__(detail=api_lockout_message())
        self.wait = lockout_seconds()


def _count_failure(http_request, credentials):
    """Count one failed authentication; True when it (or an earlier one) locked the
    address. The response is ours (LockedOut), so axes' middleware is told not to
    replace it."""
    user_login_failed.send(
        sender=ApiKeyAuthentication, credentials=credentials, request=http_request
    )
    locked = bool(getattr(http_request, "axes_locked_out", False))
    http_request.axes_locked_out = False
    return locked


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``. No header, or another scheme: not this
    one (the session may still sign in). A wrong, unknown or revoked key: 401.
    ``request.auth`` is the ApiKey; ``request.user`` stays anonymous, as a key is
    not a person."""

    def authenticate(self, request):
        # Imported here: this module is loaded with DRF's settings (see above).
        from axes.handlers.proxy import AxesProxyHandler
        from django.contrib.auth.models import AnonymousUser

        from lms.certs.api_keys import api_key_check
        from lms.people.services.login_guard import API_KEY_MARKER, API_KEYS

        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _sep, plaintext = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        http_request = request._request
        # The marker tells login_guard.lockout_username that this is the API, not
        # someone typing the placeholder name on a sign-in form.
        credentials = {"username": API_KEYS, API_KEY_MARKER: True}
        if not AxesProxyHandler.is_allowed(http_request, credentials):
            raise LockedOut
        key = api_key_check(plaintext.strip())
        if key is None:
            if _count_failure(http_request, credentials):
                raise LockedOut
            raise AuthenticationFailed(_("Unknown or revoked API key."))
        return AnonymousUser(), key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing or wrong.
        return KEYWORD
