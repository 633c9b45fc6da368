from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertsConfig(AppConfig):
    name = "lms.certs"
    label = "certs"
    verbose_name = _("Qualifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the system checks of the signing keys (lms/certs/checks.py).
        from lms.certs import (
            checks,  # noqa: F401
            receivers,
        )
        from lms.core import events

        events.result_recorded.connect(
            receivers.result_recorded, dispatch_uid="certs-result-recorded"
        )
