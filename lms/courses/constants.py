from django.db import models
from django.utils.translation import gettext_lazy as _

# One study hour (学时) is 45 minutes.
MINUTES_PER_STUDY_HOUR = 45


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    GUARDS = "guards", _("Security guards")
    VOLUNTEERS = "volunteers", _("Volunteer police")
    PROPERTY_SECURITY = "property_security", _("Property security")


class SeasonalTheme(models.TextChoices):
    WINTER_FIRE = "winter_fire", _("Fire safety in winter")
    ANTI_FRAUD = "anti_fraud", _("Anti-fraud in the school season")
    SUMMER_SECURITY = "summer_security", _("Summer security campaign")
    DROWNING = "drowning", _("Drowning prevention")
    FIREWORKS = "fireworks", _("Spring Festival fireworks")
    OTHER = "other", _("Other theme")


class EnrolmentSource(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SELF = "self", _("Self-enrolled")


class EnrolmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class ProgressStatus(models.TextChoices):
    """How far an assigned or enrolled person is with a course (the progress
    report's column); derived from the records, never stored."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class CourseAuditAction:
    ASSIGN = "shouwang.course.assign"
    COMPLETE = "shouwang.course.complete"


class AccessReason(models.TextChoices):
    """Why a course, class or lesson is open to a trainee, or that it is not
    (lms/courses/access.py decides)."""

    ENROLLED = "enrolled", _("You are enrolled")
    ASSIGNED = "assigned", _("Assigned to you")
    OPEN_ENROLMENT = "open_enrolment", _("Open to everyone")
    SEASONAL_CLASS = "seasonal_class", _("Open in a seasonal class")
    CLOSED = "closed", _("Not open to you")
    NO_PROFILE = "no_profile", _("No trainee profile")
