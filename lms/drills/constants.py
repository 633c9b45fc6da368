from django.db import models
from django.utils.translation import gettext_lazy as _


class DrillType(models.TextChoices):
    FIRE = "fire", _("Fire")
    ANTI_TERROR = "anti_terror", _("Anti-terror and riot control")
    FIRST_AID = "first_aid", _("First aid")
    PATROL = "patrol", _("Patrol")
    COMBINED = "combined", _("Combined")


class WalkIns(models.TextChoices):
    """What happens when someone who was not invited checks in."""

    REFUSE = "refuse", _("Refuse people who were not invited")
    FLAG = "flag", _("Accept them, flagged as walk-ins")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class CheckinMethod(models.TextChoices):
    QR = "qr", _("Scanned the drill's QR code")
    CODE = "code", _("Typed the drill's text code")
    BADGE = "badge", _("Badge scanned by an instructor")
    MANUAL = "manual", _("Marked by an instructor")
    CLOSING = "closing", _("Marked when the drill closed")


# Check-ins the person makes with their own phone: one person per device.
SELF_METHODS = (CheckinMethod.QR, CheckinMethod.CODE)


class Flag(models.TextChoices):
    WALK_IN = "walk_in", _("Not invited")
    OUTSIDE_AREA = "outside_area", _("Outside the drill's area")


class Refusal(models.TextChoices):
    """Why a check-in was refused (kept in the check-in log)."""

    MALFORMED = "malformed", _("The code could not be read.")
    FORGED = "forged", _("This code was not issued by Shouwang.")
    EXPIRED = "expired", _("This code has expired: scan the code on the screen again.")
    NOT_OPEN = "not_open", _("Check-in for this drill is not open.")
    NOT_INVITED = "not_invited", _("You are not on the list for this drill.")
    DEVICE_USED = (
        "device_used",
        _("This phone has already checked someone else in to this drill."),
    )
    NO_PERSON = "no_person", _("Your account is not linked to a trainee record.")
    NOT_YOUR_SCAN = (
        "not_your_scan",
        _(
            "This link holds someone else's scan. Scan the code on the screen "
            "with your own phone."
        ),
    )
