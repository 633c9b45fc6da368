"""A new trainee's check-in on the narrowest phone (360 px, WeChat's browser,
third-party storage blocked as Chromium blocks it by default): from the login to
a check-in with the typed code and back home, without a reload or a dead end;
the home page shows their own status; refusals say what happened and what to do
next, on the page meant for when scanning fails."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.drills import tokens
from lms.drills.models import Attendance
from lms.people.constants import Role
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.phone import width
from tests.e2e.test_login import path_is, sign_in
from tests.factories import DrillFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
SCREEN = 360


@pytest.fixture
def drill(trainee):
    # Started five minutes ago; codes that last five minutes (a slow machine
    # types slowly).
    return DrillFactory(
        organisations=[trainee.organisation], title="消防疏散演练", token_seconds=300
    )


def current_code(drill):
    return tokens.text_code_for(drill, timezone.now())


def wrong_code(drill):
    return "".join("B" if ch == "A" else "A" for ch in current_code(drill))


def type_code(page, code):
    page.get_by_label("签到码", exact=True).fill(code)
    page.get_by_role("button", name="签到", exact=True).click()


def test_a_new_trainee_checks_in_with_the_code_and_home_says_checked_in(
    narrow_phone, trainee, drill
):
    page = narrow_phone
    page.goto("/")
    page.get_by_role("link", name="登录").click()
    sign_in(page, TRAINEE_PHONE)
    expect(page).to_have_url(path_is("/"))
    drills = page.locator('section[aria-labelledby="my-drills"]')
    mine = drills.locator("li", has_text=drill.title)
    # Started, not yet checked in: not "upcoming".
    expect(mine).to_contain_text("正在签到")
    expect(mine).not_to_contain_text("即将开始")

    page.get_by_role("link", name="输入签到码").click()
    expect(page).to_have_url(path_is("/c/"))
    assert width(page) <= SCREEN

    type_code(page, "AB")
    refusal = page.locator("[data-refusal]")
    expect(refusal).to_have_attribute("data-refusal", "code_short")
    expect(refusal).to_contain_text("6 位")
    expect(refusal).not_to_contain_text("过期")
    expect(refusal).not_to_contain_text("扫描")
    assert width(page) <= SCREEN

    type_code(page, wrong_code(drill))
    expect(refusal).to_have_attribute("data-refusal", "code_wrong")
    expect(refusal).to_contain_text("屏幕上现在显示的签到码")
    expect(refusal).not_to_contain_text("重新扫描")
    assert width(page) <= SCREEN
    assert not Attendance.objects.exists()

    type_code(page, current_code(drill))
    card = page.locator('[data-checkin="ok"]')
    expect(card).to_have_attribute("data-my-status", "present")
    expect(card.locator(".big-number")).to_have_text("已签到")
    assert width(page) <= SCREEN
    assert Attendance.objects.get().person == trainee

    card.get_by_role("link", name="首页").click()
    expect(mine).to_contain_text("已签到")
    expect(mine).not_to_contain_text("即将开始")
    expect(mine.locator("[data-my-status]")).to_have_attribute(
        "data-my-status", "present"
    )


def test_a_second_person_on_the_same_phone_is_told_why_and_offered_their_badge(
    narrow_phone, trainee, drill
):
    person_with_role(
        Role.TRAINEE, organisation=trainee.organisation, username="trainee2"
    )
    page = narrow_phone
    page.goto("/login/?next=/c/")
    sign_in(page, TRAINEE_PHONE)
    type_code(page, current_code(drill))
    expect(page.locator('[data-checkin="ok"]')).to_be_visible()
    page.get_by_role("button", name="退出").click()

    page.goto("/login/?next=/c/")
    sign_in(page, "trainee2")
    type_code(page, current_code(drill))
    refusal = page.locator("[data-refusal]")
    expect(refusal).to_have_attribute("data-refusal", "device_used")
    expect(refusal).to_contain_text("这部手机已为其他人签到")
    expect(refusal).to_contain_text("用你自己的手机")
    expect(refusal).not_to_contain_text("重新扫描")
    assert width(page) <= SCREEN
    refusal.get_by_role("link", name="出示我的身份码").click()
    expect(page).to_have_url(re.compile(r"/me/badge/$"))
    assert Attendance.objects.count() == 1
