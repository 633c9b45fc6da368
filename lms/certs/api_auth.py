"""How the public API (/api/) authenticates: ``Authorization: Api-Key <key>`` for
dispatch systems, and the site's own session. Nothing else: REST_FRAMEWORK's
DEFAULT_AUTHENTICATION_CLASSES names these two, so DRF's default Basic scheme is
gone. A ``Basic`` header is ignored like any other scheme this module does not
know, and its password is never checked: the API must not be a password-guessing
oracle beside the sign-in page's lock-out.

Kept apart from lms/certs/api.py, and free of model imports at module level,
because DRF imports DEFAULT_AUTHENTICATION_CLASSES while ``rest_framework.views``
is still loading (APIView reads the setting in its class body)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

KEYWORD = "Api-Key"


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``. No header, or another scheme: not this
    one (the session may still sign in). A wrong, unknown or revoked key: 401.
    ``request.auth`` is the ApiKey; ``request.user`` stays anonymous, as a key is
    not a person."""

    def authenticate(self, request):
        from lms.certs.api_keys import api_key_check

        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _sep, plaintext = header.partition(" ")
        if keyword.lower() != KEYWORD.lower():
            return None
        key = api_key_check(plaintext.strip())
        if key is None:
            raise AuthenticationFailed(_("Unknown or revoked API key."))
        return AnonymousUser(), key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing or wrong.
        return KEYWORD
