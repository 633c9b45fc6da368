"""Writes: assigning people to points, ending assignments, setting and removing
needs, placing points. Each checks the actor's scope (lms/points/scope.py), runs in a
transaction and writes Wagtail's audit log, like the other apps' services.
``actor`` None means the command line (an operator with shell access)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.people.constants import OrganisationKind, PointCategory
from lms.points import scope
from lms.points.constants import MAX_GUARDS, AssignmentEnd, AuditAction
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
    """Whether ``actor`` sets ``point``'s location and needs or, without a point,
    the needs of a whole category (lms/points/scope.py says who)."""
    if actor is None:
        return True
    if point is None:
        return scope.may_define_categories(actor)
    return scope.points_definable_by(actor).filter(pk=point.pk).exists()


def _need_target(*, category, point):
    """(category, point) as a need stores them: a point's own need has no
    category (it overrides the point's category for its post)."""
    if point is not None:
        _check_point(point)
        return "", point
    if category not in PointCategory.values:
        raise ValidationError(_("Choose a point category (A to D) or a point."))
    return category, None


def _check_guards(guards):
    if (
        isinstance(guards, bool)
        or not isinstance(guards, int)
        or not 0 <= guards <= MAX_GUARDS
    ):
        raise ValidationError(
            _("A need is a whole number of guards from 0 to %(most)s.")
            % {"most": MAX_GUARDS}
        )


def _need_write(*, post, guards, category, point, actor):
    """Set one need to ``guards``, or remove it (``guards`` None). Only a change
    is written and logged, with the figure it replaced. (the need or None,
    whether it changed)."""
    rows = PointNeed.objects.select_for_update().filter(
        category=category, point=point, post=post
    )
    need = rows.first()
    before = need.guards if need else None
    if guards == before:
        return need, False
    if guards is None:
        need.delete()
        need, action = None, AuditAction.NEED_REMOVE
    else:
        need, _created = PointNeed.objects.update_or_create(
            category=category, point=point, post=post, defaults={"guards": guards}
        )
        action = AuditAction.NEED_SET
    log(
        point or post,
        action,
        user=actor,
        data={
            "category": category,
            "post": post.code,
            "guards": guards,
            "before": before,
        },
    )
    return need, True


@transaction.atomic
def need_set(*, post, guards, category="", point=None, actor=None):
    """How many deployable guards ``post`` needs at every point of ``category``
    (site admins) or at ``point`` (its station's staff too). The same figure
    again changes nothing and logs nothing."""
    category, point = _need_target(category=category, point=point)
    if not _may_define(actor, point):
        raise PermissionDenied(_("You may not set what this point needs."))
    _check_guards(guards)
    need, _changed = _need_write(
        post=post, guards=guards, category=category, point=point, actor=actor
    )
    return need


@transaction.atomic
def need_remove(*, post, category="", point=None, actor=None):
    """Remove what ``post`` needs at ``point`` (which then follows its category)
    or at every point of ``category`` (which then need nobody on that post).
    Whether there was a need to remove."""
    category, point = _need_target(category=category, point=point)
    if not _may_define(actor, point):
        raise PermissionDenied(_("You may not set what this point needs."))
    _need, changed = _need_write(
        post=post, guards=None, category=category, point=point, actor=actor
    )
    return changed


def _site_write(*, point, latitude, longitude, actor):
    """Validate, then write and log ``point``'s location if it moved. (the site,
    whether it changed)."""
    site = PointSite.objects.select_for_update().filter(point=point).first()
    before = (site.latitude, site.longitude) if site else None
    site = site or PointSite(point=point)
    site.latitude, site.longitude = latitude, longitude
    # Before the write: a value out of range never reaches the database (nor
    # overflows PostgreSQL's numeric(9, 6)).
    site.full_clean()
    if before == (site.latitude, site.longitude):
        return site, False
    site.save()
    log(
        point,
        AuditAction.SITE_SET,
        user=actor,
        data={
            "latitude": str(site.latitude),
            "longitude": str(site.longitude),
            "before": [str(value) for value in before] if before else None,
        },
    )
    return site, True


@transaction.atomic
def site_set(*, point, latitude, longitude, actor=None):
    """Where ``point`` is (WGS-84/CGCS2000 degrees)."""
    _check_point(point)
    if not _may_define(actor, point):
        raise PermissionDenied(_("You may not move this point."))
    site, _changed = _site_write(
        point=point, latitude=latitude, longitude=longitude, actor=actor
    )
    return site


@transaction.atomic
def point_define(*, point, needs, latitude=None, longitude=None, actor=None):
    """One point's set-up page: where it is (left as it is without coordinates)
    and its own need per post (``needs``: post -> guards, or None to follow the
    category's). All or nothing; only what changed is written and logged.
    How many things changed."""
    _check_point(point)
    if not _may_define(actor, point):
        raise PermissionDenied(_("You may not set what this point needs."))
    for guards in needs.values():
        if guards is not None:
            _check_guards(guards)
    changed = 0
    if latitude is not None or longitude is not None:
        changed += _site_write(
            point=point, latitude=latitude, longitude=longitude, actor=actor
        )[1]
    for post, guards in needs.items():
        changed += _need_write(
            post=post, guards=guards, category="", point=point, actor=actor
        )[1]
    return changed


@transaction.atomic
def category_needs_define(*, needs, actor=None):
    """The category needs (``needs``: (category, post) -> guards, or None for
    none), site admins only. All or nothing; how many changed."""
    if not _may_define(actor):
        raise PermissionDenied(_("You may not set what a category of points needs."))
    for (category, _post), guards in needs.items():
        _need_target(category=category, point=None)
        if guards is not None:
            _check_guards(guards)
    changed = 0
    for (category, post), guards in needs.items():
        changed += _need_write(
            post=post, guards=guards, category=category, point=None, actor=actor
        )[1]
    return changed
