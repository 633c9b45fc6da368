"""Settings › Background tasks: a read-only listing of the task rows the database
backend keeps (queued, running, done, failed, with the traceback of a failure).

The site has no Django admin (only Wagtail's), so the package's own ModelAdmin is
never reachable: this is the same listing in the Wagtail admin. Only site admins
see it: they run the site and requeue a failed task (`manage.py requeue_tasks
--failed`) once its cause is fixed; a task's arguments are ids, never personal data,
but a traceback may quote a value. Nothing is added, changed or deleted here: the
rows are the queue itself (`manage.py prune_db_task_results` removes old ones)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult
from wagtail.admin.ui.tables import Column

from lms.core.admin_helpers import ActionsPolicy, SettingsListingViewSet
from lms.people.selectors import manages_everyone

# The package's own words (its model's field names, django-tasks' status names) have
# no Chinese; written here, makemessages puts them in our catalogue, and the
# package's lazy strings find them there (same message, same context).
PACKAGE_WORDS = (
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
    _("Task Result"),
    _("Task Results"),
    _("status"),
    _("enqueued at"),
    _("started at"),
    _("finished at"),
    _("args kwargs"),
    _("worker id"),
    _("task path"),
    _("queue name"),
    _("return value"),
    _("exception class path"),
    _("traceback"),
)


def tasks_policy():
    """View (list and inspect) for site admins; no one adds, changes or deletes."""
    return ActionsPolicy(DBTaskResult, actions={"view"}, may=manages_everyone)


class TaskResultViewSet(SettingsListingViewSet):
    model = DBTaskResult
    name = "tasks"
    icon = "cogs"
    menu_label = _("Background tasks")
    inspect_view_enabled = True
    list_display = [
        Column("task_path", label=_("Task")),
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        Column("worker_ids", label=_("Workers")),
    ]
    list_filter = ["status", "queue_name"]
    search_fields = ["task_path"]
    ordering = ["-enqueued_at"]
    inspect_view_fields = [
        "task_path",
        "status",
        "args_kwargs",
        "enqueued_at",
        "started_at",
        "finished_at",
        "worker_ids",
        "return_value",
        "exception_class_path",
        "traceback",
    ]
