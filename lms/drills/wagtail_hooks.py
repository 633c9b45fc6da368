"""Wagtail admin: drills and the skills each drill type checks, in one "Drills"
menu; each drill in the list links to its check-in display."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from lms.core.admin_helpers import YesNoColumn
from lms.drills.models import Drill, SkillItem
from lms.people.admin_views import ScopedSnippetViewSet


class DrillViewSet(ScopedSnippetViewSet):
    model = Drill
    icon = "date"
    menu_label = _("Drills")
    list_display = ["title", "drill_type", "starts_at", "location_name", "closed_at"]
    list_filter = ["drill_type"]
    search_fields = ["title", "location_name"]
    ordering = ["-starts_at"]
    copy_view_enabled = True


class SkillItemViewSet(ScopedSnippetViewSet):
    model = SkillItem
    icon = "tick-inverse"
    menu_label = _("Skills to assess")
    list_display = [
        "title",
        "drill_type",
        YesNoColumn("required", label=_("required to pass"), sort_key="required"),
        "sort_order",
    ]
    list_filter = ["drill_type"]


class DrillsGroup(SnippetViewSetGroup):
    menu_label = _("Drills")
    menu_icon = "date"
    menu_name = "drills"
    menu_order = 180
    items = (DrillViewSet, SkillItemViewSet)


register_snippet(DrillsGroup)


@hooks.register("register_snippet_listing_buttons")
def drill_display_button(snippet, user, next_url=None):
    if isinstance(snippet, Drill):
        yield Button(
            _("Check-in display"),
            reverse("drill_display", args=[snippet.pk]),
            icon_name="view",
            priority=20,
        )


@hooks.register("register_admin_urls")
def register_drill_admin_urls():
    from django.urls import path

    from lms.drills.reports import AttendanceReportView

    return [
        path(
            "drills/attendance-report/",
            AttendanceReportView.as_view(),
            name="drill_attendance_report",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_attendance_report_menu_item():
    from lms.core.admin_helpers import PermissionMenuItem

    return PermissionMenuItem(
        _("Drill attendance"),
        reverse("drill_attendance_report"),
        icon_name="date",
        order=181,
        permission="people.view_person",
    )


@hooks.register("register_snippet_listing_buttons")
def drill_dashboard_button(snippet, user, next_url=None):
    if isinstance(snippet, Drill):
        yield Button(
            _("Dashboard"),
            reverse("drill_dashboard", args=[snippet.pk]),
            icon_name="list-ul",
            priority=21,
        )
