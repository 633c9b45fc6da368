"""Wagtail admin integration: menus, import/export pages, audit actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from lms.core.admin_helpers import PermissionMenuItem
from lms.people import admin_views, logins_admin
from lms.people.constants import AuditAction
from lms.people.lockouts import lockout_viewsets
from lms.people.services.roles import role_change_log, role_names_of
from lms.people.viewsets import PeopleViewSetGroup


@hooks.register("register_admin_viewset")
def register_people_viewsets():
    return PeopleViewSetGroup()


# After Wagtail's own bulk delete of snippets (order 0), which it replaces.
hooks.register("register_bulk_action", admin_views.ScopedDeleteBulkAction, order=1)


@hooks.register("register_admin_viewset")
def register_lockout_viewsets():
    return lockout_viewsets()


@hooks.register("register_admin_urls")
def register_people_admin_urls():
    return [
        path(
            "people-import/",
            admin_views.ImportPeopleView.as_view(),
            name="people_import",
        ),
        path(
            "people-export/",
            admin_views.ExportPeopleView.as_view(),
            name="people_export",
        ),
        path(
            "people-import/template/",
            admin_views.ImportTemplateView.as_view(),
            name="people_import_template",
        ),
        path("people-logins/", logins_admin.LoginsView.as_view(), name="people_logins"),
        path(
            "people-logins/sheet/",
            logins_admin.IssueSheetView.as_view(),
            name="people_logins_sheet",
        ),
        path(
            "people-logins/<int:pk>/password/",
            logins_admin.ResetPasswordView.as_view(),
            name="people_login_reset",
        ),
        path(
            "people-logins/<int:pk>/badge/",
            logins_admin.ResetBadgeView.as_view(),
            name="people_badge_reset",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(
        _("Import people"),
        reverse("people_import"),
        icon_name="upload",
        order=151,
        permission="people.import_people",
    )


@hooks.register("register_admin_menu_item")
def register_logins_menu_item():
    return PermissionMenuItem(
        _("Logins"),
        reverse("people_logins"),
        icon_name="key",
        order=153,
        permission=logins_admin.PERMISSION,
    )


@hooks.register("register_admin_menu_item")
def register_export_menu_item():
    return PermissionMenuItem(
        _("Export people"),
        reverse("people_export"),
        icon_name="download",
        order=152,
        permission="people.view_person",
    )


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    actions.register_action(
        AuditAction.PEOPLE_IMPORT, _("Import people"), _("People imported")
    )
    actions.register_action(
        AuditAction.PEOPLE_EXPORT, _("Export people"), _("People exported")
    )
    actions.register_action(
        AuditAction.ROLE_CHANGE, _("Change roles"), _("Roles changed")
    )
    actions.register_action(AuditAction.BADGE_RESET, _("Reset badge"), _("Badge reset"))
    actions.register_action(
        AuditAction.LOGIN_GIVE,
        _("Give a login"),
        _("Login given, activation code issued"),
    )
    actions.register_action(
        AuditAction.PASSWORD_RESET,
        _("Reset password"),
        _("Password reset, activation code issued"),
    )
    actions.register_action(
        AuditAction.LOGIN_ACTIVATE, _("Activate login"), _("Login activated")
    )


# Wagtail's user editor changes groups directly; these two hooks record the change
# in the audit log. The "before" state rides on the request between them.
@hooks.register("before_edit_user")
def remember_roles_before_edit(request, user):
    request._shouwang_roles_before = role_names_of(user)


@hooks.register("after_edit_user")
def log_roles_after_edit(request, user):
    before = getattr(request, "_shouwang_roles_before", [])
    role_change_log(user=user, before=before, actor=request.user)


@hooks.register("after_create_user")
def log_roles_after_create(request, user):
    role_change_log(user=user, before=[], actor=request.user)
