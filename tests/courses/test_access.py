"""Whether a course, class or lesson is open to a trainee is decided once
(lms/courses/access.py): the catalogue, the course page, the lesson page and the
completion service all give the same answer, and the pages give it before study
starts, with how to get access."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from lms.courses import access, services
from lms.courses.constants import AccessReason, EnrolmentSource
from lms.courses.models import Assignment, Enrolment, LessonCompletion
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    SeasonalClassPageFactory,
    TeamFactory,
)
from tests.h5p.conftest import upload_fixture


@pytest.fixture
def closed(course):
    course.open_enrolment = False
    course.save_revision().publish()
    return course


def open_class(catalogue, *lessons, **fields):
    now = timezone.now()
    fields.setdefault("go_live_at", now - datetime.timedelta(days=1))
    fields.setdefault("expire_at", now + datetime.timedelta(days=30))
    return SeasonalClassPageFactory(
        parent=catalogue,
        slug=fields.pop("slug", "winter"),
        title=fields.pop("title", "冬季防火小课堂"),
        lessons=[("lesson", lesson) for lesson in lessons],
        **fields,
    )


def reason(person, page):
    return access.study_access(person=person, page=page).reason


def test_why_a_course_is_open_or_not(closed, world):
    trainee = world.trainee
    assert reason(trainee, closed) == AccessReason.CLOSED
    assert reason(None, closed) == AccessReason.NO_PROFILE
    Assignment.objects.create(page=closed, team=TeamFactory(organisation=world.company))
    assert reason(trainee, closed) == AccessReason.CLOSED  # not the trainee's team
    trainee.team = Assignment.objects.get().team
    trainee.save()
    assert reason(trainee, closed) == AccessReason.ASSIGNED
    Enrolment.objects.create(person=world.outsider, page=closed)
    assert reason(world.outsider, closed) == AccessReason.ENROLLED
    closed.open_enrolment = True
    assert reason(world.colleague, closed) == AccessReason.OPEN_ENROLMENT


def test_a_seasonal_class_is_open_inside_its_window_only(catalogue, world):
    now = timezone.now()
    running = open_class(catalogue)
    ended = open_class(
        catalogue,
        slug="summer",
        title="夏季小课堂",
        go_live_at=now - datetime.timedelta(days=60),
        expire_at=now - datetime.timedelta(days=1),
    )
    assert reason(world.trainee, running) == AccessReason.SEASONAL_CLASS
    assert reason(world.trainee, ended) == AccessReason.CLOSED


@pytest.mark.parametrize("detailed", [True, False])
def test_a_lesson_shared_with_an_open_class_stays_open_through_it(
    catalogue, closed, world, detailed
):
    shared, only_in_course = closed.lessons_in_order[:2]
    winter = open_class(catalogue, shared)
    through_class = access.lesson_access(
        person=world.trainee, lesson=shared, detailed=detailed
    )
    assert through_class.open
    assert through_class.reason == AccessReason.SEASONAL_CLASS
    assert through_class.via.pk == winter.pk
    refused = access.lesson_access(
        person=world.trainee, lesson=only_in_course, detailed=detailed
    )
    assert refused.closed and refused.via.pk == closed.pk


def test_completion_obeys_the_same_answer(catalogue, closed, world):
    shared, only_in_course = closed.lessons_in_order[:2]
    winter = open_class(catalogue, shared)
    with pytest.raises(PermissionDenied):
        services.lesson_complete(person=world.trainee, lesson=only_in_course)
    services.lesson_complete(person=world.trainee, lesson=shared)
    # Counted for the class only: the course stays closed to this trainee.
    assert list(
        Enrolment.objects.filter(person=world.trainee).values_list("page_id", "source")
    ) == [(winter.pk, EnrolmentSource.SELF)]
    with pytest.raises(PermissionDenied):
        services.course_enrol(person=world.trainee, page=closed)


def test_an_assigned_lesson_is_completed_as_assigned(closed, world):
    Assignment.objects.create(page=closed, organisation=world.company)
    services.lesson_complete(person=world.trainee, lesson=closed.lessons_in_order[0])
    enrolment = Enrolment.objects.get(person=world.trainee, page=closed)
    assert enrolment.source == EnrolmentSource.ASSIGNED


def test_the_course_page_tells_before_study_starts(
    client_for, catalogue, closed, world
):
    shared = closed.lessons_in_order[0]
    open_class(catalogue, shared)
    page = client_for(world.trainee.user).get(closed.url).content.decode()
    assert 'data-access="closed"' in page
    assert world.company.name in page  # whom to ask
    assert "data-opened-by" in page  # the lesson the class opens
    assert "开始学习" not in page and "报名学习" not in page
    Assignment.objects.create(page=closed, organisation=world.company)
    page = client_for(world.trainee.user).get(closed.url).content.decode()
    assert 'data-access="closed"' not in page
    assert f'href="{shared.url}"' in page and "开始学习" in page


def test_a_closed_lesson_offers_nothing_that_would_not_count(client_for, closed, world):
    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    lesson = LessonPageFactory(
        parent=closed,
        slug="judge",
        body=[("h5p", {"package": package, "pass_mark": 100, "required": True})],
    )
    client = client_for(world.trainee.user)
    page = client.get(lesson.url).content.decode()
    assert 'data-access="closed"' in page
    assert "h5p-activity__frame" not in page  # no player, no activity token
    assert reverse("lesson_complete", args=[lesson.pk]) not in page
    Assignment.objects.create(page=closed, organisation=world.company)
    page = client.get(lesson.url).content.decode()
    assert "h5p-activity__frame" in page and 'data-access="closed"' not in page


def test_the_catalogue_labels_each_course_in_constant_queries(
    client_for, catalogue, closed, world, django_assert_max_num_queries
):
    client = client_for(world.trainee.user)
    client.get(catalogue.url)
    with django_assert_max_num_queries(40) as few:
        page = client.get(catalogue.url).content.decode()
    assert 'data-access="closed"' in page
    baseline = len(few.captured_queries)
    for n in range(5):
        CoursePageFactory(parent=catalogue, slug=f"more-{n}", open_enrolment=False)
    Assignment.objects.create(page=closed, organisation=world.company)
    client.get(catalogue.url)  # the site's page-tree cache, after the new pages
    with django_assert_max_num_queries(baseline):
        page = client.get(catalogue.url).content.decode()
    assert 'data-access="assigned"' in page


def test_nothing_is_recorded_by_viewing(client_for, closed, world):
    client_for(world.trainee.user).get(closed.lessons_in_order[0].url)
    assert not LessonCompletion.objects.exists() and not Enrolment.objects.exists()
