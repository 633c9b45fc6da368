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
