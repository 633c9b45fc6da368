"""Small pieces the apps' Wagtail admin pages share."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

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
