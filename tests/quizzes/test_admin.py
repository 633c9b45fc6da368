"""Instructors write questions and quizzes in the Wagtail admin."""

import pytest
from django.urls import reverse

from lms.quizzes.models import Question, Quiz
from tests.factories import CategoryFactory, QuestionFactory
from tests.quizzes.conftest import either

pytestmark = pytest.mark.django_db
SINGLE = "A single-choice question needs exactly one correct option."
MULTIPLE = "A multiple-choice question needs at least one correct option."
TRUE_FALSE = "A true/false question has no options of its own."
NO_SUCH_OPTION = "The correct answer names an option that does not exist."


def question_form(category, **overrides):
    data = {
        "bank": category.bank_id,
        "category": category.pk,
        "code": "FL-900",
        "kind": "single",
        "difficulty": 2,
        "stem": "保安员可以扣押他人证件吗？",
        "option_a": "可以",
        "option_b": "不可以",
        "option_c": "经领导同意可以",
        "correct": ["B"],
        "true_or_false": "",
        "explanation": "保安服务管理条例禁止扣押他人证件。",
        "tags": "法规",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_an_instructor_writes_a_question_with_lettered_options(client_for, world):
    category = CategoryFactory()
    client = client_for(world.instructor.user)
    response = client.post(
        reverse("wagtailsnippets_quizzes_question:add"), question_form(category)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(code="FL-900")
    assert question.options == ["可以", "不可以", "经领导同意可以"]
    assert question.answer == [1]
    edit = client.get(
        reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    )
    assert 'value="不可以"' in edit.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"correct": ["A", "B"]}, SINGLE),
        ({"correct": []}, SINGLE),
        ({"kind": "multiple", "correct": []}, MULTIPLE),
        ({"kind": "true_false", "true_or_false": "true"}, TRUE_FALSE),
        ({"stem": " "}, "The question text is empty."),
        ({"correct": ["E"]}, NO_SUCH_OPTION),
    ],
)
def test_a_question_that_cannot_be_marked_is_refused(
    client_for, world, overrides, message
):
    category = CategoryFactory()
    response = client_for(world.instructor.user).post(
        reverse("wagtailsnippets_quizzes_question:add"),
        question_form(category, **overrides),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert any(text in html for text in either(message))
    assert html.count("</li>\n<li>") < 2  # each problem said once
    assert not Question.objects.exists()


def test_a_true_false_question_needs_no_options(client_for, world):
    category = CategoryFactory()
    response = client_for(world.instructor.user).post(
        reverse("wagtailsnippets_quizzes_question:add"),
        question_form(
            category,
            kind="true_false",
            option_a="",
            option_b="",
            option_c="",
            correct=[],
            true_or_false="false",
        ),
    )
    assert response.status_code == 302
    assert Question.objects.get().answer == [1]


def quiz_form(bank, count):
    return {
        "title": "保安员资格模拟考试",
        "kind": "exam",
        "description": "",
        "pass_mark": 60,
        "grading": "highest",
        "time_limit_minutes": 90,
        "max_attempts": "",
        "multiple_scoring": "all_or_nothing",
        "review": "score",
        "shuffle_questions": "on",
        "shuffle_options": "on",
        "opens_at": "",
        "closes_at": "",
        "rules-TOTAL_FORMS": 1,
        "rules-INITIAL_FORMS": 0,
        "rules-MIN_NUM_FORMS": 1,
        "rules-MAX_NUM_FORMS": 1000,
        "rules-0-bank": bank.pk,
        "rules-0-category": "",
        "rules-0-kind": "",
        "rules-0-difficulty": "",
        "rules-0-count": count,
        "rules-0-points": "10",
        "rules-0-ORDER": 1,
        "rules-0-id": "",
        "rules-0-DELETE": "",
    }


def test_a_quiz_asking_more_than_the_bank_holds_is_refused(client_for, world):
    category = CategoryFactory()
    for _ in range(3):
        QuestionFactory(category=category)
    client = client_for(world.instructor.user)
    url = reverse("wagtailsnippets_quizzes_quiz:add")
    response = client.post(url, quiz_form(category.bank, 5))
    assert response.status_code == 200
    shortfall = (
        "Rule %(number)s asks for %(count)s questions but only "
        "%(available)s in the bank match it."
    )
    html = response.content.decode()
    assert any(
        text % {"number": 1, "count": 5, "available": 3} in html
        for text in either(shortfall)
    )
    assert not Quiz.objects.exists()
    assert client.post(url, quiz_form(category.bank, 3)).status_code == 302
    assert Quiz.objects.get().total_points == 30


def test_trainees_cannot_open_the_question_bank(client_for, world):
    response = client_for(world.trainee.user).get(
        reverse("wagtailsnippets_quizzes_question:list")
    )
    assert response.status_code in (302, 403)
