"""Small pieces the apps' Wagtail admin pages share."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

SPREADSHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def spreadsheet_response(data, file_format, stem):
    """A download of ``data`` (bytes for XLSX, text for CSV) named ``stem``."""
    if file_format == "csv":
        # A BOM so that Excel opens the Chinese text as UTF-8.
        data = "\ufeff" + data
    response = HttpResponse(data, content_type=SPREADSHEET_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


def readable(value):
    """A field's value as a person reads it: yes or no in their language, and a
    dash for nothing. Wagtail prints True, False and None as Python spells them."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


class ReadableInspectMixin:
    """For an inspect view: yes/no and a dash instead of True, False and None."""

    def get_field_display_value(self, field_name, field):
        return readable(super().get_field_display_value(field_name, field))


class YesNoColumn(Column):
    """A listing column of a true/false field, in words."""

    def get_value(self, instance):
        return readable(super().get_value(instance))


class PermissionMenuItem(MenuItem):
    """An admin menu item shown only to users with ``permission``."""

    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class AdminPageMixin(WagtailAdminTemplateMixin):
    """A Wagtail admin page of our own (a report, an import): open only to users with
    ``permission`` (or whom ``has_permission`` lets in), with the page's title as
    the last breadcrumb, and ``export_format()`` for its ``?format=`` downloads."""

    permission = ""
    export_formats = tuple(SPREADSHEET_TYPES)

    def has_permission(self, user):
        return user.has_perm(self.permission)

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def export_format(self):
        """The ``?format=`` asked for if this page exports it, else ``None``."""
        file_format = self.request.GET.get("format")
        return file_format if file_format in self.export_formats else None


class ActionsPolicy(ModelPermissionPolicy):
    """Only ``actions`` (e.g. {"view"}) may be taken on the model, by nobody else
    than ``may(user)`` allows, or without ``may`` by whoever holds the model's own
    permission for the action. For the admin's audit listings: records that are
    looked at (and, for lock-outs, deleted to lift one), never added or edited."""

    def __init__(self, model, actions, *, may=None):
        super().__init__(model)
        self.actions = frozenset(actions)
        self.may = may

    def user_has_permission(self, user, action):
        if action not in self.actions:
            return False
        if self.may is not None:
            return user.is_active and self.may(user)
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class SettingsListingViewSet(ModelViewSet):
    """A listing under Settings that is looked at, not edited (its policy,
    ``ActionsPolicy``, refuses add and change): no copy view, the menu label as
    the page's title."""

    add_to_settings_menu = True
    copy_view_enabled = False
    exclude_form_fields = []

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)
