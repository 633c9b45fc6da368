"""The words a trainee reads on a 360 px phone: what they still need as things to
do, each with a way to it; full-width punctuation in Chinese; the site's name
once; each language named in itself."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.journeys import course_of_two_lessons, exam, qualification_needing
from tests.e2e.test_login import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_the_welcome_names_the_site_once_and_each_language_in_itself(narrow_phone):
    page = narrow_phone
    page.goto("/")
    expect(page.locator("main .hero h1")).to_have_text("守望")
    options = page.locator("select#language option")
    expect(options).to_have_text(["简体中文", "English"])
    page.locator("select#language").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("main .hero h1")).to_have_text("Shouwang 守望")
    expect(options).to_have_text(["简体中文", "English"])


def test_what_i_still_need_says_what_to_do_and_leads_there(narrow_phone, trainee):
    course, first, _second = course_of_two_lessons(trainee)
    quiz = exam()
    qualification_needing(course, quiz)
    page = narrow_phone
    page.goto("/login/?next=/certs/")
    sign_in(page, TRAINEE_PHONE)
    section = page.locator('section[aria-labelledby="still-needed"]')
    needs = section.locator("ul ul > li")
    expect(needs).to_have_count(3)
    expect(needs.nth(0)).to_contain_text("学完课程《消防安全基础》")
    expect(needs.nth(1)).to_contain_text(
        "通过考试《保安员资格模拟考试》，成绩不低于 80%"
    )
    expect(needs.nth(2)).to_contain_text("参加一次消防演练（近 12 个月内）")
    for done_sounding in ("课程已完成", "考试已通过", "已参加演练", ":"):
        expect(section).not_to_contain_text(done_sounding)

    needs.nth(1).get_by_role("link", name="去考试").click()
    expect(page).to_have_url(re.compile(rf"/quizzes/{quiz.pk}/$"))
    page.go_back()
    needs.nth(2).get_by_role("link", name="查看我的演练").click()
    expect(page).to_have_url(re.compile(r"/#my-drills$"))
    page.go_back()
    needs.nth(0).get_by_role("link", name="去学习").click()
    expect(page).to_have_url(re.compile(r"/courses/fire/$"))
    # The course page: the way on, with a full-width colon.
    expect(page.locator(".actions .button--primary")).to_have_text(
        "开始学习：认识灭火器"
    )
    page.get_by_role("link", name="开始学习：认识灭火器").click()
    page.get_by_role("button", name="完成本课").click()
    # Back to the lesson's own panel, which offers the next lesson.
    expect(page.locator("main h1")).to_have_text("认识灭火器")
    expect(page.get_by_role("link", name="下一课：火场疏散引导")).to_be_visible()
    page.goto(first.url)  # a completed lesson offers the next one
    expect(page.get_by_role("link", name="下一课：火场疏散引导")).to_be_visible()
