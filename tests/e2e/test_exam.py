"""A trainee takes a 20-question exam on a phone, loses the network midway, carries
on, hands in and sees the score the server gave."""

import pytest
from playwright.sync_api import expect

from lms.quizzes.constants import AttemptStatus, QuestionKind
from lms.quizzes.models import Attempt, AttemptQuestion
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_login import sign_in
from tests.factories import quiz_with_questions

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


def answer(page, keys, positions):
    for position in positions:
        for choice in keys[position]:
            page.locator(f'#q{position} input[value="{choice}"]').check()


def saved_answers(attempt):
    return AttemptQuestion.objects.filter(
        attempt=attempt, response__isnull=False
    ).count()


def test_an_exam_survives_a_network_drop(phone, trainee):
    quiz = quiz_with_questions(
        count=20, points=5, kinds=KINDS, time_limit_minutes=60, title="保安员模拟考试"
    )
    phone.goto("/login/")
    sign_in(phone, TRAINEE_PHONE)
    phone.goto(f"/quizzes/{quiz.pk}/")
    expect(phone.locator("h1")).to_have_text("保安员模拟考试")
    phone.locator(f'form[action="/quizzes/{quiz.pk}/start/"] button').click()
    expect(phone.locator("fieldset.question")).to_have_count(20)
    expect(phone.locator("[data-countdown]")).to_contain_text(":")

    attempt = Attempt.objects.get(quiz=quiz)
    keys = {
        row.position: row.snapshot["answer"]
        for row in AttemptQuestion.objects.filter(attempt=attempt)
    }
    status = phone.locator("[data-save-status]")

    answer(phone, keys, range(1, 11))
    expect(status).to_have_attribute("data-state", "saved")
    assert saved_answers(attempt) == 10

    phone.context.set_offline(True)
    answer(phone, keys, range(11, 16))
    expect(status).to_have_attribute("data-state", "offline")
    expect(phone.locator("[data-answered]")).to_have_text("15")
    assert saved_answers(attempt) == 10  # the server has not heard of them yet

    phone.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    assert saved_answers(attempt) == 15

    # The trainee closes the page and comes back later: the same attempt, as left.
    phone.goto(f"/quizzes/{quiz.pk}/")
    phone.locator(f'a[href="/quizzes/attempts/{attempt.public_id}/"]').click()
    expect(phone.locator("[data-answered]")).to_have_text("15")
    answer(phone, keys, range(16, 21))
    expect(status).to_have_attribute("data-state", "saved")
    phone.locator("[data-submit]").click()

    expect(phone.locator("[data-score]")).to_have_attribute("data-score", "100.00")
    expect(phone.locator("[data-passed]")).to_have_attribute("data-passed", "true")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.score == 100
    # Fits a phone: nothing wider than the screen.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
