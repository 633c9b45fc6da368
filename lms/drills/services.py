"""Check-in and the other writes on attendance. One attendance per person and
drill is a database constraint, so simultaneous scans make one row."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.core import events, fast_insert
from lms.drills import selectors, tokens
from lms.drills.constants import (
    SELF_METHODS,
    AttendanceStatus,
    CheckinMethod,
    Flag,
    Refusal,
    WalkIns,
)
from lms.drills.models import Attendance, CheckinLog


class CheckinRefused(Exception):
    def __init__(self, reason, drill=None):
        super().__init__(reason)
        self.reason = Refusal(reason)
        self.drill = drill

    @property
    def message(self):
        return self.reason.label


def refusal_log(*, reason, drill_id=None, user=None, detail="", ip=None, user_agent=""):
    CheckinLog.objects.create(
        drill_id=drill_id,
        user=user if user is not None and user.is_authenticated else None,
        reason=reason,
        detail=detail[:200],
        ip=ip,
        user_agent=user_agent[:300],
    )


def _coarse(value):
    # About 100 m: enough to flag a check-in far from the drill, no more.
    return Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def attendance_record(
    *,
    drill,
    person,
    method,
    scanned_at,
    recorded_by=None,
    device="",
    ip=None,
    user_agent="",
    location=None,
):
    """Record that ``person`` came to ``drill`` at ``scanned_at``. Returns
    (attendance, created); a second check-in returns the first one. Raises
    CheckinRefused when check-in was not open at ``scanned_at``, the person is not
    invited and the drill refuses walk-ins, or this phone already checked in
    someone else. One INSERT when all is well."""
    if not drill.checkin_open(scanned_at):
        raise CheckinRefused(Refusal.NOT_OPEN, drill)
    flags = []
    if not selectors.is_invited(drill, person):
        if drill.walk_ins == WalkIns.REFUSE:
            raise CheckinRefused(Refusal.NOT_INVITED, drill)
        flags.append(Flag.WALK_IN.value)
    latitude = longitude = distance = None
    if location and drill.latitude is not None and drill.longitude is not None:
        latitude, longitude = _coarse(location[0]), _coarse(location[1])
        distance = selectors.distance_m(
            drill.latitude, drill.longitude, location[0], location[1]
        )
        if distance > drill.radius_m:
            flags.append(Flag.OUTSIDE_AREA.value)
    status = (
        AttendanceStatus.LATE
        if scanned_at > drill.late_at
        else AttendanceStatus.PRESENT
    )
    attendance = Attendance(
        drill=drill,
        person=person,
        status=status,
        method=method,
        scanned_at=scanned_at,
        recorded_by=recorded_by,
        device=device if method in SELF_METHODS else "",
        ip=ip,
        user_agent=(user_agent or "")[:300],
        latitude=latitude,
        longitude=longitude,
        distance_m=distance,
        flags=flags,
    )
    try:
        if transaction.get_connection().in_atomic_block:
            # Inside a caller's transaction a failed INSERT must not break it.
            with transaction.atomic():
                fast_insert.insert(attendance)
        else:
            # On its own, one INSERT is its own transaction: no BEGIN/COMMIT
            # round trips on the busiest path (a burst of a thousand scans).
            fast_insert.insert(attendance)
    except IntegrityError:
        existing = Attendance.objects.filter(drill=drill, person=person).first()
        if existing is not None:
            return existing, False
        # Not this person's row: the phone's one check-in at this drill is taken.
        raise CheckinRefused(Refusal.DEVICE_USED, drill) from None
    return attendance, True


def checkin_by_token(
    *, token, person, stamp=None, scan=None, drill=None, now=None, **record
):
    """A trainee's own check-in from the QR code's token (the ``/c/<token>`` page).
    ``stamp`` is the scan stamp the page posted: it gives the check-in its scan
    time only if it was made for this person's user. Anyone else's stamp (a
    forwarded link, a page left open by the previous person on this phone) counts
    as a scan made now, which is refused with ``NOT_YOUR_SCAN`` once the code has
    changed. ``drill``: the caller's ``drill_for_checkin`` of the token's drill,
    if it has it. ``scan``: the caller's ``tokens.read_stamp(stamp, token)``, so
    that the post verifies the stamp's signature once (None: read here). ``now``:
    when the request arrived, taken before any cache or database call, so that a
    slow one does not make the scan late."""
    now = now or timezone.now()
    drill_id, window, signature = tokens.parse_token(token)
    if drill is None or drill.pk != drill_id:
        drill = selectors.drill_for_checkin(drill_id)
    if drill is None:
        raise tokens.TokenError(Refusal.FORGED)
    if scan is None:
        scan = tokens.read_stamp(stamp, token)
    own = scan is not None and scan.user_id is not None
    own = own and scan.user_id == person.user_id
    at = scan.at if own else now
    try:
        tokens.check_token(drill, window, signature, at)
    except tokens.TokenError as error:
        if scan is not None and not own and error.reason == Refusal.EXPIRED:
            raise tokens.TokenError(Refusal.NOT_YOUR_SCAN, drill.pk) from None
        raise
    return attendance_record(
        drill=drill, person=person, method=CheckinMethod.QR, scanned_at=at, **record
    )


def checkin_by_code(*, code, person, **record):
    """A trainee typed the six-character code shown under the QR code. A code of
    the wrong length is refused as such (``CODE_SHORT``); one that matches no open
    drill's current or previous code as ``CODE_WRONG``: mistyped and changed look
    alike, and either way the answer is the code on the screen now."""
    code = tokens.normalise_code(code)
    if len(code) != tokens.CODE_LENGTH:
        raise tokens.TokenError(Refusal.CODE_SHORT)
    at = timezone.now()
    for drill in selectors.drills_for_code(at):
        if tokens.code_matches(drill, code, at):
            drill = selectors.drill_for_checkin(drill.pk)
            return attendance_record(
                drill=drill,
                person=person,
                method=CheckinMethod.CODE,
                scanned_at=at,
                **record,
            )
    raise tokens.TokenError(Refusal.CODE_WRONG)


def drill_close(*, drill, actor, at=None):
    """Close check-in; everyone invited who did not come is marked absent (one
    bulk INSERT that skips people already recorded). Returns how many."""
    at = at or timezone.now()
    with transaction.atomic():
        drill.closed_at = min(at, drill.ends_at) if at > drill.starts_at else at
        drill.closed_by = actor
        drill.save(update_fields=["closed_at", "closed_by"])
        present = Attendance.objects.filter(drill=drill).values("person_id")
        absent = selectors.invited_people(drill).exclude(pk__in=present)
        rows = [
            Attendance(
                drill=drill,
                person=person,
                status=AttendanceStatus.ABSENT,
                method=CheckinMethod.CLOSING,
                scanned_at=at,
                recorded_by=actor,
            )
            for person in absent
        ]
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)
        events.result_announce(
            sender="drills",
            person_ids=Attendance.objects.filter(
                drill=drill,
                voided_at__isnull=True,
                status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE),
            ).values_list("person_id", flat=True),
        )
    return len(rows)


def attendance_void(*, attendance, actor, reason, at=None):
    """Void a check-in (a proxy scan, a mistake): kept, with who and why."""
    if not reason.strip():
        raise ValueError("a reason is required")
    attendance.voided_at = at or timezone.now()
    attendance.voided_by = actor
    attendance.void_reason = reason.strip()[:200]
    attendance.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return attendance


def attendance_excuse(*, drill, person, actor, reason):
    """Mark someone excused (sick, on duty elsewhere), with a reason."""
    if not reason.strip():
        raise ValueError("a reason is required")
    attendance, _created = Attendance.objects.update_or_create(
        drill=drill,
        person=person,
        defaults={
            "status": AttendanceStatus.EXCUSED,
            "method": CheckinMethod.MANUAL,
            "scanned_at": timezone.now(),
            "recorded_by": actor,
            "note": reason.strip()[:200],
        },
    )
    return attendance


def checkin_by_instructor(
    *, drill, actor, person=None, badge=None, scanned_at=None, method=None
):
    """An instructor checks someone in: by scanning their badge (``badge``, the
    token in the personal QR code) or by picking them from the list (``person``).
    ``scanned_at`` is the scan time kept by the instructor's phone while it was
    offline; it must not be in the future. Returns (attendance, created)."""
    from lms.people.services.badges import person_from_badge_token

    now = timezone.now()
    at = min(scanned_at or now, now)
    if badge is not None:
        person = person_from_badge_token(badge)
        if person is None:
            raise CheckinRefused(Refusal.FORGED, drill)
        method = method or CheckinMethod.BADGE
    if person is None:
        raise CheckinRefused(Refusal.MALFORMED, drill)
    return attendance_record(
        drill=drill,
        person=person,
        method=method or CheckinMethod.MANUAL,
        scanned_at=at,
        recorded_by=actor,
    )


def skill_result_record(*, attendance, item, passed, actor):
    """Record whether the person at ``attendance`` showed the skill ``item``; a
    second assessment of the same pair replaces the first (one row, by
    constraint). Only present people, and only skills of the drill's type."""
    if not attendance.counts:
        raise ValueError("only people present at the drill are assessed")
    if item.drill_type != attendance.drill.drill_type:
        raise ValueError("this skill is not checked at this type of drill")
    from lms.drills.models import SkillResult

    result, _created = SkillResult.objects.update_or_create(
        attendance=attendance,
        item=item,
        defaults={"passed": bool(passed), "assessed_by": actor},
    )
    return result


def skill_results_record(*, attendance, results, actor):
    """Several skills of one person at once (one form on the instructor's phone):
    ``results`` maps SkillItem to passed; all or none are saved."""
    with transaction.atomic():
        saved = [
            skill_result_record(
                attendance=attendance, item=item, passed=passed, actor=actor
            )
            for item, passed in results.items()
        ]
        if attendance.drill.closed_at is not None:
            # A drill passed after its close: the rules may now be met.
            events.result_announce(sender="drills", person_ids=[attendance.person_id])
    return saved
