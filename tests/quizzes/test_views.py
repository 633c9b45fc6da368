"""The trainee's pages: quiz, attempt, autosave, hand-in, result; and what the
attempt page sends before submission (no answer key, in any form)."""

import json
import re

import pytest
from django.urls import reverse

from lms.quizzes.constants import AttemptStatus, QuestionKind, Review
from lms.quizzes.models import Attempt, AttemptQuestion
from tests.factories import QuestionFactory, quiz_with_questions

pytestmark = pytest.mark.django_db
KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


def start(client, quiz):
    response = client.post(reverse("quiz_start", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(quiz=quiz, status=AttemptStatus.IN_PROGRESS), response


def save(client, attempt, position, choices):
    return client.post(
        reverse("quiz_attempt_answer", args=[attempt.public_id]),
        data=json.dumps({"position": position, "choices": choices}),
        content_type="application/json",
    )


def test_a_trainee_takes_a_quiz_from_start_to_result(client_for, world):
    quiz = quiz_with_questions(count=5, points=20, kinds=KINDS, review=Review.ANSWERS)
    client = client_for(world.trainee.user)
    page = client.get(reverse("quiz_detail", args=[quiz.pk])).content.decode()
    assert quiz.title in page and reverse("quiz_start", args=[quiz.pk]) in page
    attempt, response = start(client, quiz)
    assert response["Location"] == reverse("quiz_attempt", args=[attempt.public_id])
    page = client.get(response["Location"])
    assert page["Cache-Control"] == "no-store"
    assert page.content.decode().count('class="card question"') == 5
    keys = {
        row.position: row.snapshot["answer"]
        for row in AttemptQuestion.objects.filter(attempt=attempt)
    }
    for position in (1, 2, 3, 4):
        assert save(client, attempt, position, keys[position]).json() == {
            "saved": True,
            "position": position,
        }
    client.post(reverse("quiz_attempt_submit", args=[attempt.public_id]))
    result = client.get(reverse("quiz_attempt", args=[attempt.public_id]))
    html = result.content.decode()
    assert 'data-score="80.00"' in html and 'data-passed="true"' in html
    assert "保安员无权搜身或扣押证件。" in html  # explanations, as the quiz allows


def test_the_form_alone_hands_in_every_answer(client_for, world):
    """Without JavaScript: the answers travel with the hand-in."""
    quiz = quiz_with_questions(count=2, points=50)
    client = client_for(world.trainee.user)
    attempt, _response = start(client, quiz)
    keys = {
        f"q{row.position}": row.snapshot["answer"]
        for row in AttemptQuestion.objects.filter(attempt=attempt)
    }
    client.post(reverse("quiz_attempt_submit", args=[attempt.public_id]), data=keys)
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_the_attempt_page_never_sends_the_answer_key(client_for, world):
    """Two attempts whose answer keys differ everywhere produce the same page (but
    for the CSRF token and ids): nothing in the HTML, attributes or scripts can
    reveal a key. The autosave reply says nothing about correctness either."""
    quiz = quiz_with_questions(count=6, kinds=KINDS, shuffle_options=False)
    client = client_for(world.trainee.user)
    attempt, response = start(client, quiz)

    def page():
        html = client.get(response["Location"]).content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html

    before = page()
    for row in AttemptQuestion.objects.filter(attempt=attempt):
        snapshot = row.snapshot
        count = (
            2
            if snapshot["kind"] == QuestionKind.TRUE_FALSE
            else len(snapshot["options"])
        )
        snapshot["answer"] = [(i + 1) % count for i in snapshot["answer"]][:1]
        row.snapshot = snapshot
        row.save()
    assert page() == before
    assert "保安员无权搜身或扣押证件。" not in before  # no explanation either
    for attribute in ("data-answer=", "data-correct", "data-explanation"):
        assert attribute not in before
    reply = save(client, attempt, 1, [0])
    assert set(reply.json()) == {"saved", "position"}


def test_answers_to_another_persons_attempt_are_not_found(client_for, world):
    quiz = quiz_with_questions(count=2)
    attempt, _response = start(client_for(world.trainee.user), quiz)
    other = client_for(world.colleague.user)
    assert save(other, attempt, 1, [0]).status_code == 404
    assert (
        other.get(reverse("quiz_attempt", args=[attempt.public_id])).status_code == 404
    )
    assert (
        other.post(reverse("quiz_attempt_submit", args=[attempt.public_id])).status_code
        == 404
    )
    assert not AttemptQuestion.objects.filter(response__isnull=False).exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{}",
        '{"position": "x", "choices": [0]}',
        '{"position": 1}',
        "9" * 3000,
    ],
)
def test_an_unreadable_autosave_gets_a_clear_error(client_for, world, body):
    quiz = quiz_with_questions(count=2)
    client = client_for(world.trainee.user)
    attempt, _response = start(client, quiz)
    reply = client.post(
        reverse("quiz_attempt_answer", args=[attempt.public_id]),
        data=body,
        content_type="application/json",
    )
    assert reply.status_code == 400 and reply.json()["error"]


def test_autosave_after_hand_in_says_closed(client_for, world):
    quiz = quiz_with_questions(count=2)
    client = client_for(world.trainee.user)
    attempt, _response = start(client, quiz)
    client.post(reverse("quiz_attempt_submit", args=[attempt.public_id]))
    reply = save(client, attempt, 1, [0])
    assert reply.status_code == 409 and reply.json()["closed"] is True


def test_pages_need_a_login_and_a_trainee_record(client, client_for, world):
    from tests.factories import UserFactory

    quiz = quiz_with_questions(count=2)
    url = reverse("quiz_detail", args=[quiz.pk])
    assert reverse("login") in client.get(url)["Location"]
    assert client_for(UserFactory()).get(url).status_code == 403


def test_a_closed_window_shows_why(client_for, world):
    from datetime import timedelta

    from django.utils import timezone

    quiz = quiz_with_questions(count=2, closes_at=timezone.now() - timedelta(days=1))
    quiz.opens_at = timezone.now() - timedelta(days=2)
    quiz.save()
    client = client_for(world.trainee.user)
    page = client.get(reverse("quiz_detail", args=[quiz.pk])).content.decode()
    assert reverse("quiz_start", args=[quiz.pk]) not in page
    response = client.post(reverse("quiz_start", args=[quiz.pk]), follow=True)
    assert "不在开放时间" in response.content.decode() or "not open" in (
        response.content.decode()
    )
    assert not Attempt.objects.exists()


def test_the_attempt_page_takes_constant_queries(
    client_for, world, django_assert_max_num_queries
):
    client = client_for(world.trainee.user)

    def opened(count):
        quiz = quiz_with_questions(count=count, kinds=KINDS)
        attempt, response = start(client, quiz)
        client.get(response["Location"])
        return response["Location"], attempt

    small, _a = opened(10)
    large, attempt = opened(100)
    with django_assert_max_num_queries(12) as few:
        client.get(small)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(large)
    assert page.content.decode().count('class="card question"') == 100


def test_question_images_are_served_as_renditions(client_for, world):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    image = get_image_model().objects.create(title="灭火器", file=get_test_image_file())
    quiz = quiz_with_questions(count=1)
    QuestionFactory._meta.model.objects.update(image=image)
    client = client_for(world.trainee.user)
    _attempt, response = start(client, quiz)
    html = client.get(response["Location"]).content.decode()
    figure = re.search(r'<p class="question__image"><img [^>]*>', html)[0]
    assert ".max-800x600" in figure and 'loading="lazy"' in figure


def test_the_home_page_lists_open_exams(client_for, world):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    exam = quiz_with_questions(count=2, title="保安员资格考试")
    quiz_with_questions(count=2, title="练习：消防", kind="practice")
    quiz_with_questions(
        count=2, title="已结束的考试", closes_at=now - timedelta(days=1)
    )
    client = client_for(world.trainee.user)
    home = client.get("/").content.decode()
    assert "保安员资格考试" in home and reverse("quiz_detail", args=[exam.pk]) in home
    assert "练习：消防" not in home and "已结束的考试" not in home
    attempt, _response = start(client, exam)
    home = client.get("/").content.decode()
    assert reverse("quiz_attempt", args=[attempt.public_id]) in home


def test_opening_an_attempt_after_its_time_shows_the_result(client_for, world):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    quiz = quiz_with_questions(count=2, points=50, time_limit_minutes=5)
    client = client_for(world.trainee.user)
    attempt, response = start(client, quiz)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        page = client.get(response["Location"]).content.decode()
    assert 'data-score="0.00"' in page
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.TIMED_OUT
