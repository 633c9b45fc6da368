"""A course goes through approval with its pages, in one step.

Wagtail's approval workflow is per page: a small course of a module and two
lessons took four submissions and four approvals (12 clicks). Here submitting a
course (or a seasonal class, or a module) also submits each page below it that has
changes nobody approved yet, and the reviewer's decision on the course (approve,
or request changes) is taken on those pages too, as far as the reviewer may act on
them. Each page keeps its own workflow state, revision and log, so Wagtail's
reports, history and notifications stay true. Connected to Wagtail's
``workflow_submitted`` / ``workflow_approved`` / ``workflow_rejected`` signals in
``CoursesConfig.ready`` (lms/courses/receivers.py)."""

from django.db import transaction
from wagtail.models import WorkflowState

# Pages whose submission and decision carry their descendants along.
CARRYING_TYPES = ("coursepage", "seasonalclasspage", "modulepage")


def carries_pages(page):
    return page is not None and page.specific_class._meta.model_name in (CARRYING_TYPES)


def _pages_below(page):
    # Tree order: a module before its lessons, so parents are published first.
    return page.get_descendants().specific().order_by("path")


@transaction.atomic
def course_submit_with_pages(*, page, user):
    """Submit (or resubmit, after changes were asked for) every page below ``page``
    whose latest revision is not published. Returns the pages submitted."""
    submitted = []
    for child in _pages_below(page):
        if not child.has_unpublished_changes or child.latest_revision_id is None:
            continue
        state = child.current_workflow_state
        if state is None:
            workflow = child.get_workflow()
            if workflow is None:
                continue
            workflow.start(child, user)
        elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
        else:
            continue  # already waiting (submitted with a module above it)
        submitted.append(child)
    return submitted


def _decide(child, user, action, comment):
    """Take ``action`` on the child's current task while the user may: a workflow
    of several tasks is carried through each that the user moderates."""
    state = child.current_workflow_state
    while state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        task_state = state.current_task_state
        task = task_state.task.specific
        if action not in {name for name, *_rest in task.get_actions(child, user)}:
            return False
        task.on_action(task_state, user, action, comment=comment)
        state.refresh_from_db()
        if action != "approve":
            break
    return True


@transaction.atomic
def course_approve_with_pages(*, page, user, comment=""):
    """Approve, as ``user``, the pages below ``page`` that wait in a workflow.
    Returns the pages approved."""
    return [
        child
        for child in _pages_below(page)
        if child.workflow_in_progress and _decide(child, user, "approve", comment)
    ]


@transaction.atomic
def course_reject_with_pages(*, page, user, comment=""):
    """Ask for changes on the pages below ``page`` that wait in a workflow, as on
    the course: the author gets the whole course back."""
    return [
        child
        for child in _pages_below(page)
        if child.workflow_in_progress and _decide(child, user, "reject", comment)
    ]
