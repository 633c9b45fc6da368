import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from lms.courses import selectors, services
from lms.courses.constants import CourseAuditAction, EnrolmentSource, EnrolmentStatus
from lms.courses.models import Enrolment, LessonCompletion
from tests.concurrency import run_concurrently
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    PersonFactory,
    SeasonalClassPageFactory,
)


@pytest.fixture
def trainee(world):
    return world.trainee


def complete_all(person, lessons):
    for lesson in lessons:
        services.lesson_complete(person=person, lesson=lesson)


def test_progress_counts_required_lessons_only(course, trainee):
    services.lesson_complete(person=trainee, lesson=course.optional)
    services.lesson_complete(person=trainee, lesson=course.lessons_in_order[0])
    (item,) = selectors.learning_for(trainee).in_progress
    assert (item.done, item.total, item.percent) == (1, 3, 33)


def test_completing_every_required_lesson_completes_the_course_and_credits_hours(
    course, trainee
):
    complete_all(trainee, course.lessons_in_order)
    enrolment = Enrolment.objects.get(person=trainee, page=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.hours_credited == Decimal(2)
    learning = selectors.learning_for(trainee)
    assert [i.page for i in learning.completed] == [course.page_ptr.specific]
    assert learning.hours_this_year == Decimal(2)
    assert ModelLogEntry.objects.filter(action=CourseAuditAction.COMPLETE).count() == 1


def test_completing_again_changes_nothing(course, trainee):
    complete_all(trainee, course.lessons_in_order)
    first = Enrolment.objects.get(person=trainee, page=course).completed_at
    complete_all(trainee, course.lessons_in_order)
    assert LessonCompletion.objects.filter(person=trainee).count() == 3
    assert Enrolment.objects.get(person=trainee, page=course).completed_at == first
    assert ModelLogEntry.objects.filter(action=CourseAuditAction.COMPLETE).count() == 1


def test_hours_are_totalled_per_year(catalogue, trainee, time_machine):
    time_machine.move_to(datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC))
    old = CoursePageFactory(parent=catalogue, slug="old", study_hours=Decimal("1.5"))
    services.lesson_complete(person=trainee, lesson=LessonPageFactory(parent=old))
    time_machine.move_to(datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))
    new = CoursePageFactory(parent=catalogue, slug="new", study_hours=Decimal(3))
    services.lesson_complete(person=trainee, lesson=LessonPageFactory(parent=new))
    assert selectors.study_hours_by_year(trainee) == {
        2025: Decimal("1.5"),
        2026: Decimal(3),
    }


def test_closed_courses_need_an_assignment(course, world):
    course.open_enrolment = False
    course.save()
    with pytest.raises(PermissionDenied):
        services.lesson_complete(
            person=world.trainee, lesson=course.lessons_in_order[0]
        )
    services.assignment_create(
        page=course, organisation=world.company, actor=world.instructor.user
    )
    services.lesson_complete(person=world.trainee, lesson=course.lessons_in_order[0])
    enrolment = Enrolment.objects.get(person=world.trainee, page=course)
    assert enrolment.source == EnrolmentSource.ASSIGNED


def test_assigned_courses_show_with_their_due_date(course, world):
    due = datetime.date(2026, 12, 31)
    services.assignment_create(
        page=course,
        organisation=world.company,
        actor=world.org_admin.user,
        due_date=due,
    )
    (item,) = selectors.learning_for(world.colleague).assigned
    assert item.due_date == due and item.done == 0
    assert not selectors.learning_for(world.outsider)


def test_org_admins_assign_only_to_their_organisation(course, world):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            page=course, organisation=world.other_company, actor=world.org_admin.user
        )
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            page=course, organisation=world.company, actor=world.trainee.user
        )


def test_seasonal_class_shows_only_inside_its_window(catalogue, trainee, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    lesson_course = CoursePageFactory(parent=catalogue, slug="c")
    lesson = LessonPageFactory(parent=lesson_course)
    seasonal = SeasonalClassPageFactory(
        parent=catalogue,
        slug="winter",
        go_live_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        expire_at=datetime.datetime(2027, 2, 28, tzinfo=datetime.UTC),
        lessons=[("lesson", lesson)],
    )
    assert not selectors.learning_for(trainee).seasonal
    time_machine.move_to(datetime.datetime(2026, 12, 15, tzinfo=datetime.UTC))
    (item,) = selectors.learning_for(trainee).seasonal
    assert item.page.pk == seasonal.pk and item.total == 1
    time_machine.move_to(datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC))
    assert not selectors.learning_for(trainee).seasonal
    assert seasonal.pk in {p.pk for p in selectors.seasonal_classes_archived()}


def test_seasonal_class_for_another_audience_is_not_shown(catalogue, trainee):
    SeasonalClassPageFactory(parent=catalogue, slug="vol", audience="volunteers")
    assert not selectors.learning_for(trainee).seasonal  # the trainee is a guard


def test_linked_lesson_completes_the_seasonal_class_too(catalogue, course, trainee):
    lesson = course.lessons_in_order[0]
    seasonal = SeasonalClassPageFactory(
        parent=catalogue, slug="w", lessons=[("lesson", lesson)], study_hours=1
    )
    services.lesson_complete(person=trainee, lesson=lesson)
    enrolment = Enrolment.objects.get(person=trainee, page=seasonal)
    assert enrolment.status == EnrolmentStatus.COMPLETED


@pytest.mark.django_db(transaction=True)
def test_concurrent_completions_make_one_record():
    from tests.courses.conftest import build_course

    course = build_course()
    person = PersonFactory()
    lesson = course.lessons_in_order[0]

    def complete():
        services.lesson_complete(person=person, lesson=lesson)

    errors = run_concurrently(*[complete] * 4)
    assert not errors
    assert LessonCompletion.objects.filter(person=person).count() == 1
    assert Enrolment.objects.filter(person=person).count() == 1


def test_learning_query_count_does_not_grow(
    catalogue, trainee, django_assert_max_num_queries
):
    for n in range(2):
        course = CoursePageFactory(parent=catalogue, slug=f"c{n}")
        services.lesson_complete(
            person=trainee, lesson=LessonPageFactory(parent=course)
        )
    with django_assert_max_num_queries(12) as few:
        selectors.learning_for(trainee)
    for n in range(2, 8):
        course = CoursePageFactory(parent=catalogue, slug=f"c{n}")
        services.lesson_complete(
            person=trainee, lesson=LessonPageFactory(parent=course)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        learning = selectors.learning_for(trainee)
    assert len(learning.completed) == 8


def test_an_expired_seasonal_class_credits_nothing_even_before_archiving(
    catalogue, trainee, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    seasonal = SeasonalClassPageFactory(
        parent=catalogue,
        slug="old",
        expire_at=datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC),
    )
    lesson = LessonPageFactory(parent=seasonal)
    assert seasonal.live  # publish_scheduled has not run yet
    with pytest.raises(PermissionDenied):
        services.lesson_complete(person=trainee, lesson=lesson)
    assert not Enrolment.objects.filter(page=seasonal).exists()
