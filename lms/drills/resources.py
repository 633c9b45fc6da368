"""Attendance as a spreadsheet (export only): one row per person and drill, with
the hours each row counts for. Headers are in the user's language."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from lms.drills.constants import Flag
from lms.drills.models import Attendance

COLUMNS = {
    "drill": _("Drill"),
    "date": _("Date"),
    "person": _("Name"),
    "organisation": _("Organisation"),
    "team": _("Team"),
    "status": _("Status"),
    "method": _("How"),
    "checked_in": _("Checked in at"),
    "flags": _("Flags"),
    "voided": _("Voided"),
    "hours": _("Practical hours"),
}


class AttendanceResource(resources.ModelResource):
    drill = fields.Field(attribute="drill__title", column_name=COLUMNS["drill"])
    date = fields.Field(column_name=COLUMNS["date"])
    person = fields.Field(attribute="person__name", column_name=COLUMNS["person"])
    organisation = fields.Field(
        attribute="person__organisation__name", column_name=COLUMNS["organisation"]
    )
    team = fields.Field(column_name=COLUMNS["team"])
    status = fields.Field(column_name=COLUMNS["status"])
    method = fields.Field(column_name=COLUMNS["method"])
    checked_in = fields.Field(column_name=COLUMNS["checked_in"])
    flags = fields.Field(column_name=COLUMNS["flags"])
    voided = fields.Field(column_name=COLUMNS["voided"])
    hours = fields.Field(column_name=COLUMNS["hours"])

    class Meta:
        model = Attendance
        fields = tuple(COLUMNS)
        export_order = tuple(COLUMNS)

    @staticmethod
    def queryset_for_export(attendances):
        """What every row reads, joined: one query for the whole export."""
        return attendances.select_related(
            "drill", "person", "person__organisation", "person__team"
        ).order_by("drill__starts_at", "drill_id", "person__name", "pk")

    def dehydrate_date(self, attendance):
        return timezone.localtime(attendance.drill.starts_at).strftime("%Y-%m-%d")

    def dehydrate_team(self, attendance):
        team = attendance.person.team
        return team.name if team else ""

    def dehydrate_status(self, attendance):
        return str(attendance.get_status_display())

    def dehydrate_method(self, attendance):
        return str(attendance.get_method_display())

    def dehydrate_checked_in(self, attendance):
        return timezone.localtime(attendance.scanned_at).strftime("%Y-%m-%d %H:%M")

    def dehydrate_flags(self, attendance):
        labels = []
        for flag in attendance.flags or []:
            try:
                labels.append(str(Flag(flag).label))
            except ValueError:
                labels.append(flag)
        return "、".join(labels)

    def dehydrate_voided(self, attendance):
        if attendance.voided_at is None:
            return ""
        at = timezone.localtime(attendance.voided_at)
        return f"{at:%Y-%m-%d %H:%M} {attendance.void_reason}"

    def dehydrate_hours(self, attendance):
        if not attendance.counts:
            return 0
        hours = attendance.drill.practical_hours
        # A number in the spreadsheet (summable), written "2" rather than "2.0".
        return int(hours) if hours == int(hours) else float(hours)
