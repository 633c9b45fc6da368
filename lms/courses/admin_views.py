"""Instructor report: who is enrolled in a course, how far, by organisation and team."""

import tablib
from django import forms
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.models import Page

from cms.admin_helpers import AdminPageMixin, spreadsheet_response
from lms.courses import selectors
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
    """Enrolled and completed counts per organisation and team."""
    groups = {}
    for row in rows:
        person = row["person"]
        key = (person.organisation.name, person.team.name if person.team else "")
        group = groups.setdefault(key, {"people": 0, "started": 0, "completed": 0})
        group["people"] += 1
        group["started"] += bool(row["done"] or row["enrolment"])
        group["completed"] += bool(row["completed_at"])
    return [
        {"organisation": k[0], "team": k[1], **v} for k, v in sorted(groups.items())
    ]


def _rows_dataset(rows):
    dataset = tablib.Dataset(
        headers=["姓名", "单位", "队组", "已学课时", "课时总数", "完成时间"]
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
                row["completed_at"].strftime("%Y-%m-%d %H:%M")
                if row["completed_at"]
                else "",
            ]
        )
    return dataset
