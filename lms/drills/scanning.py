"""Scanning with a phone's camera: the trainee's in-app scanner (it reads the drill's
QR code and opens the ``/c/<token>`` link in it), and the instructor's page that
scans trainees' personal badges or marks people by hand.

The instructor's phone keeps every scan in an offline queue (IndexedDB) with its
scan time and sends the queue here in batches when it is online. Each item carries a
random id made by the phone, and the answer names it: the phone forgets only the
items the server answered. An item sent twice makes one attendance (the database
constraint), so resending after a lost answer is safe. The phone's clock is only
trusted as the time of an offline scan: the service caps it at the server's now,
and the drill's check-in window decides.
"""

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms.core.client import client_meta
from lms.drills import selectors, services
from lms.drills.constants import Refusal
from lms.drills.views import _led_drill
from lms.people.models import Person

MAX_BATCH = 200
MAX_BODY_BYTES = 256 * 1024
MAX_ID_LENGTH = 64
MAX_BADGE_LENGTH = 300
SEARCH_LIMIT = 20
# The invited list is sent with the page so that marking by hand works offline.
INVITED_LIMIT = 2000


class BatchError(ValueError):
    """The whole batch is unusable (not JSON, not a list, too long, too big, the
    wrong type). ``status``: the HTTP status that says which."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def _instructor_refusal(reason):
    """What the instructor reads for a refused item; the trainee-facing labels
    speak to the trainee ("You are not on the list")."""
    return {
        Refusal.FORGED: _("This badge was not issued by Shouwang, or it was replaced."),
        Refusal.MALFORMED: _("This item could not be read."),
        Refusal.NOT_OPEN: _("Check-in was not open at the time of the scan."),
        Refusal.NOT_INVITED: _(
            "Not on the list for this drill, and this drill refuses walk-ins."
        ),
    }.get(reason, reason.label)


def _too_large(size):
    return BatchError(
        _("The request is too large (%(size)s KB): send at most %(limit)s KB at once.")
        % {"size": -(-size // 1024), "limit": MAX_BODY_BYTES // 1024},
        status=413,
    )


def batch_from(request):
    """The list of items of a batch request: JSON (415 otherwise), at most
    ``MAX_BODY_BYTES`` (413, judged by Content-Length before the body is read,
    then by the body), then ``parse_batch``."""
    content_type = request.content_type or ""
    if content_type.lower() != "application/json":
        raise BatchError(
            _("Send the check-ins as JSON (Content-Type: application/json)."),
            status=415,
        )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _too_large(declared)
    return parse_batch(request.body)


def parse_batch(body):
    """The list of items in a request body, or BatchError with a message for the
    instructor. Items themselves are checked one by one (``_parse_item``), so that
    one bad item does not hold up the rest of the queue."""
    if len(body) > MAX_BODY_BYTES:
        raise _too_large(len(body))
    try:
        items = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BatchError(_("The request is not valid JSON.")) from None
    except RecursionError:
        # Thousands of nested brackets: the parser gives up before its end.
        raise BatchError(
            _("The request is nested too deeply: send a flat JSON list of check-ins.")
        ) from None
    if not isinstance(items, list):
        raise BatchError(_("Send a JSON list of check-ins."))
    if not items:
        raise BatchError(_("The list of check-ins is empty."))
    if len(items) > MAX_BATCH:
        raise BatchError(
            _("Too much at once: send at most %(n)d items.") % {"n": MAX_BATCH}
        )
    return items


def _person_ids(items):
    """The person ids a batch names, in the database's range."""
    return {
        person
        for item in items
        if isinstance(item, dict)
        and type(person := item.get("person")) is int
        and 0 < person < 2**63
    }


def _people_of(items):
    """The people a batch names, read in one query: {pk: Person}."""
    ids = _person_ids(items)
    if not ids:
        return {}
    return Person.objects.select_related("organisation", "team").in_bulk(ids)


def _parse_item(item, people):
    """(id, fields for ``checkin_by_instructor``) or (id, None) when unusable.
    ``people`` are the batch's people by pk (``_people_of``)."""
    if not isinstance(item, dict):
        return None, None
    item_id = item.get("id")
    if not isinstance(item_id, str) or not 0 < len(item_id) <= MAX_ID_LENGTH:
        return None, None
    fields = {}
    badge, person = item.get("badge"), item.get("person")
    if (badge is None) == (person is None):
        return item_id, None
    if badge is not None:
        if not isinstance(badge, str) or len(badge) > MAX_BADGE_LENGTH:
            return item_id, None
        fields["badge"] = badge
    else:
        if isinstance(person, bool) or not isinstance(person, int):
            return item_id, None
        fields["person"] = people.get(person)
        if fields["person"] is None:
            return item_id, None
    scanned_at = item.get("scanned_at")
    if scanned_at is not None:
        try:
            parsed = parse_datetime(scanned_at) if isinstance(scanned_at, str) else None
        except ValueError:  # the right shape, impossible values (2026-02-30)
            parsed = None
        if parsed is None or timezone.is_naive(parsed):
            return item_id, None
        fields["scanned_at"] = parsed
    return item_id, fields


def checkin_item(request, drill, item, people=None):
    """Check in one queued item; the result the phone shows for it. ``people``:
    the batch's people by pk, read once for the whole batch."""
    if people is None:
        people = _people_of([item])
    item_id, fields = _parse_item(item, people)
    result = {"id": item_id, "ok": False, "created": False, "name": ""}
    if fields is None:
        reason = Refusal.MALFORMED
    else:
        if fields.get("person") is not None:
            result["name"] = fields["person"].name
        try:
            attendance, created = services.checkin_by_instructor(
                drill=drill, actor=request.user, **fields
            )
        except services.CheckinRefused as error:
            reason = error.reason
        else:
            local = timezone.localtime(attendance.scanned_at)
            message = attendance.get_status_display()
            if not created and attendance.counts:
                message = _("Already checked in at %(time)s.") % {
                    "time": formats.time_format(local, "H:i")
                }
            elif not created:
                # Marked absent when check-in closed (or excused) before this
                # queued scan arrived: the dashboard changes it, not a late sync.
                message = _("Already recorded as: %(status)s.") % {"status": message}
            result.update(
                ok=attendance.counts,
                created=created,
                name=attendance.person.name,
                status=attendance.status,
                message=message,
            )
            return result
    services.refusal_log(
        reason=reason,
        drill_id=drill.pk,
        user=request.user,
        detail="badge" if fields and "badge" in fields else "manual",
        **client_meta(request),
    )
    result.update(status=reason.value, message=_instructor_refusal(reason))
    return result


@login_required
@require_GET
def scanner(request):
    """``/drills/scan/``: the trainee's scanner for the QR code on the display."""
    return render(
        request,
        "drills/scanner.html",
        {"code_url": reverse("checkin_code")},
    )


def _person_row(person):
    return {
        "id": person.pk,
        "name": person.name,
        "organisation": person.organisation.name,
        "phone": person.phone[-4:] if person.phone else "",
    }


@login_required
@require_GET
def instructor_scan(request, pk):
    """``/drills/<pk>/scan/``: scan badges, or mark people from the list."""
    drill = _led_drill(request, pk)
    invited = (
        selectors.invited_people(drill)
        .select_related("organisation")
        .order_by("name", "pk")[:INVITED_LIMIT]
    )
    done = set(
        selectors.attendance_of(drill)
        .filter(voided_at__isnull=True)
        .values_list("person_id", flat=True)
    )
    return render(
        request,
        "drills/instructor_scan.html",
        {
            "drill": drill,
            "people": [dict(_person_row(p), done=p.pk in done) for p in invited],
            "checkins_url": reverse("drill_checkins", args=[drill.pk]),
            "search_url": reverse("drill_people_search", args=[drill.pk]),
            "max_batch": MAX_BATCH,
        },
    )


@login_required
@require_GET
def people_search(request, pk):
    """Anyone, invited or not, by name or the last four digits of their phone."""
    _led_drill(request, pk)
    query = request.GET.get("q", "").strip()[:60]
    if len(query) < 2:
        return JsonResponse({"people": []})
    match = Q(name__icontains=query)
    if query.isdigit() and len(query) == 4:
        match |= Q(phone__endswith=query)
    people = Person.objects.select_related("organisation").filter(match)
    return JsonResponse(
        {"people": [_person_row(p) for p in people.order_by("name")[:SEARCH_LIMIT]]}
    )


@login_required
@require_POST
def checkins(request, pk):
    """``POST /drills/<pk>/checkins/``: a batch from the instructor's offline
    queue. Answers every item it could read an id from."""
    drill = _led_drill(request, pk)
    try:
        items = batch_from(request)
    except BatchError as error:
        return JsonResponse({"error": str(error)}, status=error.status)
    people = _people_of(items)
    results = [checkin_item(request, drill, item, people) for item in items]
    return JsonResponse({"results": results})
