"""Reads for drills. The check-in path reads the drill and who is invited from the
shared cache (``drill_for_checkin``), so that a check-in costs one INSERT besides
the session and user every signed-in request reads."""

import time
from math import asin, cos, radians, sin, sqrt

from django.core.cache import cache
from django.db.models import Q

from lms.drills.models import Attendance, Drill

DRILL_KEY = "shouwang:drill:{}"
DRILL_TIMEOUT = 10 * 60


def drill_for_checkin(pk, *, prefetched=None):
    """The drill with ``invited`` = (person ids, organisation ids, team ids), from
    the cache; ``drill_forget`` drops it when the drill or its invitations change.
    ``prefetched``: a ``get_many`` answer that asked for ``DRILL_KEY`` of ``pk``
    (read with other entries in one round trip)."""
    key = DRILL_KEY.format(pk)
    drill = cache.get(key) if prefetched is None else prefetched.get(key)
    if drill is None:
        drill = Drill.objects.filter(pk=pk).first()
        if drill is None:
            return None
        drill.invited = (
            frozenset(drill.people.values_list("pk", flat=True)),
            frozenset(drill.organisations.values_list("pk", flat=True)),
            frozenset(drill.teams.values_list("pk", flat=True)),
        )
        cache.set(key, drill, DRILL_TIMEOUT)
    return drill


PAGE_DRILL_SECONDS = 10
_PAGE_DRILLS_MAX = 256
_page_drills = {}


def drill_for_page(pk):
    """The drill as the check-in page shows it (title, type, time, place), kept in
    this worker for ``PAGE_DRILL_SECONDS``: a burst of a thousand phones opens
    the same page at once. Another worker shows an edited drill up to that late
    on the page; the post, which decides, always reads ``drill_for_checkin``."""
    now = time.monotonic()
    kept = _page_drills.get(pk)
    if kept is not None and kept[0] > now:
        return kept[1]
    drill = drill_for_checkin(pk)
    if drill is not None:
        if len(_page_drills) >= _PAGE_DRILLS_MAX:
            _page_drills.clear()
        _page_drills[pk] = (now + PAGE_DRILL_SECONDS, drill)
    return drill


def drill_forget(sender=None, instance=None, **kwargs):
    if isinstance(instance, Drill):
        cache.delete(DRILL_KEY.format(instance.pk))
        _page_drills.pop(instance.pk, None)


def is_invited(drill, person):
    invited = getattr(drill, "invited", None)
    if invited is None:  # a drill read from the database, not the cache
        invited = drill_for_checkin(drill.pk).invited
    people, organisations, teams = invited
    return (
        person.pk in people
        or person.organisation_id in organisations
        or (person.team_id is not None and person.team_id in teams)
    )


def invited_people(drill):
    from lms.people.models import Person

    return Person.objects.filter(
        Q(pk__in=drill.people.values("pk"))
        | Q(organisation__in=drill.organisations.values("pk"))
        | Q(team__in=drill.teams.values("pk"))
    )


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(radians, map(float, (lat1, lon1, lat2, lon2)))
    a = (
        sin((lat2 - lat1) / 2) ** 2
        + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    )
    return int(2 * 6_371_000 * asin(sqrt(a)))


def attendance_of(drill):
    return (
        Attendance.objects.filter(drill=drill)
        .select_related("person", "person__organisation", "person__team")
        .order_by("scanned_at")
    )


def drills_for_code(at):
    """Drills whose check-in is open at ``at`` (few at any moment): a typed text
    code is checked against each."""
    from datetime import timedelta

    return [
        drill
        for drill in Drill.objects.filter(
            closed_at__isnull=True,
            ends_at__gt=at,
            starts_at__lt=at + timedelta(hours=6),
        )
        if drill.checkin_open(at)
    ]


def missing_people(drill):
    """Invited people not (or no longer) counted at the drill: no check-in, absent,
    or a voided check-in; excused people are not missing."""
    from lms.drills.constants import AttendanceStatus

    covered = Attendance.objects.filter(
        drill=drill,
        voided_at__isnull=True,
        status__in=[
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
            AttendanceStatus.EXCUSED,
        ],
    ).values("person_id")
    return (
        invited_people(drill)
        .exclude(pk__in=covered)
        .select_related("organisation", "team")
        .order_by("organisation__name", "name")
    )


def attendance_figures(rows, invited):
    """The dashboard's figures from a drill's attendance ``rows`` (dicts with
    ``person``, ``status`` and ``voided``) and the ids of the people ``invited``.
    The first four add up: expected = attended + excused + missing, where
    attended (present or late, of which ``late``) and excused count invited
    people only. People who were not invited and came are ``walk_ins``, apart:
    they were never expected, so they can neither fill nor exceed the expected
    figure."""
    from lms.drills.constants import AttendanceStatus

    status = {row["person"]: row["status"] for row in rows if not row["voided"]}
    came = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
    attended = {p for p in invited if status.get(p) in came}
    excused = {p for p in invited if status.get(p) == AttendanceStatus.EXCUSED}
    return {
        "expected": len(invited),
        "attended": len(attended),
        "late": sum(status[p] == AttendanceStatus.LATE for p in attended),
        "excused": len(excused),
        "missing": len(invited) - len(attended) - len(excused),
        "walk_ins": sum(s in came for p, s in status.items() if p not in invited),
    }


def dashboard_of(drill):
    """What the instructor's dashboard lists, in two queries: the flagged check-ins
    (not voided) and the missing people."""
    flagged = attendance_of(drill).filter(voided_at__isnull=True).exclude(flags=[])
    return {"flagged": list(flagged), "missing": list(missing_people(drill))}


def present_attendance_of(drill):
    """Present and late check-ins, not voided, with their skill results (two
    queries), for the skill assessment."""
    from lms.drills.constants import AttendanceStatus

    return list(
        attendance_of(drill)
        .filter(
            voided_at__isnull=True,
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE],
        )
        .prefetch_related("skill_results")
        .order_by("person__name", "pk")
    )


def skill_items_for(drill):
    from lms.drills.models import SkillItem

    return list(SkillItem.objects.filter(drill_type=drill.drill_type))


def drill_passed(attendance, items=None):
    """True when the person passed every required skill of the drill's type (and
    was present). ``items`` (the drill type's SkillItems) and prefetched
    ``skill_results`` avoid queries when listing many people."""
    if not attendance.counts:
        return False
    if items is None:
        items = skill_items_for(attendance.drill)
    required = {item.pk for item in items if item.required}
    passed = {r.item_id for r in attendance.skill_results.all() if r.passed}
    return required <= passed


class MyDrills(list):
    """The trainee's home section: drills as items that render with their own
    template, and the practical hours attended this year."""

    summary_template = "drills/includes/my_drills_summary.html"

    def __init__(self, items, hours_this_year):
        super().__init__(items)
        self.hours_this_year = hours_this_year


class MyDrillItem:
    """One of the trainee's drills with their own attendance (or None) and, from
    both and the time ``at``, where they stand (MyDrillStatus)."""

    template = "drills/includes/my_drill_item.html"

    def __init__(self, drill, attendance=None, at=None):
        self.drill = drill
        self.attendance = attendance
        self.at = at

    @property
    def hours(self):
        if self.attendance is not None and self.attendance.counts:
            return self.drill.practical_hours
        return None

    @property
    def status(self):
        return my_drill_status(self.drill, self.attendance, self.at)

    @property
    def status_class(self):
        from lms.drills.constants import MY_DRILL_STATUS_CLASS

        return MY_DRILL_STATUS_CLASS[self.status]

    def __str__(self):
        return self.drill.title


def my_drill_status(drill, attendance, at=None):
    """The trainee's own status at ``drill``: their attendance's (checked in, late,
    absent, excused) when they have one that is not voided, else what the time
    says: upcoming, check in now (check-in is open) or not checked in (it has
    closed)."""
    from django.utils import timezone

    from lms.drills.constants import MyDrillStatus

    if attendance is not None and attendance.voided_at is None:
        return MyDrillStatus(attendance.status)
    at = at or timezone.now()
    if drill.checkin_open(at):
        return MyDrillStatus.OPEN
    if at < drill.checkin_opens_at:
        return MyDrillStatus.UPCOMING
    return MyDrillStatus.NOT_CHECKED_IN


def drills_for(person, *, at=None, attended_limit=10):
    """The trainee's drills, each with their own status: upcoming ones they are
    invited to (soonest first), then the ones they have a record at from the last
    twelve months (latest first; attended, late, absent or excused), and the
    practical hours attended this calendar year. Two queries whatever the
    numbers (a year's attendance is a few dozen rows at most)."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    at = at or timezone.now()
    if person is None:
        return MyDrills([], Decimal(0))
    invited = Q(people=person) | Q(organisations=person.organisation_id)
    if person.team_id is not None:
        invited |= Q(teams=person.team_id)
    upcoming_ids = (
        Drill.objects.filter(invited, ends_at__gt=at, closed_at__isnull=True)
        .order_by()
        .values("pk")
        .distinct()
    )
    upcoming = list(
        Drill.objects.filter(pk__in=upcoming_ids).order_by("starts_at")[:10]
    )
    local = timezone.localtime(at)
    year_start = local.replace(
        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    # Every record of theirs at an upcoming drill (a check-in there must show)
    # and at the drills of the last twelve months.
    records = list(
        Attendance.objects.filter(person=person, voided_at__isnull=True)
        .filter(
            Q(drill__in=[drill.pk for drill in upcoming])
            | Q(drill__starts_at__gte=min(year_start, at - timedelta(days=366)))
        )
        .select_related("drill")
        .order_by("-drill__starts_at")
    )
    hours = sum(
        (
            a.drill.practical_hours
            for a in records
            if a.counts and year_start <= a.drill.starts_at
        ),
        Decimal(0),
    )
    by_drill = {a.drill_id: a for a in records}
    items = [MyDrillItem(drill, by_drill.get(drill.pk), at) for drill in upcoming]
    seen = {drill.pk for drill in upcoming}
    past = [a for a in records if a.drill_id not in seen]
    items += [MyDrillItem(a.drill, a, at) for a in past[:attended_limit]]
    return MyDrills(items, hours)


def attendance_visible_to(
    user, *, station=None, organisation=None, team=None, date_from=None, date_to=None
):
    """Attendance of the people ``user`` may see (lms.people scoping), filtered by
    the report's choices; ``date_from`` and ``date_to`` are the drill's local
    dates, both included."""
    from lms.people.selectors import people_visible_to

    attendances = Attendance.objects.filter(
        person__in=people_visible_to(user).values("pk")
    )
    if station is not None:
        attendances = attendances.filter(
            Q(person__organisation__supervising_station=station)
            | Q(person__organisation=station)
        )
    if organisation is not None:
        attendances = attendances.filter(person__organisation=organisation)
    if team is not None:
        attendances = attendances.filter(person__team=team)
    if date_from is not None:
        attendances = attendances.filter(drill__starts_at__date__gte=date_from)
    if date_to is not None:
        attendances = attendances.filter(drill__starts_at__date__lte=date_to)
    return attendances
