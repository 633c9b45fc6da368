"""Instructors write and submit; training managers approve and publish."""

from lms.courses.authoring import courses_authoring_setup
from lms.people.constants import Role
from tests.factories import CoursePageFactory, person_with_role


def test_instructor_submits_and_training_manager_approves(world, catalogue):
    workflow = courses_authoring_setup(catalogue=catalogue)
    courses_authoring_setup(catalogue=catalogue)  # idempotent
    instructor = world.instructor.user
    manager = person_with_role(Role.TRAINING_MANAGER, organisation=world.company).user

    course = CoursePageFactory(parent=catalogue, slug="draft-course", live=False)
    assert catalogue.permissions_for_user(instructor).can_add_subpage()
    assert course.permissions_for_user(instructor).can_edit()
    assert not course.permissions_for_user(instructor).can_publish()
    assert course.permissions_for_user(manager).can_publish()
    assert course.get_workflow() == workflow

    course.save_revision(user=instructor)
    state = workflow.start(course, instructor)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert not task.user_can_access_editor(course, world.trainee.user)
    assert "approve" in {action[0] for action in task.get_actions(course, manager)}
    assert not task.get_actions(course, instructor)
    course.refresh_from_db()
    assert not course.live  # waiting for approval
    task.on_action(task_state, manager, "approve")
    course.refresh_from_db()
    assert course.live


def _draft(factory, parent, slug, user):
    page = factory(parent=parent, slug=slug, live=False)
    page.save_revision(user=user)
    return page


def test_a_course_is_submitted_approved_and_sent_back_with_its_pages(world, catalogue):
    """Wagtail's workflow is per page: a course, a module and a lesson took three
    submissions and three approvals. One submission and one decision now."""
    from wagtail.models import WorkflowState

    from tests.factories import LessonPageFactory, ModulePageFactory

    workflow = courses_authoring_setup(catalogue=catalogue)
    instructor = world.instructor.user
    manager = person_with_role(Role.TRAINING_MANAGER, organisation=world.company).user
    course = _draft(CoursePageFactory, catalogue, "new-course", instructor)
    module = _draft(ModulePageFactory, course, "basics", instructor)
    lesson = _draft(LessonPageFactory, module, "first", instructor)
    pages = [course, module, lesson]

    workflow.start(course, instructor)
    states = [p.current_workflow_state for p in pages]
    assert [s and s.status for s in states] == [WorkflowState.STATUS_IN_PROGRESS] * 3

    # Changes asked on the course: every page goes back to its author.
    task_state = states[0].current_task_state
    task_state.task.specific.on_action(task_state, manager, "reject", comment="图太小")
    assert [p.current_workflow_state.status for p in pages] == [
        WorkflowState.STATUS_NEEDS_CHANGES
    ] * 3

    # Resubmitted once, approved once: all three live.
    course.current_workflow_state.resume(instructor)
    assert all(p.workflow_in_progress for p in pages)
    task_state = course.current_workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, manager, "approve")
    for page in pages:
        page.refresh_from_db()
    assert all(p.live and not p.has_unpublished_changes for p in pages)


def test_only_pages_with_changes_go_along(world, catalogue):
    from tests.factories import LessonPageFactory

    workflow = courses_authoring_setup(catalogue=catalogue)
    instructor = world.instructor.user
    course = CoursePageFactory(parent=catalogue, slug="live-course")  # published
    published = LessonPageFactory(parent=course, slug="done")
    draft = _draft(LessonPageFactory, course, "new", instructor)
    course.save_revision(user=instructor)
    workflow.start(course, instructor)
    assert draft.workflow_in_progress
    assert not published.workflow_in_progress
