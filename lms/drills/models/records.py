"""Attendance (one row per person and drill, by constraint), skill results and the
log of refused or notable check-ins. Nothing is deleted: a check-in is voided with a
reason and an actor."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.drills.constants import AttendanceStatus, CheckinMethod, Refusal


class Attendance(models.Model):
    drill = models.ForeignKey(
        "drills.Drill",
        verbose_name=_("drill"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=AttendanceStatus.choices
    )
    method = models.CharField(_("how"), max_length=8, choices=CheckinMethod.choices)
    # When the code was scanned (the server's time, or the signed time carried
    # through a login, or an instructor's offline scan time), and when it was saved.
    scanned_at = models.DateTimeField(_("checked in at"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A keyed hash of the self-scanning phone's device cookie: one person per phone.
    device = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Coarse location (about 100 m), only with the trainee's consent.
    latitude = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True
    )
    longitude = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True
    )
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    note = models.CharField(_("reason"), max_length=200, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(_("why voided"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["drill", "scanned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["drill", "person"], name="drills_attendance_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["drill", "device"],
                condition=~Q(device="") & Q(method__in=["qr", "code"]),
                name="drills_attendance_one_person_per_device",
            ),
        ]

    def __str__(self):
        return f"{self.drill} · {self.person}"

    @property
    def counts(self):
        """Attended: present or late, and not voided."""
        return self.voided_at is None and self.status in (
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
        )


class SkillResult(models.Model):
    attendance = models.ForeignKey(
        Attendance, on_delete=models.PROTECT, related_name="skill_results"
    )
    item = models.ForeignKey(
        "drills.SkillItem", on_delete=models.PROTECT, related_name="+"
    )
    passed = models.BooleanField(_("passed"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("skill result")
        verbose_name_plural = _("skill results")
        constraints = [
            models.UniqueConstraint(
                fields=["attendance", "item"], name="drills_skillresult_once"
            )
        ]

    def __str__(self):
        return f"{self.attendance} · {self.item}"


class CheckinLog(models.Model):
    """Refused check-ins and other events worth an instructor's look."""

    drill = models.ForeignKey(
        "drills.Drill",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkin_log",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(max_length=16, choices=Refusal.choices)
    detail = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in log entry")
        verbose_name_plural = _("check-in log")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"
