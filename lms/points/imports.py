"""Importing assignments from a spreadsheet: all rows or none, every bad row named
(the same machinery as people: lms/core/spreadsheets.py). Serves the upload page and
``manage.py import_assignments``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lms.core import spreadsheets
from lms.core.spreadsheets import ImportFileError  # noqa: F401 - part of this API
from lms.people.models import Person
from lms.points import scope
from lms.points.constants import AuditAction
from lms.points.resources import ASSIGNMENT_COLUMNS, AssignmentResource


def dataset_from_upload(filename, content):
    return spreadsheets.dataset_from_upload(
        filename,
        content,
        columns=ASSIGNMENT_COLUMNS,
        max_bytes=settings.PEOPLE_IMPORT_MAX_BYTES,
        max_rows=settings.PEOPLE_IMPORT_MAX_ROWS,
        no_rows_message=_("The file has a header but no assignments."),
    )


def assignments_import(*, dataset, actor=None, station=None, dry_run=False, source=""):
    """Import ``dataset``: every row or none. ``actor`` None (the command line)
    may assign anyone to the points of ``station`` (every point without one)."""
    if actor is not None:
        if not scope.may_edit_points(actor):
            raise PermissionDenied(_("You may not assign people to points."))
        people = scope.people_assignable_by(actor)
        points = scope.points_assignable_by(actor)
        audited = actor
    else:
        people = Person.objects.all()
        points = scope.all_points()
        if station is not None:
            points = scope.points_of_station(station)
        audited = station or points.first()
    return spreadsheets.all_or_nothing_import(
        resource=AssignmentResource(people=people, points=points, actor=actor),
        dataset=dataset,
        columns=ASSIGNMENT_COLUMNS,
        dry_run=dry_run,
        audited=audited,
        action=AuditAction.IMPORT,
        actor=actor,
        source=source,
    )
