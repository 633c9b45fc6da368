"""A new trainee, on a 360 px phone in WeChat's browser with third-party storage
blocked, goes from signing in to a finished course: no reload, no dead end. Also
the ways around it: the course list from home, a lesson completed without a
misleading message on the next one, the practice quiz's result leading back to its
lesson, and no missing file on a first visit."""

import pytest
from playwright.sync_api import expect

from lms.courses.constants import EnrolmentStatus
from lms.courses.models import Enrolment
from lms.quizzes.models import Attempt, AttemptQuestion
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.journeys import demo_fire_course
from tests.e2e.test_h5p_phone import SHOTS
from tests.e2e.test_login import sign_in
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.factories.courses import home

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def fire_course(trainee):
    return demo_fire_course(trainee)


def hand_in_right_answers(page):
    expect(page.locator("fieldset.question")).to_have_count(2)
    attempt = Attempt.objects.latest("started_at")
    for row in AttemptQuestion.objects.filter(attempt=attempt):
        for choice in row.snapshot["answer"]:
            page.locator(f'#q{row.position} input[value="{choice}"]').check()
    page.locator("[data-submit]").tap()


def test_a_new_trainee_finishes_a_course_on_a_360px_phone_without_a_reload(
    narrow_phone, trainee, fire_course, h5p_content_origin
):
    page = narrow_phone
    missing = []
    page.on("response", lambda r: r.status >= 400 and missing.append(r.url))
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)

    page.locator("#my-learning").locator("..").get_by_role(
        "link", name="消防安全基础"
    ).tap()
    page.get_by_role("link", name="开始学习：认识灭火器").tap()
    page.get_by_role("button", name="完成本课").tap()
    expect(page.locator("[data-lesson-completed]")).to_have_text("本课已完成")
    page.get_by_role("link", name="下一课：初起火灾扑救").tap()

    # The exercise, with the player's storage blocked.
    expect(page.locator("h1")).to_have_text("初起火灾扑救")
    page.evaluate("window.notReloaded = true")
    content = page.frame_locator("iframe.h5p-activity__frame").frame_locator(
        "iframe.h5p-iframe"
    )
    content.get_by_role("radio", name="错").tap()
    content.get_by_role("button", name="检查").tap()
    next_lesson = page.get_by_role("link", name="下一课：火场疏散引导")
    expect(next_lesson).to_be_visible()
    assert page.evaluate("window.notReloaded === true")
    next_lesson.tap()
    assert not missing

    # The practice quiz, then back to its lesson, which says what was earned.
    page.get_by_role("link", name="进入测验").tap()
    page.get_by_role("button", name="开始测验").tap()
    hand_in_right_answers(page)
    expect(page.locator("[data-passed]")).to_have_attribute("data-passed", "true")
    expect(page.locator(".lesson-done")).to_contain_text(
        "“消防安全基础”已完成：计入 2 学时。"
    )
    page.screenshot(path=f"{SHOTS}/journey-quiz-result.png", full_page=True)
    page.get_by_role("link", name="返回本课：火场疏散引导").tap()
    expect(page.locator("#lesson-done")).to_contain_text("“消防安全基础”已完成")
    page.get_by_role("link", name="返回课程").tap()
    expect(page.locator(".status--active").first).to_contain_text("已完成")
    page.screenshot(path=f"{SHOTS}/journey-course-done.png", full_page=True)

    enrolment = Enrolment.objects.get(person=trainee, page=fire_course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.hours_credited == 2
    assert not missing


def test_the_course_list_is_linked_from_home(narrow_phone, trainee):
    catalogue = CourseIndexPageFactory(parent=home(), slug="courses", title="培训课程")
    CoursePageFactory(parent=catalogue, slug="first-aid", title="急救常识")
    narrow_phone.goto("/login/")
    sign_in(narrow_phone, TRAINEE_PHONE)
    narrow_phone.get_by_role("link", name="全部课程和小课堂").tap()
    expect(narrow_phone.locator("h1")).to_have_text("培训课程")
    expect(narrow_phone.locator(".learnable")).to_contain_text("急救常识")


def test_a_completed_lesson_is_not_announced_on_the_next_one(narrow_phone, trainee):
    catalogue = CourseIndexPageFactory(parent=home(), slug="courses")
    course = CoursePageFactory(parent=catalogue, slug="aid", title="急救常识")
    LessonPageFactory(parent=course, slug="cpr", title="心肺复苏")
    LessonPageFactory(parent=course, slug="bleeding", title="止血包扎")
    narrow_phone.goto("/login/")
    sign_in(narrow_phone, TRAINEE_PHONE)
    narrow_phone.goto(course.url)
    narrow_phone.get_by_role("button", name="报名学习").tap()
    narrow_phone.get_by_role("link", name="开始学习：心肺复苏").tap()
    narrow_phone.get_by_role("button", name="完成本课").tap()
    # Said on the lesson that was completed, beside what comes next...
    expect(narrow_phone.locator("h1")).to_have_text("心肺复苏")
    expect(narrow_phone.locator("[data-lesson-completed]")).to_have_text("本课已完成")
    narrow_phone.get_by_role("link", name="下一课：止血包扎").tap()
    # ...and not at the top of the next one, as if that were done.
    expect(narrow_phone.locator("h1")).to_have_text("止血包扎")
    expect(narrow_phone.locator(".messages")).to_have_count(0)
    expect(narrow_phone.get_by_text("本课已完成")).to_have_count(0)


def test_a_first_visit_asks_for_no_missing_file(narrow_phone, trainee):
    """The favicon was a 12 KB 404 page on every first visit."""
    responses = []
    narrow_phone.on("response", lambda r: responses.append((r.url, r.status)))
    narrow_phone.goto("/login/")
    sign_in(narrow_phone, TRAINEE_PHONE)
    expect(narrow_phone.locator("#my-learning")).to_be_visible()
    # Whoever asks for /favicon.ico (in-app browsers do, whatever the page says)
    # is sent to the icon.
    icon = narrow_phone.evaluate(
        "fetch('/favicon.ico').then(r => [r.status, r.headers.get('content-type')])"
    )
    assert icon[0] == 200 and "icon" in icon[1]
    assert [url for url, status in responses if status >= 400] == []
