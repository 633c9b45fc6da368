from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lms.people"
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from lms.people import receivers, user_cache
        from lms.people.models import Person, User
        from lms.people.permissions import register_policies

        for signal in (post_save, post_delete):
            signal.connect(user_cache.user_changed, sender=User)
            signal.connect(user_cache.person_changed, sender=Person)

        register_policies()

        # Roles are groups whose permissions only exist after migrate: listen for the
        # last installed app, after every app's permissions have been created. The
        # receiver only calls the service that keeps the groups in step.
        from django.apps import apps

        # post_migrate is only sent for apps with models (an app of static files
        # such as drf_spectacular_sidecar never gets it).
        last_app = [a for a in apps.get_app_configs() if a.models_module][-1]
        post_migrate.connect(receivers.ensure_roles_after_migrate, sender=last_app)
