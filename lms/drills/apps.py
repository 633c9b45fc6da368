from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "lms.drills"
    label = "drills"
    verbose_name = _("Drills")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lms.drills.models import Drill
        from lms.drills.selectors import drill_forget

        # The check-in path reads the drill from the cache: drop it on any change.
        for signal in (post_save, post_delete):
            signal.connect(drill_forget, sender=Drill, dispatch_uid=f"drill-{signal}")
        for field in ("people", "organisations", "teams"):
            m2m_changed.connect(
                drill_forget,
                sender=getattr(Drill, field).through,
                dispatch_uid=f"drill-{field}",
            )
