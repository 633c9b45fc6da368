from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "lms.courses"
    label = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from wagtail.models import WorkflowState
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

        from lms.core import events
        from lms.courses import page_context, receivers
        from lms.courses.models import pages

        pages.page_reads.update(page_context.READS)

        events.activity_passed.connect(
            receivers.activity_passed, dispatch_uid="courses-activity-passed"
        )

        # A course is submitted, approved and sent back with its pages. A task is
        # submitted when a workflow starts and when it resumes after changes were
        # asked for (Wagtail sends workflow_submitted only for the first); its
        # sender is the task state's own class.
        task_submitted.connect(receivers.submitted_with_pages)
        for signal, receiver in (
            (workflow_approved, receivers.approved_with_pages),
            (workflow_rejected, receivers.rejected_with_pages),
        ):
            signal.connect(receiver, sender=WorkflowState)

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
