"""Choices of the points app. Stored values are short English keys; labels are
translated, Chinese by default."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Coverage(models.TextChoices):
    """How a point (or one of its posts) stands against its need on a day."""

    MET = "met", _("Need met")
    SHORT = "short", _("Short")
    NO_NEED = "no_need", _("No need set")


class AssignmentEnd(models.TextChoices):
    """Why an assignment was ended early. Assignments are records: they are ended,
    never deleted."""

    REASSIGNED = "reassigned", _("Moved to another point or post")
    LEFT = "left", _("Left the organisation")
    MISTAKE = "mistake", _("Entered by mistake")
    OTHER = "other", _("Other")


class AuditAction:
    """Actions written to Wagtail's log (one audit mechanism for the project)."""

    ASSIGN = "shouwang.points.assign"
    END = "shouwang.points.end"
    IMPORT = "shouwang.points.import"
    NEED_SET = "shouwang.points.need"
    NEED_REMOVE = "shouwang.points.need-remove"
    SITE_SET = "shouwang.points.site"


# The most deployable guards one need may ask for: a post of a point, or of every
# point of a category. Above it a figure is a typing slip (20 for 2).
MAX_GUARDS = 999
# Decimal places of a stored coordinate (PointSite): 0.000001 degree is about
# 0.1 m, finer than any GPS fix; finer input is rounded, not refused.
COORDINATE_PLACES = 6

# Dispatch: the radius searched around ``near=`` when none is given, and the most.
DEFAULT_RADIUS_KM = 3
MAX_RADIUS_KM = 50
# The dashboard's look-ahead for expiring qualifications, in days.
EXPIRY_WINDOWS = (30, 60)
