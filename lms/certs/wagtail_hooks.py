"""Admin for qualifications, one "Qualifications" menu: types with their rules,
duty posts, and the records (read only: records change through their own page,
lms.certs.views.record_detail, never by editing or deleting; scoped like that page
in every admin view and chooser), the expiry report, and the audit log's names for
API key actions; and what completed courses count toward, for the lesson pages
(``lms.courses.selectors.QUALIFICATIONS_FROM_COURSES``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from lms.certs.api_keys import ApiKeyAction
from lms.certs.constants import RecordAction
from lms.certs.models import Post, QualificationRecord, QualificationType
from lms.certs.selectors import qualifications_from_courses, records_visible_to
from lms.courses.selectors import QUALIFICATIONS_FROM_COURSES
from lms.people.admin_views import ScopedSnippetInspectView, ScopedSnippetViewSet

hooks.register(QUALIFICATIONS_FROM_COURSES, qualifications_from_courses)


class QualificationTypeViewSet(ScopedSnippetViewSet):
    model = QualificationType
    icon = "success"
    menu_label = _("Qualification types")
    list_display = ["name", "code", "category", "source", "validity_months"]
    list_filter = ["category", "source", "is_active"]
    search_fields = ["name", "code"]


class PostViewSet(ScopedSnippetViewSet):
    model = Post
    icon = "user"
    menu_label = _("Duty posts")
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Records are never added, edited or deleted in the admin."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class QualificationRecordInspectView(ScopedSnippetInspectView):
    def get_issued_by_display_value(self):
        issuer = self.object.issued_by
        if issuer is None:
            return _("issued automatically when the rules were met")
        return issuer.get_full_name() or issuer.get_username()


class QualificationRecordViewSet(ScopedSnippetViewSet):
    model = QualificationRecord
    inspect_view_class = QualificationRecordInspectView
    icon = "doc-full"
    menu_label = _("Qualification records")
    list_display = [
        "serial",
        "person",
        "qualification_type",
        "status",
        "valid_until",
    ]
    list_filter = ["status", "qualification_type"]
    search_fields = ["serial", "person__name"]
    inspect_view_enabled = True
    # Not the verification code: with the serial it would print a valid copy.
    inspect_view_fields = [
        "serial",
        "person",
        "qualification_type",
        "status",
        "issued_on",
        "valid_from",
        "valid_until",
        "issued_by",
        "renews",
        "status_reason",
        "status_changed_by",
        "status_changed_at",
    ]

    list_select_related = ("person", "qualification_type")

    def scope(self, user):
        # The record page's own rule: the listing, inspect, history, usage, the
        # chooser and its chosen/<id>/ all read through it.
        return records_visible_to(user)


register_permission_policy(QualificationRecord, ReadOnlyPolicy(QualificationRecord))


class QualificationsGroup(SnippetViewSetGroup):
    menu_label = _("Qualifications")
    menu_icon = "success"
    menu_name = "qualifications"
    menu_order = 190
    items = (QualificationTypeViewSet, PostViewSet, QualificationRecordViewSet)


register_snippet(QualificationsGroup)


@hooks.register("register_snippet_listing_buttons")
def record_page_button(snippet, user, next_url=None):
    if isinstance(snippet, QualificationRecord):
        yield Button(
            _("Open (suspend, revoke, approve)"),
            reverse("certs_record", args=[snippet.serial]),
            icon_name="view",
            priority=10,
        )


@hooks.register("shouwang_people_directory_items")  # lms.people.views
def records_in_people_directory(*, user, people):
    from lms.certs.selectors import directory_records

    return directory_records(user=user, people=people)


@hooks.register("register_admin_urls")
def register_expiry_report_url():
    from django.urls import path

    from lms.certs.reports import ExpiryReportView

    return [
        path(
            "certs/expiry/",
            ExpiryReportView.as_view(),
            name="certs_expiry_report",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_expiry_report_menu_item():
    from lms.core.admin_helpers import PermissionMenuItem

    return PermissionMenuItem(
        _("Expiring qualifications"),
        reverse("certs_expiry_report"),
        icon_name="warning",
        order=191,
        permission="certs.view_qualificationrecord",
    )


@hooks.register("register_log_actions")
def register_api_key_actions(actions):
    actions.register_action(
        ApiKeyAction.CREATE, _("Create API key"), _("API key created")
    )
    actions.register_action(
        ApiKeyAction.REVOKE, _("Revoke API key"), _("API key revoked")
    )


# Site history shows only an entry's message: the reason goes into it.
RECORD_MESSAGES = {
    RecordAction.SUSPEND: _("Suspended: %(reason)s"),
    RecordAction.REINSTATE: _("Reinstated: %(reason)s"),
    RecordAction.REVOKE: _("Revoked: %(reason)s"),
    RecordAction.APPROVE: _("Approved"),
}


class RecordChangeFormatter(LogFormatter):
    def format_message(self, log_entry):
        message = RECORD_MESSAGES[RecordAction(log_entry.action)]
        return message % {"reason": log_entry.data.get("reason") or "—"}


@hooks.register("register_log_actions")
def register_record_actions(actions):
    for action in RecordAction:
        formatter = type(
            "RecordChangeFormatter", (RecordChangeFormatter,), {"label": action.label}
        )
        actions.register_action(action.value)(formatter)


@hooks.register("register_admin_viewset")
def register_task_viewset():
    """Settings › Background tasks (lms/certs/task_admin.py), for site admins."""
    from django_tasks_db.models import DBTaskResult

    from lms.certs.task_admin import TaskResultViewSet, tasks_policy

    register_permission_policy(DBTaskResult, tasks_policy())
    return TaskResultViewSet()
