"""axe-core (tests/e2e/vendor/axe-core) on every page of a trainee's journey, on a
360 px phone: no serious or critical violation, in the page or in its frames
(the H5P player and the frame H5P draws inside it)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.drills import tokens
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.journeys import (
    course_of_two_lessons,
    exam,
    h5p_lesson,
    qualification_needing,
)
from tests.e2e.test_login import sign_in
from tests.factories import DrillFactory, QualificationRecordFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_no_serious_violation_on_a_trainees_pages(
    narrow_phone, trainee, live_server, settings
):
    course, _first, _second = course_of_two_lessons(trainee)
    exercise = h5p_lesson(course, live_server, settings)
    quiz = exam()
    qualification_needing(course, quiz)
    record = QualificationRecordFactory(person=trainee)  # no photo: 无照片
    drill = DrillFactory(organisations=[trainee.organisation], token_seconds=300)
    page = narrow_phone
    found = {}

    def check(name):
        found[name] = serious_violations(page)

    page.goto("/login/")
    check("login")
    sign_in(page, TRAINEE_PHONE)
    expect(page.locator("#my-learning")).to_be_visible()
    check("home")
    page.goto(course.url)
    check("course")
    page.goto(exercise.url)
    player = page.frame_locator("iframe.h5p-activity__frame")
    expect(player.locator("iframe.h5p-iframe")).to_be_attached(timeout=20_000)
    expect(
        player.frame_locator("iframe.h5p-iframe").locator(".h5p-question-check-answer")
    ).to_be_visible(timeout=20_000)
    check("lesson with H5P")

    page.goto(f"/quizzes/{quiz.pk}/")
    page.locator(f'form[action="/quizzes/{quiz.pk}/start/"] button').click()
    expect(page.locator("fieldset.question")).to_have_count(2)
    check("exam attempt")

    page.goto("/c/")
    check("/c/")
    page.get_by_label("签到码", exact=True).fill(
        tokens.text_code_for(drill, timezone.now())
    )
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.locator('[data-checkin="ok"]')).to_be_visible()
    check("check-in result")

    page.goto("/certs/")
    check("/certs/")
    page.goto(f"/certs/records/{record.serial}/")
    check("record")
    page.goto(f"/certs/records/{record.serial}/certificate/")
    expect(page.locator(".photo--empty")).to_be_visible()
    check("certificate")
    page.goto(f"/v/{record.code}")
    check("/v/")

    failing = [f"{name}: {line}" for name, lines in found.items() for line in lines]
    assert not failing, "\n".join(failing)
