from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """An app only for its templates (the import report, the pager)."""

    name = "lms.core"
    label = "core"
    verbose_name = _("Shared helpers")
