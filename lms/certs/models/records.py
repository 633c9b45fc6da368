"""Who holds what: qualification records (never deleted; a status says what became
of each), the serial counter, verification checks and expiry reminders."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.certs.constants import CURRENT, Channel, Status, Verdict


class QualificationRecord(models.Model):
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    code = models.CharField(
        _("verification code"), max_length=24, unique=True, editable=False
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="qualifications",
    )
    qualification_type = models.ForeignKey(
        "certs.QualificationType",
        verbose_name=_("qualification"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: issued automatically when the rules were met."),
    )
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
    )
    external_credential = models.ForeignKey(
        "people.ExternalCredential",
        verbose_name=_("outside credential"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qualifications",
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("qualification record")
        verbose_name_plural = _("qualification records")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # Two issuers at once make one record: the second INSERT fails.
            models.UniqueConstraint(
                fields=["person", "qualification_type"],
                condition=Q(status__in=CURRENT),
                name="certs_one_current_record",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(fields=["qualification_type", "status", "valid_until"]),
            # Records starting on a day (the points board moving from one day's
            # counts to the next: lms/points/count_cache.py).
            models.Index(fields=["valid_from"], name="certs_record_valid_from"),
        ]
        permissions = [
            ("issue_qualificationrecord", _("Can issue, renew and approve")),
            ("suspend_qualificationrecord", _("Can suspend and revoke")),
        ]

    def __str__(self):
        return f"{self.serial} {self.qualification_type} · {self.person}"

    def held_on(self, day):
        """Active and within its dates on ``day``."""
        return (
            self.status == Status.ACTIVE
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )

    def verdict_on(self, day):
        if self.status == Status.ACTIVE:
            if self.valid_until is not None and day > self.valid_until:
                return Verdict.EXPIRED
            return Verdict.VALID
        return Verdict(self.status)


class SerialCounter(models.Model):
    """The last serial number handed out in a year (SW-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class VerificationLog(models.Model):
    """Every check of a verification code, found or not."""

    code = models.CharField(max_length=64)
    record = models.ForeignKey(
        QualificationRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checks",
    )
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("verification check")
        verbose_name_plural = _("verification checks")
        ordering = ["-at"]
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self):
        return f"{self.code} {self.verdict} {self.at:%Y-%m-%d %H:%M}"


class Reminder(models.Model):
    """An expiry reminder, sent once per record and number of days."""

    record = models.ForeignKey(
        QualificationRecord, on_delete=models.PROTECT, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)
    # In its organisation's digest to the admins: the digest task's claim, so a
    # digest task run again (requeued) sends no digest twice.
    digested = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "days_before"], name="certs_one_reminder"
            )
        ]

    def __str__(self):
        return f"{self.record} −{self.days_before}"
