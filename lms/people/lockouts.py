"""The sign-in lock-out's audit in the Wagtail admin (Settings > Sign-in lock-outs,
Settings > Failed sign-ins): django-axes' AccessAttempt (the running counts: deleting
one lifts that lock-out) and AccessFailureLog (every failure, kept). Only people who
hold axes' permissions see them: site admins, who hold every permission. Nothing is
added or edited here."""

from axes.models import AccessAttempt, AccessFailureLog
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy

from lms.core.admin_helpers import ActionsPolicy, SettingsListingViewSet

register_permission_policy(
    AccessAttempt, ActionsPolicy(AccessAttempt, actions={"view", "delete"})
)
register_permission_policy(
    AccessFailureLog, ActionsPolicy(AccessFailureLog, actions={"view"})
)


def _columns(*names):
    """Columns with our own (translated) headings: axes ships no Chinese."""
    labels = {
        "username": _("Account"),
        "ip_address": _("Address (an IPv6 address as its /64)"),
        "failures_since_start": _("Failures"),
        "attempt_time": _("Last failure"),
        "path_info": _("Page"),
        "locked_out": _("Locked out"),
    }
    return [Column(name, label=labels[name], sort_key=name) for name in names]


class LockoutViewSet(SettingsListingViewSet):
    model = AccessAttempt
    name = "lockouts"
    icon = "lock"
    menu_label = _("Sign-in lock-outs")
    list_display = _columns(
        "username", "ip_address", "failures_since_start", "attempt_time", "path_info"
    )
    search_fields = ["username"]


class FailedSignInViewSet(SettingsListingViewSet):
    model = AccessFailureLog
    name = "failed-sign-ins"
    icon = "warning"
    menu_label = _("Failed sign-ins")
    list_display = _columns(
        "username", "ip_address", "locked_out", "attempt_time", "path_info"
    )
    list_filter = ["locked_out"]
    search_fields = ["username"]


def lockout_viewsets():
    return [LockoutViewSet(), FailedSignInViewSet()]
