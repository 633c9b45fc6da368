"""Attendance exports: one drill's (from the instructor's dashboard) and any period's
(the admin report, filtered by station, organisation, team and dates, scoped to
what the user may see)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import FormView

from lms.core.admin_helpers import (
    SPREADSHEET_TYPES,
    AdminPageMixin,
    spreadsheet_response,
)
from lms.drills import selectors
from lms.drills.models import Attendance
from lms.drills.resources import AttendanceResource
from lms.drills.views import _led_drill
from lms.people.constants import OrganisationKind
from lms.people.selectors import organisations_visible_to, teams_visible_to

REPORT_ROWS_SHOWN = 500


def _export(attendances, file_format, stem):
    dataset = AttendanceResource().export(
        queryset=AttendanceResource.queryset_for_export(attendances)
    )
    return spreadsheet_response(dataset.export(file_format), file_format, stem)


@login_required
@require_GET
def drill_export(request, pk):
    """``?format=xlsx`` (default) or ``csv``: the drill's attendance."""
    drill = _led_drill(request, pk)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in SPREADSHEET_TYPES:
        file_format = "xlsx"
    return _export(
        Attendance.objects.filter(drill=drill), file_format, f"drill-{drill.pk}"
    )


class AttendanceReportForm(forms.Form):
    station = forms.ModelChoiceField(
        label=_("Police station"), queryset=None, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = organisations_visible_to(user).order_by("name")
        self.fields["station"].queryset = organisations.filter(
            kind=OrganisationKind.POLICE_STATION
        )
        self.fields["organisation"].queryset = organisations
        self.fields["team"].queryset = teams_visible_to(user).order_by(
            "organisation__name", "name"
        )
        # "<organisation> · <team>": the team's organisation is joined already.
        self.fields["team"].label_from_instance = lambda team: (
            f"{team.organisation.name} · {team.name}"
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class AttendanceReportView(AdminPageMixin, FormView):
    page_title = _("Drill attendance")
    header_icon = "date"
    template_name = "drills/admin/attendance_report.html"
    form_class = AttendanceReportForm
    permission = "people.view_person"

    def get_form_kwargs(self):
        return {"data": self.request.GET or None, "user": self.request.user}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        context = {"form": form}
        if form.is_valid():
            attendances = selectors.attendance_visible_to(
                request.user, **form.cleaned_data
            )
            if file_format := self.export_format():
                return _export(attendances, file_format, "drill-attendance")
            shown = REPORT_ROWS_SHOWN
            rows = list(
                AttendanceResource.queryset_for_export(attendances)[: shown + 1]
            )
            query = request.GET.copy()
            query.pop("format", None)
            context.update(
                rows=rows[:shown],
                more=len(rows) > shown,
                shown=shown,
                hours=sum(a.drill.practical_hours for a in rows[:shown] if a.counts),
                query=query.urlencode(),
            )
        return self.render_to_response(self.get_context_data(**context))
