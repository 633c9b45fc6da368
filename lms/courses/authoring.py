"""Who may write, approve and publish courses: page permissions on the catalogue and
the approval workflow (instructor submits, training manager approves)."""

from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from lms.people.constants import Role
from lms.people.services.roles import role_group

PAGE_PERMISSIONS = {
    Role.INSTRUCTOR: ["add_page", "change_page"],
    Role.TRAINING_MANAGER: ["add_page", "change_page", "publish_page"],
    Role.SITE_ADMIN: ["add_page", "change_page", "publish_page", "delete_page"],
}
WORKFLOW_NAME = "课程审批 Course approval"


@transaction.atomic
def courses_authoring_setup(*, catalogue):
    """Idempotent: give the roles their rights under ``catalogue`` and attach the
    approval workflow to it."""
    from django.contrib.auth.models import Permission

    for role, codenames in PAGE_PERMISSIONS.items():
        group = role_group(role)
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=catalogue, permission=permission
            )
    task = GroupApprovalTask.objects.filter(name="培训经理审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="培训经理审核")
    task.groups.set([role_group(Role.TRAINING_MANAGER)])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    # Through the model, not workflow.workflow_tasks: modelcluster would keep the
    # child in memory until the workflow itself is saved.
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(
        page=catalogue, defaults={"workflow": workflow}
    )
    return workflow
