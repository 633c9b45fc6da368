"""The sign-in lock-out: django-axes, configured in cms/settings/base.py.

Decision (issue 12): the hand-written cache counter that lived here counted only the
/login/ form, per raw spelling of a name; Wagtail's /admin/login/ and the API were not
counted at all. django-axes hooks ``django.contrib.auth`` itself (its backend first in
AUTHENTICATION_BACKENDS refuses a locked name before any password is checked; its
``user_login_failed`` receiver counts every failure, whichever form called
``authenticate(request, ...)``), stores attempts in the database (AccessAttempt, and
AccessFailureLog as the audit trail, listed for site admins under Settings), and is
maintained. What is ours is small and lives here and in ``lms.core.client``:

- the unit counted is (account, address): a stranger elsewhere cannot lock a guard
  out, and at a drill where every phone shares one address one person's typos do
  not lock the others (AXES_LOCKOUT_PARAMETERS);
- ``lockout_username``: every spelling of one account (its phone number written any
  usual way, or its username) is counted as that account's username;
- ``lms.core.client.lockout_address``: the client's address behind trusted proxies, an
  IPv6 address grouped to its /64 (axes has no prefix grouping of its own);
- the API's bad keys count under ``API_KEYS``, per address
  (lms/certs/api_auth.py), and a locked address gets 429 with Retry-After;
- ``lockout_response``: the login page (or /activate/, whose codes are checked
  through ``authenticate`` too) with its localised message (429), or JSON for /api/.

Limits come from LOGIN_MAX_FAILURES and LOGIN_FAILURE_WINDOW (environment). A lock
lasts LOGIN_FAILURE_WINDOW after the last failure; a failure during a lock-out extends
it; a successful sign-in clears the account's count from that address."""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from lms.people.selectors import find_user

# The "account" the API's bad keys are counted under, only for credentials that
# carry the API's marker (API_KEY_MARKER, set by lms/certs/api_auth.py). Never what
# a sign-in form's name becomes: no username has spaces or angle brackets (Django's
# validator), and a typed name that finds no account is lower-cased, while this has
# capitals. So typing it on /login/ counts against that typed name, not against the
# API's lock of the address.
API_KEYS = "<API key>"
API_KEY_MARKER = "api_key"
API_PREFIX = "/api/"


def lockout_seconds():
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def _minutes():
    return max(1, math.ceil(lockout_seconds() / 60))


def login_lockout_message():
    minutes = _minutes()
    return ngettext(
        "Too many failed attempts. Wait %(minutes)s minute, or ask your "
        "organisation's administrator to reset your password.",
        "Too many failed attempts. Wait %(minutes)s minutes, or ask your "
        "organisation's administrator to reset your password.",
        minutes,
    ) % {"minutes": minutes}


def api_lockout_message():
    minutes = _minutes()
    return ngettext(
        "Too many failed authentications from this address. Try again in "
        "%(minutes)s minute.",
        "Too many failed authentications from this address. Try again in "
        "%(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def account_name(identifier):
    """The name axes counts a sign-in under: the account's username when the name
    finds an account (by phone or by username, exactly as the backend does), else
    the name as typed, trimmed and lower-cased (a phone number normalised)."""
    if identifier is None:
        return None
    identifier = str(identifier)
    user = find_user(identifier)
    if user is not None:
        return user.get_username()
    # AccessAttempt.username holds 255 characters.
    return identifier.strip().lower()[:255]


def lockout_username(request, credentials):
    """AXES_USERNAME_CALLABLE. Axes asks several times per attempt; the answer is
    kept on the request so the account is looked up once. The API's credentials
    are told apart by their marker, not by their name."""
    if credentials and credentials.get(API_KEY_MARKER) is True:
        return API_KEYS
    if credentials:
        identifier = credentials.get("username")
    else:
        identifier = getattr(request, "POST", {}).get("username")
    names = request.__dict__.setdefault("_shouwang_lockout_names", {})
    if identifier not in names:
        names[identifier] = account_name(identifier)
    return names[identifier]


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a locked-out attempt gets, with 429. The API:
    JSON and Retry-After. Anything else (/login/, /admin/login/): the sign-in page
    with its localised message."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": api_lockout_message()}, status=429)
        response["Retry-After"] = str(lockout_seconds())
        return response
    from lms.people.forms import ActivationForm, LoginForm

    initial = {"username": request.POST.get("username", "")}
    if request.path == reverse("activate"):
        # /activate/ checks codes through authenticate(): its own page, its form.
        template = "people/activate.html"
        form = ActivationForm(initial=initial)
    else:
        template = "people/login.html"
        form = LoginForm(request, initial=initial)
    context = {
        "form": form,
        "next": request.POST.get("next", request.GET.get("next", "")),
        "lockout_message": login_lockout_message(),
    }
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


def lockouts_prune(now=None):
    """Delete the running counts (AccessAttempt) whose window has passed: they lock
    nothing any more, and axes would ignore them. Axes deletes them itself only
    when someone next fails or signs in, so after a burst they would stay (names
    and addresses, personal data) until then. Returns how many went. The audit
    (AccessFailureLog) is pruned apart, by age (axes_reset_failure_logs)."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    deleted, _ = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    return deleted
