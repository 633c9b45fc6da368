"""Check-in pages (the public ``/c/<token>`` link in every drill QR code, and ``/c/``
to type the text code) and the instructor's JSON feeds. A GET never changes state:
the page posts the check-in itself, and has a button for phones without JavaScript.
"""

import json
import secrets
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import BadSignature, Signer
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from lms.core.client import client_meta
from lms.core.qr import qr_svg
from lms.core.sessions import read_with_session
from lms.core.site_cache import without_page_tree
from lms.drills import selectors, services, tokens
from lms.drills.constants import (
    MY_DRILL_STATUS_CLASS,
    REFUSAL_NEXT_STEP,
    MyDrillStatus,
    Refusal,
)
from lms.drills.csrf import checkin_csrf_token
from lms.drills.models import Drill
from lms.people import user_cache
from lms.people.selectors import user_person

DEVICE_COOKIE = "shouwang_device"
DEVICE_MAX_AGE = 5 * 365 * 24 * 3600
_signer = Signer(salt="shouwang.drills.device")


def _device(request):
    """A keyed hash of this phone's long-lived random cookie (set on first visit),
    or a new cookie value to set. Clearing cookies gets a new device id: that is
    logged and visible, not prevented."""
    try:
        value = _signer.unsign(request.COOKIES.get(DEVICE_COOKIE, ""))
    except BadSignature:
        value = None
    fresh = None
    if value is None:
        value = secrets.token_hex(16)
        fresh = _signer.sign(value)
    device = salted_hmac("shouwang.drills.device-id", value).hexdigest()[:32]
    return device, fresh


def _location(post):
    if post.get("consent") != "yes":
        return None
    try:
        latitude, longitude = float(post["latitude"]), float(post["longitude"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude


def _log_refusal(request, error, *, drill_id=None, detail=None):
    services.refusal_log(
        reason=error.reason,
        drill_id=getattr(error, "drill_id", None) or drill_id,
        user=request.user,
        detail=request.path if detail is None else detail,
        **client_meta(request),
    )


def _wants_json(request):
    """The check-in page's script posts with ``Accept: application/json`` and puts
    the answer into the page it shows; without JavaScript the form gets a page.
    (``META`` rather than ``request.headers``, which builds a dict of every
    header on first use: a check-in post reads no other.)"""
    return request.META.get("HTTP_ACCEPT", "").startswith("application/json")


def _result(request, context, status=200):
    """The outcome of a check-in: the result page, or for the page's script the
    result card alone (no page shell to render and send over a weak signal)."""
    if _wants_json(request):
        card = render_to_string("drills/_checkin_result.html", context)
        return _json_response(_json_answer(context["ok"], card), status)
    return render(request, "drills/checkin_result.html", context, status=status)


def _json_response(body, status=200):
    return HttpResponse(body, content_type="application/json", status=status)


_TIME_SLOT = "__shouwang_scan_time__"
_TIME_SLOT_BYTES = _TIME_SLOT.encode()


@lru_cache(maxsize=512)
def _success_answer(language, title, status, created):
    """The script's whole success answer, JSON-encoded, with a slot for the time,
    the one part that differs between the people checking in to a drill: the
    card rendered and encoded once per drill title, status and language in each
    worker instead of once per check-in (a template render was a sixth of a
    check-in's CPU, and encoding the card a twentieth). The time ("08:05") needs
    no escaping in JSON, so it goes into the encoded bytes as it is."""
    card = render_to_string(
        "drills/_checkin_result.html",
        {
            "ok": True,
            "drill": {"title": title},
            "status": status,
            "status_label": MyDrillStatus(status).label,
            "status_class": MY_DRILL_STATUS_CLASS[status],
            "scanned_time": _TIME_SLOT,
            "created": created,
        },
    )
    return _json_answer(True, card).encode()


def _json_answer(ok, card):
    """``{"ok": …, "html": <the result card>}``, its Chinese as UTF-8: half the
    bytes of JSON's escapes, and less work."""
    return json.dumps({"ok": ok, "html": card}, ensure_ascii=False)


_CSRF_SLOT = "__shouwang_csrf_token__"
_STAMP_SLOT = "__shouwang_scan_stamp__"
_PATH_SLOT = "__shouwang_full_path__"
_PAGES_MAX = 256
_pages = {}


class _SlotRequest:
    """What the check-in page (base.html) reads of the request: a signed-in user
    and the path, as a slot."""

    class user:  # noqa: N801 - stands for request.user
        is_authenticated = True

    @staticmethod
    def get_full_path():
        return _PATH_SLOT


def _checkin_page(request, drill, stamp):
    """The check-in page: rendered once per drill (as it shows it), language and
    time zone in each worker, with slots for the three things that differ between
    the people scanning: the CSRF token, the scan stamp and the path (the language
    switch's ``next``). Rendering it was two thirds of the page's CPU, and every
    phone in a burst of a thousand opens it before posting. A page with messages
    waiting is rendered normally (they are shown, and so consumed)."""
    if len(messages.get_messages(request)):
        return _private(
            render(request, "drills/checkin.html", {"drill": drill, "stamp": stamp})
        )
    key = (
        get_language(),
        timezone.get_current_timezone_name(),
        drill.pk,
        drill.title,
        drill.drill_type,
        drill.starts_at,
        drill.ends_at,
        drill.location_name,
    )
    page = _pages.get(key)
    if page is None:
        if len(_pages) >= _PAGES_MAX:
            _pages.clear()
        page = _pages[key] = render_to_string(
            "drills/checkin.html",
            {
                "drill": drill,
                "stamp": _STAMP_SLOT,
                "csrf_token": _CSRF_SLOT,
                "request": _SlotRequest,
                "messages": (),
            },
        )
    return _private(
        HttpResponse(
            page.replace(_CSRF_SLOT, checkin_csrf_token(request))
            .replace(_STAMP_SLOT, escape(stamp))
            .replace(_PATH_SLOT, escape(request.get_full_path()))
        )
    )


def _private(response):
    """The page holds this user's scan stamp and CSRF token: no cache (a proxy's,
    or the browser's on a shared phone) may keep it."""
    response["Cache-Control"] = "private, no-store"
    return response


def _refusal(error):
    """What the page says about a refusal: what happened, what to do next, and
    whether the trainee's badge is the way in (a phone that already checked
    someone else in cannot check in its owner's colleague, whatever it scans)."""
    return {
        "ok": False,
        "reason": error.reason.value,
        "message": error.reason.label,
        "next_step": REFUSAL_NEXT_STEP[error.reason],
        "show_badge": error.reason == Refusal.DEVICE_USED,
    }


def _refused(request, error, *, status=400, drill=None):
    _log_refusal(request, error, drill_id=drill.pk if drill else None)
    return _result(request, {**_refusal(error), "drill": drill}, status=status)


def _checked_in(request, attendance, created, fresh_cookie, drill):
    """The success answer; sets this phone's device cookie on its first check-in."""
    scanned_time = timezone.localtime(attendance.scanned_at).strftime("%H:%M")
    if _wants_json(request):
        answer = _success_answer(
            get_language(), drill.title, attendance.status, created
        )
        response = _json_response(
            answer.replace(_TIME_SLOT_BYTES, scanned_time.encode())
        )
    else:
        response = _result(
            request,
            {
                "ok": True,
                "created": created,
                "drill": drill,
                "status": attendance.status,
                "status_label": MyDrillStatus(attendance.status).label,
                "status_class": MY_DRILL_STATUS_CLASS[attendance.status],
                "scanned_time": scanned_time,
            },
        )
    if fresh_cookie:
        response.set_cookie(
            DEVICE_COOKIE,
            fresh_cookie,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


SESSION_SCAN = "shouwang.drills.scan"


def _arrived(request):
    """When the request arrived (cms.middleware), before any cache or database
    call: a slow one must not make the scan late."""
    return getattr(request, "arrived_at", None) or timezone.now()


def _remember_scan(request, token, presented):
    """A scan while logged out: kept in this browser's session (which the login
    keeps), never in the login URL, where it could be copied and forwarded. A
    scan already kept for this token stands (a reload does not move it later); a
    user's own stamp posted after their session ended keeps its user."""
    if tokens.read_stamp(request.session.get(SESSION_SCAN), token) is not None:
        return
    scan = tokens.read_stamp(presented, token)
    if scan is not None and scan.user_id is not None:
        request.session[SESSION_SCAN] = presented
    else:
        request.session[SESSION_SCAN] = tokens.scan_stamp(token, _arrived(request))


def _page_stamp(request, token, presented, user_id):
    """The stamp the check-in page posts: the user's own (from the link, or the
    scan this session made while logged out, now theirs), else a stamp made
    for someone else, passed on for the post to judge, else a scan made now."""
    foreign = None
    for stamp, in_session in (
        (presented, False),
        (request.session.get(SESSION_SCAN), True),
    ):
        scan = tokens.read_stamp(stamp, token)
        if scan is None:
            continue
        if scan.user_id == user_id:
            return stamp
        if scan.user_id is None and in_session:
            return tokens.scan_stamp(token, scan.at, user_id)
        foreign = foreign or stamp
    return foreign or tokens.scan_stamp(token, _arrived(request), user_id)


def _session_user_id(request):
    """The user this session was signed in as, read from the session alone. The
    page's GET needs no more: the post that follows loads and checks the user
    (password changed, account disabled, no trainee record) as every view does."""
    try:
        return get_user_model()._meta.pk.to_python(request.session[SESSION_KEY])
    except (KeyError, ValidationError):
        return None


def _post_reads(request, token, drill_id, presented):
    """(drill, user id, scan) of a check-in post, read from the cache in one round trip
    with the session: the drill, and the user the posted stamp was made for.
    The session still decides who posts (Django's session check runs as on every
    request); a stamp made for someone else only costs a second round trip."""
    keys = [selectors.DRILL_KEY.format(drill_id)]
    scan = tokens.read_stamp(presented, token)
    if scan is not None and scan.user_id is not None:
        keys += user_cache.keys_for(scan.user_id)
    found = read_with_session(request.session, keys)
    drill = selectors.drill_for_checkin(drill_id, prefetched=found)
    with user_cache.prefetched(found):
        user_id = request.user.pk
    return drill, user_id, scan


@without_page_tree
@require_http_methods(["GET", "POST"])
def checkin(request, token):
    """``/c/<token>``. Logged out: the scan is kept in the session and it is on to
    the login page and back, where the scan counts as made then. Logged in: a page
    that posts the check-in (by itself, or by its button) with the user's scan
    stamp."""
    presented = request.POST.get("scan") or request.GET.get("scan")
    try:
        drill_id, _window, _signature = tokens.parse_token(token)
    except tokens.TokenError as error:
        return _refused(request, error)
    scan = None
    if request.method == "GET":
        drill = selectors.drill_for_page(drill_id)
        user_id = _session_user_id(request)
    else:
        drill, user_id, scan = _post_reads(request, token, drill_id, presented)
    if drill is None:
        return _refused(request, tokens.TokenError(Refusal.FORGED))
    if user_id is None:
        _remember_scan(request, token, presented)
        return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
    if request.method == "GET":
        stamp = _page_stamp(request, token, presented, user_id)
        return _checkin_page(request, drill, stamp)
    person = user_person(request.user)
    if person is None:
        return _refused(
            request, services.CheckinRefused(Refusal.NO_PERSON), drill=drill
        )
    device, fresh_cookie = _device(request)
    try:
        attendance, created = services.checkin_by_token(
            token=token,
            person=person,
            stamp=presented,
            scan=scan,
            drill=drill,
            now=_arrived(request),
            device=device,
            location=_location(request.POST),
            **client_meta(request),
        )
    except (tokens.TokenError, services.CheckinRefused) as error:
        return _refused(request, error, status=409, drill=drill)
    return _checked_in(request, attendance, created, fresh_cookie, drill)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_by_code(request):
    """``/c/``: type the six-character code shown under the drill's QR code."""
    if request.method == "GET":
        return render(request, "drills/checkin_code.html", {})
    person = user_person(request.user)
    if person is None:
        return _refused(request, services.CheckinRefused(Refusal.NO_PERSON))
    device, fresh_cookie = _device(request)
    try:
        attendance, created = services.checkin_by_code(
            code=request.POST.get("code", ""),
            person=person,
            device=device,
            location=_location(request.POST),
            **client_meta(request),
        )
    except (tokens.TokenError, services.CheckinRefused) as error:
        _log_refusal(request, error, detail="code")
        return render(
            request,
            "drills/checkin_code.html",
            {**_refusal(error), "code": request.POST.get("code", "")[:12]},
            status=409,
        )
    return _checked_in(request, attendance, created, fresh_cookie, attendance.drill)


def _led_drill(request, pk):
    """A drill the signed-in user may run: its instructors, or anyone who may
    change drills (training managers, site admins)."""
    drill = Drill.objects.filter(pk=pk).first()
    if drill is None:
        raise Http404
    user = request.user
    if not (
        user.has_perm("drills.change_drill")
        or drill.instructors.filter(pk=user.pk).exists()
    ):
        raise PermissionDenied
    return drill


@login_required
@require_GET
def current_token(request, pk):
    """The display page's feed: the current token, its QR code, the text code and
    how long they last, by the server's clock."""
    drill = _led_drill(request, pk)
    now = timezone.now()
    token = tokens.token_for(drill, now)
    url = request.build_absolute_uri(reverse("checkin", args=[token]))
    window = tokens.window_of(drill, now)
    response = JsonResponse(
        {
            "drill": drill.pk,
            "open": drill.checkin_open(now),
            "token": token,
            "url": url,
            "code": tokens.text_code_for(drill, now),
            "svg": str(qr_svg(url, box_size=10)),
            "seconds_left": max(
                (tokens.window_ends(drill, window) - now).total_seconds(), 0
            ),
            "server_time": now.isoformat(),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def attendance_json(request, pk):
    drill = _led_drill(request, pk)
    rows = [
        {
            "id": a.pk,
            "person": a.person_id,
            "name": a.person.name,
            "organisation": a.person.organisation.name,
            "team": a.person.team.name if a.person.team_id else "",
            "status": a.status,
            "method": a.method,
            "scanned_at": a.scanned_at.isoformat(),
            "flags": a.flags,
            "voided": a.voided_at is not None,
        }
        for a in selectors.attendance_of(drill)
    ]
    invited = set(selectors.invited_people(drill).values_list("pk", flat=True))
    expected = len(invited)
    counted = [r for r in rows if not r["voided"]]
    covered = {r["person"] for r in counted if r["status"] != "absent"}
    return JsonResponse(
        {
            "drill": drill.pk,
            "expected": expected,
            "present": sum(r["status"] == "present" for r in counted),
            "late": sum(r["status"] == "late" for r in counted),
            "flagged": sum(bool(r["flags"]) for r in counted),
            "absent": sum(r["status"] == "absent" for r in counted),
            "excused": sum(r["status"] == "excused" for r in counted),
            # Invited and not present, late or excused (the dashboard's list).
            "missing": len(invited - covered),
            # What the dashboard shows: figures that add up, walk-ins apart.
            "figures": selectors.attendance_figures(rows, invited),
            "closed": drill.closed_at is not None,
            "attendance": rows,
        }
    )


@login_required
@require_GET
def display(request, pk):
    """The projector page: the rotating QR code and the text code, fed by
    ``current_token`` every few seconds."""
    drill = _led_drill(request, pk)
    return render(
        request,
        "drills/display.html",
        {
            "drill": drill,
            "token_url": reverse("drill_token", args=[drill.pk]),
            "code_url": request.build_absolute_uri(reverse("checkin_code")),
        },
    )
