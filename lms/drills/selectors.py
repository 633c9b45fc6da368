"""Reads for drills. The check-in path reads the drill and who is invited from the
shared cache (``drill_for_checkin``), so that a check-in costs one INSERT besides
the session and user every signed-in request reads."""

from math import asin, cos, radians, sin, sqrt

from django.core.cache import cache
from django.db.models import Q

from lms.drills.models import Attendance, Drill

DRILL_KEY = "shouwang:drill:{}"
DRILL_TIMEOUT = 10 * 60


def drill_for_checkin(pk):
    """The drill with ``invited`` = (person ids, organisation ids, team ids), from
    the cache; ``drill_forget`` drops it when the drill or its invitations change."""
    key = DRILL_KEY.format(pk)
    drill = cache.get(key)
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


def drill_forget(sender=None, instance=None, **kwargs):
    if isinstance(instance, Drill):
        cache.delete(DRILL_KEY.format(instance.pk))


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
