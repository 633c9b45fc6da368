"""A course that is not open to the trainee says so before study starts, on a 360 px
phone, with how to get access; a lesson it shares with a running seasonal class
stays open through the class (lms/courses/access.py decides, once)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.courses.models import Enrolment, LessonCompletion
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_h5p_phone import SHOTS, h5p_block
from tests.e2e.test_login import sign_in
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    SeasonalClassPageFactory,
)
from tests.factories.courses import home

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_a_closed_course_says_so_before_study_starts(
    narrow_phone, trainee, h5p_content_origin
):
    from lms.courses.demo_h5p import chinese_true_false_package

    catalogue = CourseIndexPageFactory(parent=home(), slug="courses", title="培训课程")
    course = CoursePageFactory(
        parent=catalogue, slug="fire-safety", title="消防安全基础", open_enrolment=False
    )
    shared = LessonPageFactory(parent=course, slug="extinguisher", title="认识灭火器")
    exercise = LessonPageFactory(
        parent=course,
        slug="first-response",
        title="初起火灾扑救",
        body=[h5p_block(chinese_true_false_package())],
    )
    now = timezone.now()
    winter = SeasonalClassPageFactory(
        parent=catalogue,
        slug="winter-fire",
        title="冬季防火小课堂",
        go_live_at=now - datetime.timedelta(days=1),
        expire_at=now + datetime.timedelta(days=30),
        lessons=[("lesson", shared)],
    )
    narrow_phone.goto("/login/")
    sign_in(narrow_phone, TRAINEE_PHONE)

    # The course list: the course is marked, before anything is opened.
    narrow_phone.get_by_role("link", name="全部课程和小课堂").tap()
    card = narrow_phone.locator(".learnable", has_text="消防安全基础")
    expect(card.locator(".learnable__access")).to_have_text("未对您开放")
    expect(card).to_contain_text("适用对象：所有人")
    card.get_by_role("link", name="消防安全基础").tap()

    # The course page: why, whom to ask, and what is open anyway.
    notice = narrow_phone.locator("[data-access=closed]")
    expect(notice).to_contain_text("只对分配了该课程的单位和队组开放")
    expect(notice).to_contain_text("请联系深圳平安保安服务公司的培训负责人")
    expect(narrow_phone.get_by_text("开始学习")).to_have_count(0)
    expect(
        narrow_phone.locator(".lessons__item", has_text="认识灭火器")
    ).to_contain_text("可在“冬季防火小课堂”中学习")
    narrow_phone.screenshot(path=f"{SHOTS}/access-closed-course.png", full_page=True)

    # A lesson only the course holds: said at the top; no exercise, no button.
    narrow_phone.goto(exercise.url)
    expect(narrow_phone.locator("[data-access=closed]")).to_be_visible()
    expect(narrow_phone.locator("iframe.h5p-activity__frame")).to_have_count(0)
    expect(
        narrow_phone.get_by_text("本练习只对可以学习本课程的学员开放")
    ).to_be_visible()
    expect(narrow_phone.get_by_role("button", name="完成本课")).to_have_count(0)
    narrow_phone.screenshot(path=f"{SHOTS}/access-closed-lesson.png", full_page=True)

    # Through the running class the shared lesson is open, and it counts there.
    narrow_phone.goto(course.url)
    narrow_phone.get_by_role("link", name="学习“冬季防火小课堂”（所有人开放）").tap()
    expect(narrow_phone.locator("h1")).to_have_text("冬季防火小课堂")
    narrow_phone.get_by_role("link", name="开始学习：认识灭火器").tap()
    expect(narrow_phone.locator("[data-access=closed]")).to_have_count(0)
    narrow_phone.get_by_role("button", name="完成本课").tap()
    expect(narrow_phone.locator("[data-lesson-completed]")).to_have_text("本课已完成")
    assert LessonCompletion.objects.filter(person=trainee, lesson=shared).exists()
    assert list(
        Enrolment.objects.filter(person=trainee).values_list("page_id", flat=True)
    ) == [winter.pk]
