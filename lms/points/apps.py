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

    def ready(self):
        # The roster (lms.certs, below this app) filters by point through a hook,
        # since it may not import the assignment table (docs/points.md).
        from lms.certs.roster import register_point_people
        from lms.points.selectors import assigned_people_ids

        register_point_people(assigned_people_ids)
