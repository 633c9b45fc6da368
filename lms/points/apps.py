from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    """Who serves where: co-governance points on a map, the guards assigned to them
    and the gap against what each point needs (docs/points.md). Above lms.certs in
    the house: it reads the roster's rules, nothing below imports it."""

    name = "lms.points"
    label = "points"
    verbose_name = _("Co-governance points")
    default_auto_field = "django.db.models.BigAutoField"
