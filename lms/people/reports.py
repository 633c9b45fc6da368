"""Wagtail's site history lists log entries by content type, not by object scope: an
organisation admin would read the names of every organisation's people there. Until
scoped audit reports exist, only site admins may open it."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from lms.people.selectors import manages_everyone


def _site_admins_only(view):
    def guarded(request, *args, **kwargs):
        if not manages_everyone(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


site_history = _site_admins_only(LogEntriesView.as_view())
site_history_results = _site_admins_only(LogEntriesView.as_view(results_only=True))
