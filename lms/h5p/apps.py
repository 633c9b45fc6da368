from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class H5PConfig(AppConfig):
    name = "lms.h5p"
    label = "h5p"
    verbose_name = _("H5P activities")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from lms.h5p.models import H5PPackage
        from lms.h5p.selectors import h5p_package_forget

        for signal in (post_save, post_delete):
            signal.connect(
                h5p_package_forget, sender=H5PPackage, dispatch_uid=f"h5p-{signal}"
            )
