from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    DUTY = "duty", _("Duty qualification")
    FIRE = "fire", _("Fire safety")
    ANTI_TERROR = "anti_terror", _("Anti-terror and riot control")
    VOLUNTEER = "volunteer", _("Volunteer police")
    LICENCE = "licence", _("Licence from an outside authority")


class Source(models.TextChoices):
    ISSUED = "issued", _("Issued here")
    EXTERNAL = "external", _("Recorded from an outside authority")


class RequirementKind(models.TextChoices):
    COURSE_COMPLETED = "course", _("Course completed")
    EXAM_PASSED = "exam", _("Exam passed")
    DRILL_ATTENDED = "drill_attended", _("Drill attended")
    DRILL_PASSED = "drill_passed", _("Drill passed")
    STUDY_HOURS = "hours", _("Study hours")
    QUALIFICATION_HELD = "qualification", _("Another qualification held")
    EXTERNAL_CREDENTIAL = "external", _("Outside credential verified")


class Status(models.TextChoices):
    PENDING = "pending", pgettext_lazy("qualification status", "Awaiting approval")
    ACTIVE = "active", pgettext_lazy("qualification status", "Active")
    EXPIRED = "expired", pgettext_lazy("qualification status", "Expired")
    SUSPENDED = "suspended", pgettext_lazy("qualification status", "Suspended")
    REVOKED = "revoked", pgettext_lazy("qualification status", "Revoked")
    SUPERSEDED = "superseded", pgettext_lazy("qualification status", "Superseded")


# A person has at most one record of a type in these statuses (a constraint).
CURRENT = (Status.PENDING, Status.ACTIVE, Status.SUSPENDED)

# Days before the end of validity at which reminders go out.
REMINDER_DAYS = (60, 30, 14, 7, 1)


class Verdict(models.TextChoices):
    """What a verification shows (the colour of /v/<code>)."""

    VALID = "valid", pgettext_lazy("verification verdict", "Valid")
    EXPIRED = "expired", pgettext_lazy("verification verdict", "Expired")
    SUSPENDED = "suspended", pgettext_lazy("verification verdict", "Suspended")
    REVOKED = "revoked", pgettext_lazy("verification verdict", "Revoked")
    SUPERSEDED = (
        "superseded",
        pgettext_lazy("verification verdict", "Replaced by a renewal"),
    )
    PENDING = "pending", pgettext_lazy("verification verdict", "Not yet approved")
    NOT_FOUND = "not_found", pgettext_lazy("verification verdict", "Not found")


class Channel(models.TextChoices):
    PAGE = "page", _("Verification page")
    API = "api", _("Verification API")
    SCANNER = "scanner", _("Station scanner")


class RecordAction(models.TextChoices):
    """Changes made to a record by a person, in Wagtail's audit log (site history)
    with the actor and the reason (registered in wagtail_hooks.py)."""

    SUSPEND = "shouwang.certs.record.suspend", _("Suspend qualification")
    REINSTATE = "shouwang.certs.record.reinstate", _("Reinstate qualification")
    REVOKE = "shouwang.certs.record.revoke", _("Revoke qualification")
    APPROVE = "shouwang.certs.record.approve", _("Approve qualification")
