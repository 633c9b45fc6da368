from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "lms.courses"
    label = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from lms.courses.models import Assignment
        from lms.courses.selectors import assignments_managed_by, assignments_visible_to
        from lms.people.permissions import ScopedPermissionPolicy

        register_permission_policy(
            Assignment,
            ScopedPermissionPolicy(
                Assignment,
                readable=assignments_visible_to,
                writable=assignments_managed_by,
            ),
            exact_class=True,
        )
