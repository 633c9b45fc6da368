"""Writes: assigning people to points, ending assignments, setting needs and
locations. Each checks the actor's scope (lms/points/scope.py), runs in a
transaction and writes Wagtail's audit log, like the other apps' services.
``actor`` None means the command line (an operator with shell access)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.people.constants import OrganisationKind
from lms.people.selectors import manages_everyone
from lms.points import scope
from lms.points.constants import AssignmentEnd, AuditAction
from lms.points.models import PointAssignment, PointNeed, PointSite


def _check_point(point):
    if point.kind != OrganisationKind.CO_GOVERNANCE_POINT:
        raise ValidationError(
            _("“%(name)s” is not a co-governance point.") % {"name": point.name}
        )


def may_assign(actor, *, person, point):
    """Whether ``actor`` may assign ``person`` to ``point`` (or end it)."""
    if actor is None:
        return True
    return (
        scope.points_assignable_by(actor).filter(pk=point.pk).exists()
        and scope.people_assignable_by(actor).filter(pk=person.pk).exists()
    )


@transaction.atomic
def assignment_create(*, person, point, post, valid_from, valid_until=None, actor=None):
    """Assign ``person`` to ``point`` on ``post`` from ``valid_from`` (until
    ``valid_until``, inclusive, or further notice)."""
    _check_point(point)
    if not may_assign(actor, person=person, point=point):
        raise PermissionDenied(_("You may not assign this person to this point."))
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(_("The end date is before the start date."))
    assignment, created = PointAssignment.objects.get_or_create(
        person=person,
        point=point,
        post=post,
        valid_from=valid_from,
        defaults={"valid_until": valid_until, "created_by": actor},
    )
    if not created and assignment.valid_until != valid_until:
        assignment.valid_until = valid_until
        assignment.save(update_fields=["valid_until"])
    log(
        point,
        AuditAction.ASSIGN,
        user=actor,
        data={
            "assignment": assignment.pk,
            "person": person.pk,
            "post": post.code,
            "from": valid_from.isoformat(),
            "until": valid_until.isoformat() if valid_until else None,
        },
    )
    return assignment


@transaction.atomic
def assignment_end(*, assignment, last_day, reason=AssignmentEnd.OTHER, actor=None):
    """End an assignment after ``last_day``. Assignments are records: ended with a
    reason, never deleted. One that had not started yet ends the day it would
    have started (it then never counted)."""
    assignment = PointAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not may_assign(actor, person=assignment.person, point=assignment.point):
        raise PermissionDenied(_("You may not change this assignment."))
    if reason not in AssignmentEnd.values:
        raise ValidationError(_("Choose why the assignment ends."))
    last_day = max(last_day, assignment.valid_from)
    if assignment.valid_until is not None and assignment.valid_until <= last_day:
        return assignment
    assignment.valid_until = last_day
    assignment.end_reason = reason
    assignment.save(update_fields=["valid_until", "end_reason"])
    log(
        assignment.point,
        AuditAction.END,
        user=actor,
        data={
            "assignment": assignment.pk,
            "person": assignment.person_id,
            "until": last_day.isoformat(),
            "reason": reason,
        },
    )
    return assignment


def _may_define(actor, point=None):
    if actor is None or manages_everyone(actor):
        return True
    if point is None:
        return False
    station_points = scope.points_assignable_by(actor)
    return (
        scope._station_of(actor) is not None
        and station_points.filter(pk=point.pk).exists()
    )


@transaction.atomic
def need_set(*, post, guards, category="", point=None, actor=None):
    """How many deployable guards ``post`` needs at every point of ``category``
    (site admins) or at ``point`` (its station's staff too)."""
    if point is not None:
        _check_point(point)
    if not _may_define(actor, point):
        raise PermissionDenied(_("You may not set what this point needs."))
    need, _created = PointNeed.objects.update_or_create(
        category="" if point else category,
        point=point,
        post=post,
        defaults={"guards": guards},
    )
    log(
        point or post,
        AuditAction.NEED_SET,
        user=actor,
        data={"category": category, "post": post.code, "guards": guards},
    )
    return need


@transaction.atomic
def site_set(*, point, latitude, longitude, actor=None):
    """Where ``point`` is (WGS-84/CGCS2000 degrees)."""
    _check_point(point)
    if not _may_define(actor, point):
        raise PermissionDenied(_("You may not move this point."))
    site, _created = PointSite.objects.update_or_create(
        point=point, defaults={"latitude": latitude, "longitude": longitude}
    )
    site.full_clean()
    log(
        point,
        AuditAction.SITE_SET,
        user=actor,
        data={"latitude": str(latitude), "longitude": str(longitude)},
    )
    return site
