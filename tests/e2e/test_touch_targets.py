"""Every target a trainee's finger hits on a 360 px phone is at least 44x44 px:
the home page's links and expander, the course and lesson pages, the H5P
exercise's own buttons, the scanner page and the typed-code page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.courses.constants import EnrolmentSource, EnrolmentStatus
from lms.courses.models import Enrolment
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.journeys import course_of_two_lessons, h5p_lesson
from tests.e2e.phone import MIN_TARGET, small_targets
from tests.e2e.test_login import sign_in
from tests.factories import CoursePageFactory, QualificationRecordFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_trainee_pages_have_44_px_targets(narrow_phone, trainee, live_server, settings):
    course, first, _second = course_of_two_lessons(trainee)
    done = CoursePageFactory(parent=course.get_parent(), slug="done", title="急救常识")
    Enrolment.objects.create(
        person=trainee,
        page=done,
        source=EnrolmentSource.ASSIGNED,
        status=EnrolmentStatus.COMPLETED,
        completed_at=timezone.now(),
    )
    QualificationRecordFactory(person=trainee)
    exercise = h5p_lesson(course, live_server, settings)
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)

    learning = page.locator('section[aria-labelledby="my-learning"]')
    expect(learning.locator("summary")).to_have_text("已完成 1 门课程")
    expect(page.get_by_role("link", name="我的全部资格及尚缺条件")).to_be_visible()
    too_small = {"/": small_targets(page)}
    for path in (course.url, first.url, "/drills/scan/", "/c/", "/certs/"):
        page.goto(path)
        too_small[path] = small_targets(page)
    assert all(not targets for targets in too_small.values()), too_small

    page.goto(exercise.url)
    check = (
        page.frame_locator("iframe.h5p-activity__frame")
        .frame_locator("iframe.h5p-iframe")
        .locator(".h5p-question-check-answer")
    )
    expect(check).to_be_visible(timeout=20_000)
    box = check.bounding_box()
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, box
