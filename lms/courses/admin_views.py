"""Instructor report: everyone a course concerns (assigned, enrolled or started),
how far they are and who is overdue, by organisation and team."""

import tablib
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.models import Page

from lms.core.admin_helpers import AdminPageMixin, spreadsheet_response
from lms.courses import selectors
from lms.courses.constants import ProgressStatus
from lms.courses.models import CoursePage, SeasonalClassPage
from lms.people.selectors import people_visible_to


class ProgressForm(forms.Form):
    page = forms.ModelChoiceField(
        label=_("Course or seasonal class"),
        queryset=Page.objects.none(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = Page.objects.type(
            CoursePage, SeasonalClassPage
        ).order_by("title")


class CourseProgressView(AdminPageMixin, FormView):
    page_title = _("Course progress")
    header_icon = "tasks"
    template_name = "courses/admin/progress.html"
    form_class = ProgressForm
    permission = "people.view_person"

    def get_form_kwargs(self):
        return {"data": self.request.GET or None}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        context = {"form": form}
        if form.is_valid():
            page = form.cleaned_data["page"].specific
            rows = selectors.progress_report(
                page=page, people=people_visible_to(request.user)
            )
            if file_format := self.export_format():
                return spreadsheet_response(
                    _rows_dataset(rows).export(file_format),
                    file_format,
                    f"progress-{page.pk}",
                )
            context.update(page=page, rows=rows, summary=_summary(rows))
        return self.render_to_response(self.get_context_data(**context))


def _summary(rows):
    """People, started, completed and overdue counts per organisation and team."""
    groups = {}
    for row in rows:
        person = row["person"]
        key = (person.organisation.name, person.team.name if person.team else "")
        group = groups.setdefault(
            key, {"people": 0, "started": 0, "completed": 0, "overdue": 0}
        )
        group["people"] += 1
        group["started"] += row["status"] != ProgressStatus.NOT_STARTED
        group["completed"] += row["status"] == ProgressStatus.COMPLETED
        group["overdue"] += row["overdue"]
    return [
        {"organisation": k[0], "team": k[1], **v} for k, v in sorted(groups.items())
    ]


def _local(moment):
    """A stored (UTC) time as the site's wall-clock time (settings.TIME_ZONE): a
    spreadsheet cell has no time zone, so it must hold what people read locally."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _rows_dataset(rows):
    dataset = tablib.Dataset(
        headers=[
            str(label)
            for label in (
                _("Name"),
                _("Organisation"),
                _("Team"),
                _("Lessons done"),
                _("Lessons in all"),
                _("Due date"),
                _("Status"),
                _("Overdue"),
                _("Completed at"),
            )
        ]
    )
    for row in rows:
        person = row["person"]
        dataset.append(
            [
                person.name,
                person.organisation.name,
                person.team.name if person.team else "",
                row["done"],
                row["total"],
                row["due_date"].isoformat() if row["due_date"] else "",
                str(ProgressStatus(row["status"]).label),
                str(_("Yes")) if row["overdue"] else "",
                _local(row["completed_at"]),
            ]
        )
    return dataset
