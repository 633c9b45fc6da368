"""A trainee studies on a phone: the seasonal class on the home page, then a lesson
with the real H5P True/False package, scored by the server."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Page

from lms.courses.constants import EnrolmentStatus
from lms.courses.models import Enrolment
from lms.h5p.models import H5PResult
from tests.e2e import journeys
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_login import sign_in
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    SeasonalClassPageFactory,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def catalogue():
    return CourseIndexPageFactory(parent=Page.objects.get(depth=2), slug="courses")


def test_seasonal_class_shows_on_the_phone_home_inside_its_window(
    phone, trainee, catalogue
):
    now = timezone.now()
    SeasonalClassPageFactory(
        parent=catalogue,
        slug="winter",
        title="冬季防火小课堂",
        go_live_at=now - datetime.timedelta(days=1),
        expire_at=now + datetime.timedelta(days=30),
    )
    SeasonalClassPageFactory(
        parent=catalogue,
        slug="fireworks",
        title="春节烟花爆竹安全",
        go_live_at=now + datetime.timedelta(days=60),
        theme="fireworks",
    )
    phone.goto("/login/")
    sign_in(phone, TRAINEE_PHONE)
    learning = phone.locator("#my-learning").locator("..")
    expect(learning).to_contain_text("冬季防火小课堂")
    expect(learning).not_to_contain_text("春节烟花爆竹安全")


def test_trainee_passes_the_real_true_false_package_on_a_phone(
    phone, trainee, catalogue, live_server, settings
):
    # The player is framed from 127.0.0.1, another origin of the live server (which
    # answers as localhost), as in development; the answer is "False".
    course = CoursePageFactory(parent=catalogue, slug="fire", study_hours=Decimal(2))
    lesson = journeys.h5p_lesson(course, live_server, settings)
    phone.goto("/login/")
    sign_in(phone, TRAINEE_PHONE)
    phone.goto(lesson.url)
    player = phone.frame_locator("iframe.h5p-activity__frame").frame_locator(
        "iframe.h5p-iframe"
    )
    player.get_by_text("False", exact=True).tap()
    player.get_by_role("button", name="Check").tap()
    expect(phone.locator("[data-h5p-status]")).to_contain_text("1 / 1", timeout=20_000)

    result = H5PResult.objects.get(user=trainee.user)
    assert result.passed and result.best_raw == 1
    enrolment = Enrolment.objects.get(person=trainee, page=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.hours_credited == Decimal(2)
    phone.goto("/")
    expect(phone.locator("#my-learning").locator("..")).to_contain_text("2")
