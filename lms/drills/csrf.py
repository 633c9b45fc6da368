"""The page for a form whose CSRF check failed (``settings.CSRF_FAILURE_VIEW``),
instead of Django's bare English "403 Forbidden". On a phone it mostly means a
check-in page left open too long, or cookies cleared in between: the trainee is
told, in their language, to scan the code again. Elsewhere: refresh and try
again. Why it failed (``reason``) is for the log, not for the person: Django's
``django.security.csrf`` logger already writes it, with the path."""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.shortcuts import render

CHECKIN_PREFIX = "/c/"
_INDEX = {char: i for i, char in enumerate(CSRF_ALLOWED_CHARS)}
_BASE = len(CSRF_ALLOWED_CHARS)


def checkin_csrf_token(request):
    """The masked CSRF token for the check-in page, as ``get_token`` makes it
    (a fresh mask, then the secret shifted by it: what Django's CSRF check
    unmasks), at a fifth of its CPU.

    Every phone in a burst opens this page, and ``get_token`` was a sixth of the
    page's CPU: its mask takes 32 calls of ``secrets.choice``, and it marks the
    CSRF cookie to be sent again with every page. Here the mask is 32 bytes of
    ``os.urandom`` at once (their slight bias toward some characters does not
    matter: the mask travels in the clear; it only makes every page's token
    different, against BREACH), and a cookie the browser already holds is left
    alone (it lives a year). Without one (a first visit, a malformed cookie)
    this is ``get_token``, which makes the secret and sets the cookie."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)
    chars, index = CSRF_ALLOWED_CHARS, _INDEX
    mask = [byte % _BASE for byte in os.urandom(CSRF_SECRET_LENGTH)]
    return "".join([chars[m] for m in mask]) + "".join(
        [chars[(index[c] + m) % _BASE] for c, m in zip(secret, mask, strict=True)]
    )


def csrf_failure(request, reason=""):
    return render(
        request,
        "drills/csrf_failure.html",
        {"checkin": request.path.startswith(CHECKIN_PREFIX)},
        status=403,
    )
