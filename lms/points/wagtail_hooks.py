from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from lms.certs.roster import POINT_PEOPLE_HOOK
from lms.points.constants import AuditAction


@hooks.register(POINT_PEOPLE_HOOK)
def point_people(point_id, day):
    """The roster's point filter (lms.certs, below): who serves there that day."""
    from lms.points.selectors import assigned_people_ids

    return assigned_people_ids(point_id, day)


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    actions.register_action(
        AuditAction.ASSIGN, _("Assign to a point"), _("Assigned to a point")
    )
    actions.register_action(
        AuditAction.END, _("End a point assignment"), _("Point assignment ended")
    )
    actions.register_action(
        AuditAction.IMPORT, _("Import assignments"), _("Assignments imported")
    )
    for action, formatter in DEFINITION_FORMATTERS.items():
        actions.register_action(action)(formatter)


def _figure(guards):
    return _("none") if guards is None else guards


class NeedFormatter(LogFormatter):
    """Site history shows only an entry's message: the post and both figures
    go into it."""

    label = _("Set a point's need")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        message = _("%(post)s: %(before)s → %(guards)s") % {
            "post": data.get("post", "—"),
            "before": _figure(data.get("before")),
            "guards": _figure(data.get("guards")),
        }
        if data.get("category"):
            return _("Category %(category)s need, %(change)s") % {
                "category": data["category"],
                "change": message,
            }
        return _("Need, %(change)s") % {"change": message}


class NeedRemoveFormatter(NeedFormatter):
    label = _("Remove a point's need")


class SiteFormatter(LogFormatter):
    label = _("Place a point")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("Placed at %(latitude)s, %(longitude)s") % {
            "latitude": data.get("latitude", "—"),
            "longitude": data.get("longitude", "—"),
        }


DEFINITION_FORMATTERS = {
    AuditAction.NEED_SET: NeedFormatter,
    AuditAction.NEED_REMOVE: NeedRemoveFormatter,
    AuditAction.SITE_SET: SiteFormatter,
}


@hooks.register("register_admin_urls")
def register_coverage_url():
    from django.urls import path

    from lms.points import admin_views

    return [
        path(
            "points/coverage/",
            admin_views.CoverageView.as_view(),
            name="points_coverage",
        ),
        path(
            "points/setup/",
            admin_views.PointSetupIndexView.as_view(),
            name="points_setup_index",
        ),
        path(
            "points/setup/categories/",
            admin_views.CategoryNeedsView.as_view(),
            name="points_setup_categories",
        ),
        path(
            "points/setup/<str:code>/",
            admin_views.PointSetupView.as_view(),
            name="points_setup_point",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_coverage_menu_item():
    from lms.core.admin_helpers import PermissionMenuItem

    return PermissionMenuItem(
        _("Point coverage"),
        reverse("points_coverage"),
        icon_name="site",
        order=192,
        permission="certs.view_qualificationrecord",
    )


class SetupMenuItem(MenuItem):
    """Shown to those who set points up: site admins, station staff."""

    def is_shown(self, request):
        from lms.points.scope import may_define_points

        return may_define_points(request.user)


@hooks.register("register_admin_menu_item")
def register_setup_menu_item():
    return SetupMenuItem(
        _("Point locations and needs"),
        reverse("points_setup_index"),
        icon_name="crosshairs",
        order=193,
    )
