"""The sign-in lock-out's audit in the Wagtail admin (Settings > Sign-in lock-outs,
Settings > Failed sign-ins): django-axes' AccessAttempt (the running counts: deleting
one lifts that lock-out) and AccessFailureLog (every failure, kept). Only people who
hold axes' permissions see them: site admins, who hold every permission. Nothing is
added or edited here."""

from axes.models import AccessAttempt, AccessFailureLog
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import ModelPermissionPolicy, register_permission_policy


class AuditPolicy(ModelPermissionPolicy):
    """The model's own permissions, for the actions named only."""

    def __init__(self, model, actions):
        super().__init__(model)
        self.actions = set(actions)

    def user_has_permission(self, user, action):
        return action in self.actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(
    AccessAttempt, AuditPolicy(AccessAttempt, actions={"view", "delete"})
)
register_permission_policy(
    AccessFailureLog, AuditPolicy(AccessFailureLog, actions={"view"})
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


class LockoutViewSet(ModelViewSet):
    model = AccessAttempt
    name = "lockouts"
    icon = "lock"
    menu_label = _("Sign-in lock-outs")
    add_to_settings_menu = True
    list_display = _columns(
        "username", "ip_address", "failures_since_start", "attempt_time", "path_info"
    )
    search_fields = ["username"]
    copy_view_enabled = False
    exclude_form_fields = []

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)


class FailedSignInViewSet(ModelViewSet):
    model = AccessFailureLog
    name = "failed-sign-ins"
    icon = "warning"
    menu_label = _("Failed sign-ins")
    add_to_settings_menu = True
    list_display = _columns(
        "username", "ip_address", "locked_out", "attempt_time", "path_info"
    )
    list_filter = ["locked_out"]
    search_fields = ["username"]
    copy_view_enabled = False
    exclude_form_fields = []

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)


def lockout_viewsets():
    return [LockoutViewSet(), FailedSignInViewSet()]
