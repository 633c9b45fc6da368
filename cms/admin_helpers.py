"""Small pieces the apps' Wagtail admin pages share."""

from django.http import HttpResponse
from wagtail.admin.menu import MenuItem

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
