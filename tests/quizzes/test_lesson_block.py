"""A quiz placed in a lesson: passing it completes the lesson (and the course, when
every required lesson is done); the lesson page shows it per visitor."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from lms.courses.constants import EnrolmentStatus
from lms.courses.models import Enrolment, LessonCompletion
from lms.quizzes.models import Attempt, AttemptQuestion
from tests.courses.conftest import build_course
from tests.factories import quiz_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_quiz():
    course = build_course()
    quiz = quiz_with_questions(count=2, points=50)
    lessons = course.lessons_in_order
    lessons[2].body = [("quiz", {"quiz": quiz, "required": True})]
    lessons[2].save_revision().publish()
    return course, quiz


def take(client, quiz, lesson, *, right):
    client.post(reverse("quiz_start", args=[quiz.pk]), data={"lesson": lesson.pk})
    attempt = Attempt.objects.filter(quiz=quiz).latest("started_at")
    answers = {
        f"q{row.position}": row.snapshot["answer"] if right else []
        for row in AttemptQuestion.objects.filter(attempt=attempt)
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("quiz_attempt_submit", args=[attempt.public_id]), answers)
    return attempt


def test_passing_the_required_quiz_completes_lesson_and_course(
    client_for, world, course_with_quiz
):
    course, quiz = course_with_quiz
    client = client_for(world.trainee.user)
    first, second, third = course.lessons_in_order
    for lesson in (first, second):
        client.post(reverse("lesson_complete", args=[lesson.pk]))
    page = client.get(third.url).content.decode()
    assert quiz.title in page and "?lesson=" in page
    assert reverse("lesson_complete", args=[third.pk]) not in page  # quiz first

    take(client, quiz, third, right=False)
    assert not LessonCompletion.objects.filter(lesson=third).exists()
    take(client, quiz, third, right=True)
    assert LessonCompletion.objects.filter(person=world.trainee, lesson=third).exists()
    enrolment = Enrolment.objects.get(person=world.trainee, page=course)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert 'data-lesson-completed="true"' in client.get(third.url).content.decode()


def test_a_quiz_started_elsewhere_does_not_claim_a_lesson(
    client_for, world, course_with_quiz
):
    course, quiz = course_with_quiz
    client = client_for(world.trainee.user)
    first = course.lessons_in_order[0]  # does not hold the quiz
    attempt = take(client, quiz, first, right=True)
    assert attempt.lesson_id is None
    assert not LessonCompletion.objects.exists()


def test_a_lesson_passed_earlier_can_be_completed_by_hand(
    client_for, world, course_with_quiz
):
    """Passed outside the lesson: the lesson no longer waits for the quiz."""
    course, quiz = course_with_quiz
    client = client_for(world.trainee.user)
    third = course.lessons_in_order[2]
    client.post(reverse("quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get()
    answers = {
        f"q{row.position}": row.snapshot["answer"]
        for row in AttemptQuestion.objects.filter(attempt=attempt)
    }
    client.post(reverse("quiz_attempt_submit", args=[attempt.public_id]), answers)
    page = client.get(third.url).content.decode()
    assert reverse("lesson_complete", args=[third.pk]) in page
    client.post(reverse("lesson_complete", args=[third.pk]))
    assert LessonCompletion.objects.filter(lesson=third).exists()


def test_the_quiz_card_is_rendered_for_each_visitor(
    client_for, world, course_with_quiz
):
    course, quiz = course_with_quiz
    third = course.lessons_in_order[2]
    passer, other = client_for(world.trainee.user), client_for(world.colleague.user)
    take(passer, quiz, third, right=True)

    def card(client):
        html = client.get(third.url).content.decode()
        return re.search(r'<section class="card quiz-card">.*?</section>', html, re.S)[
            0
        ]

    assert "status--active" in card(passer)
    assert "status--active" not in card(other)


def test_the_result_leads_back_to_the_lesson_and_says_what_was_earned(
    client_for, world, course_with_quiz
):
    """Not only "back to the quiz": a quiz opened from a lesson leads back to it."""
    course, quiz = course_with_quiz
    client = client_for(world.trainee.user)
    first, second, third = course.lessons_in_order
    for lesson in (first, second):
        client.post(reverse("lesson_complete", args=[lesson.pk]))
    failed = take(client, quiz, third, right=False)
    page = client.get(reverse("quiz_attempt", args=[failed.public_id])).content
    page = page.decode()
    # Not passed: try again first, the lesson second.
    assert f"{reverse('quiz_detail', args=[quiz.pk])}?lesson={third.pk}" in page
    assert f'href="{third.url}"' in page and "data-lesson-completed" not in page
    detail = client.get(f"{reverse('quiz_detail', args=[quiz.pk])}?lesson={third.pk}")
    assert f'href="{third.url}"' in detail.content.decode()  # the way back
    passed = take(client, quiz, third, right=True)
    page = client.get(reverse("quiz_attempt", args=[passed.public_id])).content
    page = page.decode()
    assert f'href="{third.url}#lesson-done"' in page
    assert f"返回本课：{third.title}" in page
    assert 'data-lesson-completed="true"' in page
    assert f"“{course.title}”已完成：计入 2 学时。" in page
