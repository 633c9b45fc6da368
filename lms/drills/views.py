"""Check-in pages (the public ``/c/<token>`` link in every drill QR code, and ``/c/``
to type the text code) and the instructor's JSON feeds. A GET never changes state:
the page posts the check-in itself, and has a button for phones without JavaScript.
"""

import secrets
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.signing import BadSignature, Signer
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateformat import time_format
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from cms.client import client_meta
from cms.qr import qr_svg
from cms.site_cache import without_page_tree
from lms.drills import selectors, services, tokens
from lms.drills.constants import AttendanceStatus, Refusal
from lms.drills.models import Drill
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
    the answer into the page it shows; without JavaScript the form gets a page."""
    return request.headers.get("Accept", "").startswith("application/json")


def _result(request, context, status=200, card=None):
    """The outcome of a check-in: the result page, or for the page's script
    ``{"ok": …, "html": <the result card>}`` (no page shell to render and send
    over a weak signal)."""
    if _wants_json(request):
        if card is None:
            card = render_to_string("drills/_checkin_result.html", context)
        return JsonResponse({"ok": context["ok"], "html": card}, status=status)
    return render(request, "drills/checkin_result.html", context, status=status)


_TIME_SLOT = "__shouwang_scan_time__"


@lru_cache(maxsize=512)
def _success_card(language, title, status, created):
    """The success card with a slot for the time, the one part that differs between
    the people checking in to a drill: rendered once per drill title, status and
    language in each worker instead of once per check-in (a template render was
    a sixth of a check-in's CPU)."""
    return render_to_string(
        "drills/_checkin_result.html",
        {
            "ok": True,
            "drill": {"title": title},
            "status": status,
            "status_label": AttendanceStatus(status).label,
            "scanned_time": _TIME_SLOT,
            "created": created,
        },
    )


def _refused(request, error, *, status=400, drill=None):
    _log_refusal(request, error, drill_id=drill.pk if drill else None)
    return _result(
        request,
        {"ok": False, "message": error.reason.label, "drill": drill},
        status=status,
    )


def _checked_in(request, attendance, created, fresh_cookie, drill):
    """The success answer; sets this phone's device cookie on its first check-in."""
    scanned_time = time_format(timezone.localtime(attendance.scanned_at), "H:i")
    card = None
    if _wants_json(request):
        card = _success_card(
            get_language(), drill.title, attendance.status, created
        ).replace(_TIME_SLOT, scanned_time)
    response = _result(
        request,
        {
            "ok": True,
            "created": created,
            "drill": drill,
            "status": attendance.status,
            "status_label": AttendanceStatus(attendance.status).label,
            "scanned_time": scanned_time,
        },
        card=card,
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


@without_page_tree
@require_http_methods(["GET", "POST"])
def checkin(request, token):
    """``/c/<token>``. Logged out: on to the login page, carrying a signed scan time
    so that the scan counts as made now. Logged in: a page that posts the check-in
    (by itself, or by its button)."""
    stamp = request.POST.get("scan") or request.GET.get("scan")
    scanned_at = tokens.scan_time_from(stamp, token)
    try:
        drill_id, _window, _signature = tokens.parse_token(token)
    except tokens.TokenError as error:
        return _refused(request, error)
    drill = selectors.drill_for_checkin(drill_id)
    if drill is None:
        return _refused(request, tokens.TokenError(Refusal.FORGED))
    if scanned_at is None:
        # When the request arrived (cms.middleware), before any cache or database
        # call: a slow one must not make the scan late.
        scanned_at = getattr(request, "arrived_at", None) or timezone.now()
        stamp = tokens.scan_stamp(token, scanned_at)
    if not request.user.is_authenticated:
        here = f"{request.path}?{urlencode({'scan': stamp})}"
        return redirect(f"{reverse('login')}?{urlencode({'next': here})}")
    person = user_person(request.user)
    if person is None:
        return _refused(
            request, services.CheckinRefused(Refusal.NO_PERSON), drill=drill
        )
    if request.method == "GET":
        return render(
            request,
            "drills/checkin.html",
            {"drill": drill, "token": token, "stamp": stamp},
        )
    device, fresh_cookie = _device(request)
    try:
        attendance, created = services.checkin_by_token(
            token=token,
            person=person,
            scanned_at=scanned_at,
            drill=drill,
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
            {"error": error.reason.label, "code": request.POST.get("code", "")[:6]},
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
