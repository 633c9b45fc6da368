from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

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
    actions.register_action(
        AuditAction.NEED_SET, _("Set a point's need"), _("Point need set")
    )
    actions.register_action(
        AuditAction.SITE_SET, _("Place a point"), _("Point location set")
    )


@hooks.register("register_admin_urls")
def register_coverage_url():
    from django.urls import path

    from lms.points.admin_views import CoverageView

    return [path("points/coverage/", CoverageView.as_view(), name="points_coverage")]


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
