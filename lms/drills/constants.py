from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class MyDrillStatus(models.TextChoices):
    """Where a trainee stands at one of their drills, in their own words (home
    page, check-in result): their attendance if they have one, else the drill's
    time. Not the instructor's words (AttendanceStatus): "Present" reads as an
    order to a trainee, "Checked in" as what they did."""

    UPCOMING = "upcoming", pgettext_lazy("my drill", "Upcoming")
    OPEN = "open", pgettext_lazy("my drill", "Check in now")
    NOT_CHECKED_IN = "not_checked_in", pgettext_lazy("my drill", "Not checked in")
    CHECKED_IN = "present", pgettext_lazy("my drill", "Checked in")
    LATE = "late", pgettext_lazy("my drill", "Checked in late")
    ABSENT = "absent", pgettext_lazy("my drill", "Absent")
    EXCUSED = "excused", pgettext_lazy("my drill", "Excused")


# The colour of each (shouwang.css .status--*), always beside its word.
MY_DRILL_STATUS_CLASS = {
    MyDrillStatus.UPCOMING: "status--left",
    MyDrillStatus.OPEN: "status--open",
    MyDrillStatus.NOT_CHECKED_IN: "status--suspended",
    MyDrillStatus.CHECKED_IN: "status--active",
    MyDrillStatus.LATE: "status--on_leave",
    MyDrillStatus.ABSENT: "status--suspended",
    MyDrillStatus.EXCUSED: "status--left",
}


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
    """Why a check-in was refused (kept in the check-in log): what happened, in
    the trainee's words. What to do next is REFUSAL_NEXT_STEP's."""

    MALFORMED = "malformed", _("The code could not be read.")
    FORGED = "forged", _("This code was not issued by Shouwang.")
    EXPIRED = "expired", _("This code has expired: the code on the screen has changed.")
    NOT_OPEN = "not_open", _("Check-in for this drill is not open.")
    NOT_INVITED = "not_invited", _("You are not on the list for this drill.")
    DEVICE_USED = (
        "device_used",
        _("This phone has already checked someone else in to this drill."),
    )
    NO_PERSON = "no_person", _("Your account is not linked to a trainee record.")
    NOT_YOUR_SCAN = (
        "not_your_scan",
        _("This link holds someone else's scan, and the code has changed since."),
    )
    CODE_SHORT = (
        "code_short",
        _("The code has six letters and digits; this one has fewer or more."),
    )
    CODE_WRONG = (
        "code_wrong",
        _(
            "This code matches no drill open for check-in: it is mistyped, or "
            "it has changed."
        ),
    )


# What the trainee can do about each refusal. Scanning again helps only when the
# code itself was the trouble; one phone, one person, whatever is scanned.
REFUSAL_NEXT_STEP = {
    Refusal.MALFORMED: _(
        "Scan the QR code on the instructor's screen with the scanner in Shouwang, "
        "or type the six-letter code under it."
    ),
    Refusal.FORGED: _(
        "Scan the QR code on the instructor's screen with the scanner in Shouwang, "
        "or type the six-letter code under it."
    ),
    Refusal.EXPIRED: _(
        "Scan the code on the screen again, or type the six-letter code under it."
    ),
    Refusal.NOT_OPEN: _(
        "Check-in opens shortly before the drill starts and closes when it ends. "
        "If it should be open now, ask the instructor."
    ),
    Refusal.NOT_INVITED: _(
        "Ask the instructor to add you to this drill's list, then scan again."
    ),
    Refusal.DEVICE_USED: _(
        "Each person checks in with their own phone. Check in with yours, or show "
        "your badge to the instructor to be checked in by hand."
    ),
    Refusal.NO_PERSON: _(
        "Ask your organisation's administrator to link your account to your "
        "trainee record; meanwhile the instructor can check you in by hand."
    ),
    Refusal.NOT_YOUR_SCAN: _(
        "Scan the code on the screen with your own phone, or type the six-letter "
        "code under it."
    ),
    Refusal.CODE_SHORT: _(
        "Type all six letters and digits shown under the QR code on the "
        "instructor's screen."
    ),
    Refusal.CODE_WRONG: _(
        "Type the code shown on the instructor's screen now; it changes from "
        "time to time."
    ),
}
