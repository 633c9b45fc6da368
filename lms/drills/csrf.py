"""The page for a form whose CSRF check failed (``settings.CSRF_FAILURE_VIEW``),
instead of Django's bare English "403 Forbidden". On a phone it mostly means a
check-in page left open too long, or cookies cleared in between: the trainee is
told, in their language, to scan the code again. Elsewhere: refresh and try
again. Why it failed (``reason``) is for the log, not for the person: Django's
``django.security.csrf`` logger already writes it, with the path."""

from django.shortcuts import render

CHECKIN_PREFIX = "/c/"


def csrf_failure(request, reason=""):
    return render(
        request,
        "drills/csrf_failure.html",
        {"checkin": request.path.startswith(CHECKIN_PREFIX)},
        status=403,
    )
