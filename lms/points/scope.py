"""Who may read and change which points and assignments (DESIGN.md scoping):

* site admins, instructors and training managers read every point; site admins
  change every assignment;
* station staff read and change the points their station supervises, and assign
  the people their station may see;
* organisation admins read the points where their own people serve (and their own
  organisation, when it is a point) and assign their own people to the points of
  their organisation's station;
* where a point is and what it needs (definitions the coverage is measured
  against) are set by site admins for every point and every category, and by
  station staff for their station's points; organisation admins, whose guards
  are counted against the need, do not set it;
* counts on every page are over the people the reader may see, never more.
"""

from django.db.models import Q

from lms.people.constants import OrganisationKind, Role
from lms.people.models import Organisation
from lms.people.selectors import (
    manages_everyone,
    people_visible_to,
    sees_everyone,
    user_person,
    user_roles,
)

# Reading the points boards is reading who holds which qualification.
READ_PERMISSION = "certs.view_qualificationrecord"


def all_points():
    return Organisation.objects.filter(kind=OrganisationKind.CO_GOVERNANCE_POINT)


def points_of_station(station):
    return all_points().filter(supervising_station=station)


def _station_of(user):
    """The station a station staff member works at, or None."""
    person = user_person(user)
    if person is None or Role.STATION_STAFF not in user_roles(user):
        return None
    return person.organisation_id


def _admin_organisation(user):
    person = user_person(user)
    if person is None or Role.ORG_ADMIN not in user_roles(user):
        return None
    return person.organisation


def points_visible_to(user):
    """The points a user may read (a queryset of Organisation)."""
    if not user.is_authenticated:
        return all_points().none()
    if sees_everyone(user):
        return all_points()
    scope = Q(pk__in=[])
    station = _station_of(user)
    if station is not None:
        scope |= Q(supervising_station_id=station)
    organisation = _admin_organisation(user)
    if organisation is not None:
        from lms.points.models import PointAssignment

        served = PointAssignment.objects.filter(
            person__organisation=organisation
        ).values("point_id")
        scope |= Q(pk=organisation.pk) | Q(pk__in=served)
    return all_points().filter(scope)


def points_assignable_by(user):
    """The points a user may assign people to."""
    if not user.is_authenticated:
        return all_points().none()
    if manages_everyone(user):
        return all_points()
    scope = Q(pk__in=[])
    station = _station_of(user)
    if station is not None:
        scope |= Q(supervising_station_id=station)
    organisation = _admin_organisation(user)
    if organisation is not None and organisation.supervising_station_id:
        scope |= Q(supervising_station_id=organisation.supervising_station_id)
    return all_points().filter(scope)


def people_assignable_by(user):
    """The people a user may assign: station staff, whom their station may see;
    organisation admins, their own organisation's people."""
    if not user.is_authenticated:
        return people_visible_to(user)
    if manages_everyone(user):
        return people_visible_to(user)
    people = people_visible_to(user)
    scope = Q(pk__in=[])
    station = _station_of(user)
    if station is not None:
        stations_orgs = Organisation.objects.filter(
            Q(pk=station) | Q(supervising_station_id=station)
        ).values("pk")
        scope |= Q(organisation__in=stations_orgs)
    organisation = _admin_organisation(user)
    if organisation is not None:
        scope |= Q(organisation=organisation)
    return people.filter(scope)


def may_edit_points(user):
    """Whether the user edits assignments at all (shows the forms)."""
    return user.is_authenticated and (
        manages_everyone(user)
        or _station_of(user) is not None
        or _admin_organisation(user) is not None
    )


def points_definable_by(user):
    """The points whose location and needs a user may set
    (``lms.points.services``, the admin's set-up pages)."""
    if not user.is_authenticated:
        return all_points().none()
    if manages_everyone(user):
        return all_points()
    station = _station_of(user)
    if station is None:
        return all_points().none()
    return all_points().filter(supervising_station_id=station)


def may_define_points(user):
    """Whether the user sets any point's location or needs (the admin's menu)."""
    return user.is_authenticated and (
        manages_everyone(user) or _station_of(user) is not None
    )


def may_define_categories(user):
    """Whether the user sets the needs of a whole category: they hold at every
    station's points, so only site admins."""
    return user.is_authenticated and manages_everyone(user)
