"""Signal receivers: each one only hands over to a service (lms/courses/workflow.py,
lms/courses/services.py)."""

from lms.courses import services, workflow


def activity_passed(sender, user, lesson_id, block_id=None, **kwargs):
    """``lms.core.events.activity_passed``: a quiz or H5P exercise in a lesson."""
    services.lesson_activity_passed(user=user, lesson_id=lesson_id, block_id=block_id)


def _page(workflow_state):
    page = workflow_state.content_object
    return page if workflow.carries_pages(page) else None


def submitted_with_pages(sender, instance, user=None, **kwargs):
    """``task_submitted``: ``instance`` is the task state."""
    if page := _page(instance.workflow_state):
        workflow.course_submit_with_pages(page=page, user=user)


def approved_with_pages(sender, instance, user=None, **kwargs):
    if page := _page(instance):
        workflow.course_approve_with_pages(page=page, user=user)


def rejected_with_pages(sender, instance, user=None, **kwargs):
    if page := _page(instance):
        workflow.course_reject_with_pages(page=page, user=user)
