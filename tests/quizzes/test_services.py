"""Drawing, answering, submitting and closing attempts (lms/quizzes/services)."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from lms.quizzes.constants import AttemptStatus, ClosedBy, QuestionKind
from lms.quizzes.drawing import questions_draw, rules_problems
from lms.quizzes.models import Attempt, AttemptQuestion
from lms.quizzes.services.attempts import (
    LATE_GRACE,
    AttemptClosed,
    attempt_answer,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
)
from tests.concurrency import run_concurrently
from tests.factories import (
    CategoryFactory,
    PersonFactory,
    QuestionBankFactory,
    QuestionFactory,
    QuizFactory,
    QuizRuleFactory,
    quiz_with_questions,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


@pytest.fixture
def person():
    return PersonFactory()


def right_answers(attempt):
    return {
        row.position: row.snapshot["answer"]
        for row in AttemptQuestion.objects.filter(attempt=attempt)
    }


def test_rules_draw_from_their_category_and_type_without_repeats():
    bank = QuestionBankFactory()
    law, fire = (
        CategoryFactory(bank=bank, name="法律法规"),
        CategoryFactory(bank=bank, name="消防"),
    )
    for _ in range(6):
        QuestionFactory(category=law)
        QuestionFactory(category=fire, true_false=True)
        QuestionFactory(category=fire, multiple=True)
    quiz = QuizFactory()
    QuizRuleFactory(quiz=quiz, bank=bank, category=law, count=4, points=2)
    QuizRuleFactory(quiz=quiz, bank=bank, category=fire, kind="multiple", count=3)
    QuizRuleFactory(quiz=quiz, bank=bank, count=5)  # anything left
    drawn = questions_draw(quiz=quiz, rng=random.Random(7))
    questions = [question for question, _points in drawn]
    assert len(questions) == 12 == len({q.pk for q in questions})
    assert sum(q.category_id == law.pk for q in questions) >= 4
    assert sum(q.kind == "multiple" for q in questions) >= 3
    assert sum(points for _q, points in drawn) == 4 * 2 + 3 + 5


def test_a_rule_the_bank_cannot_meet_is_refused_before_and_at_the_draw():
    quiz = quiz_with_questions(count=3)
    rule = quiz.rules.get()
    rule.count = 4
    rule.save()
    assert "only 3" in rules_problems([rule])[0]
    with pytest.raises(ValidationError, match="only 3"):
        questions_draw(quiz=quiz)


def test_rules_problems_counts_what_earlier_rules_may_take():
    quiz = quiz_with_questions(count=5)
    bank = quiz.rules.get().bank
    later = QuizRuleFactory.build(quiz=quiz, bank=bank, count=2)
    # the first rule may take all 5: nothing is sure to be left for the second
    assert rules_problems([quiz.rules.get(), later])
    assert not rules_problems([QuizRuleFactory.build(bank=bank, count=3), later])


def test_shuffled_options_keep_the_answer_key_in_step():
    quiz = quiz_with_questions(count=20, kinds=KINDS)
    attempt = attempt_start(quiz=quiz, person=PersonFactory(), rng=random.Random(3))
    for row in AttemptQuestion.objects.filter(attempt=attempt).select_related(
        "question"
    ):
        question, snapshot = row.question, row.snapshot
        assert snapshot["v"] == 1
        if question.kind == QuestionKind.TRUE_FALSE:
            assert snapshot["answer"] == question.answer
            continue
        assert sorted(snapshot["options"]) == sorted(question.options)
        shown_right = {snapshot["options"][i] for i in snapshot["answer"]}
        assert shown_right == {question.options[i] for i in question.answer}


def test_starting_twice_continues_the_same_attempt(person):
    quiz = quiz_with_questions(count=5)
    first = attempt_start(quiz=quiz, person=person)
    assert attempt_start(quiz=quiz, person=person) == first
    assert Attempt.objects.count() == 1
    assert AttemptQuestion.objects.filter(attempt=first).count() == 5


def test_a_perfect_attempt_scores_full_marks_and_passes(person):
    quiz = quiz_with_questions(count=5, points=20, kinds=KINDS)
    attempt = attempt_start(quiz=quiz, person=person)
    for position, answer in right_answers(attempt).items():
        attempt_answer(attempt=attempt, position=position, choices=answer)
    attempt = attempt_submit(attempt=attempt)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.closed_by == ClosedBy.TRAINEE
    assert (attempt.score, attempt.max_score, attempt.percent) == (100, 100, 100)
    assert attempt.passed is True


def test_pass_mark_is_the_quizs_and_unanswered_scores_nothing(person):
    quiz = quiz_with_questions(count=5, points=20, pass_mark=60)
    attempt = attempt_start(quiz=quiz, person=person)
    answers = right_answers(attempt)
    for position in list(answers)[:3]:
        attempt_answer(attempt=attempt, position=position, choices=answers[position])
    attempt = attempt_submit(attempt=attempt)
    assert attempt.score == 60 and attempt.passed is True
    rows = AttemptQuestion.objects.filter(attempt=attempt, response__isnull=True)
    assert rows.count() == 2
    assert all(row.correct is False and row.awarded == 0 for row in rows)


def test_submitting_twice_keeps_the_first_result(person):
    quiz = quiz_with_questions(count=5, points=20)
    attempt = attempt_start(quiz=quiz, person=person)
    answers = right_answers(attempt)
    first = attempt_submit(attempt=attempt, answers={1: answers[1]})
    again = attempt_submit(attempt=attempt, answers=answers)
    assert again.score == first.score == 20
    assert again.submitted_at == first.submitted_at
    with pytest.raises(AttemptClosed):
        attempt_answer(attempt=attempt, position=2, choices=answers[2])


def test_form_answers_are_saved_when_handed_in_without_javascript(person):
    quiz = quiz_with_questions(count=5, points=20)
    attempt = attempt_start(quiz=quiz, person=person)
    answers = right_answers(attempt)
    attempt = attempt_submit(attempt=attempt, answers={**answers, 99: [0], 1: [0, 1]})
    # position 99 does not exist and two answers to a single choice are unreadable
    assert attempt.score == 80


@pytest.mark.parametrize("choices", [[7], [0, 0], ["0"], "0", [True], [-1]], ids=repr)
def test_unreadable_answers_are_refused_and_change_nothing(person, choices):
    quiz = quiz_with_questions(count=1, kinds=(QuestionKind.MULTIPLE,))
    attempt = attempt_start(quiz=quiz, person=person)
    with pytest.raises(ValidationError):
        attempt_answer(attempt=attempt, position=1, choices=choices)
    assert AttemptQuestion.objects.get(attempt=attempt).response is None


def test_single_choice_takes_one_answer_and_can_be_cleared(person):
    quiz = quiz_with_questions(count=1)
    attempt = attempt_start(quiz=quiz, person=person)
    with pytest.raises(ValidationError):
        attempt_answer(attempt=attempt, position=1, choices=[0, 1])
    attempt_answer(attempt=attempt, position=1, choices=[2])
    attempt_answer(attempt=attempt, position=1, choices=[])
    assert AttemptQuestion.objects.get(attempt=attempt).response == []
    with pytest.raises(ValidationError):
        attempt_answer(attempt=attempt, position=2, choices=[0])


def test_time_limit_closes_the_attempt_with_what_was_saved(person):
    quiz = quiz_with_questions(count=5, points=20, time_limit_minutes=30)
    start = timezone.now()
    attempt = attempt_start(quiz=quiz, person=person, at=start)
    assert attempt.deadline == start + timedelta(minutes=30)
    answers = right_answers(attempt)
    attempt_answer(attempt=attempt, position=1, choices=answers[1], at=start)
    # within the grace for answers in flight: still taken
    just_late = attempt.deadline + LATE_GRACE - timedelta(seconds=1)
    attempt_answer(attempt=attempt, position=2, choices=answers[2], at=just_late)
    too_late = attempt.deadline + LATE_GRACE + timedelta(seconds=1)
    with pytest.raises(AttemptClosed):
        attempt_answer(attempt=attempt, position=3, choices=answers[3], at=too_late)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert attempt.closed_by == ClosedBy.TIME_LIMIT
    assert attempt.score == 40
    assert attempt.submitted_at == attempt.deadline


def test_a_late_hand_in_keeps_only_what_was_saved_in_time(person):
    quiz = quiz_with_questions(count=5, points=20, time_limit_minutes=10)
    start = timezone.now()
    attempt = attempt_start(quiz=quiz, person=person, at=start)
    late = start + timedelta(minutes=11)
    attempt = attempt_submit(attempt=attempt, answers=right_answers(attempt), at=late)
    assert attempt.status == AttemptStatus.TIMED_OUT and attempt.score == 0


def test_the_background_job_closes_expired_attempts_only():
    quiz = quiz_with_questions(count=2, time_limit_minutes=5)
    start = timezone.now()
    expired = attempt_start(quiz=quiz, person=PersonFactory(), at=start)
    fresh = attempt_start(
        quiz=quiz, person=PersonFactory(), at=start + timedelta(minutes=4)
    )
    assert attempts_close_expired(at=start + timedelta(minutes=6)) == 1
    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert expired.status == AttemptStatus.TIMED_OUT
    assert fresh.status == AttemptStatus.IN_PROGRESS


def test_the_command_runs_the_job(capsys):
    from django.core.management import call_command

    quiz = quiz_with_questions(count=2, time_limit_minutes=1)
    attempt = attempt_start(quiz=quiz, person=PersonFactory())
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        call_command("close_expired_attempts")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.TIMED_OUT
    assert "1" in capsys.readouterr().out


def test_the_availability_window(person):
    now = timezone.now()
    later = quiz_with_questions(count=2, opens_at=now + timedelta(hours=1))
    with pytest.raises(ValidationError, match="not open"):
        attempt_start(quiz=later, person=person, at=now)
    closing = quiz_with_questions(
        count=2, time_limit_minutes=60, closes_at=now + timedelta(minutes=20)
    )
    attempt = attempt_start(quiz=closing, person=person, at=now)
    assert attempt.deadline == closing.closes_at  # the window ends first
    attempts_close_expired(at=closing.closes_at + timedelta(minutes=1))
    attempt.refresh_from_db()
    assert attempt.closed_by == ClosedBy.WINDOW
    with pytest.raises(ValidationError, match="not open"):
        attempt_start(quiz=closing, person=person, at=now + timedelta(minutes=30))


def test_the_attempts_limit(person):
    quiz = quiz_with_questions(count=2, max_attempts=2)
    for number in (1, 2):
        attempt = attempt_start(quiz=quiz, person=person)
        assert attempt.number == number
        attempt_submit(attempt=attempt)
    with pytest.raises(ValidationError, match="all your attempts"):
        attempt_start(quiz=quiz, person=person)


def test_retired_questions_are_not_drawn(person):
    quiz = quiz_with_questions(count=3)
    rule = quiz.rules.get()
    retired = rule.bank.questions.first()
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError, match="only 2"):
        attempt_start(quiz=quiz, person=person)
    rule.count = 2
    rule.save()
    attempt = attempt_start(quiz=quiz, person=person)
    drawn = AttemptQuestion.objects.filter(attempt=attempt).values_list(
        "question_id", flat=True
    )
    assert retired.pk not in drawn


def test_editing_a_question_later_does_not_change_a_taken_attempt(person):
    quiz = quiz_with_questions(count=1, points=100)
    attempt = attempt_start(quiz=quiz, person=person)
    answer = right_answers(attempt)[1]
    question = quiz.rules.get().bank.questions.get()
    question.answer = [3]
    question.stem = "改过的题干"
    question.save()
    attempt_answer(attempt=attempt, position=1, choices=answer)
    assert attempt_submit(attempt=attempt).score == 100
    assert AttemptQuestion.objects.get(attempt=attempt).snapshot["stem"] != "改过的题干"


def test_scoring_a_100_question_attempt_takes_constant_queries(
    person, django_assert_max_num_queries
):
    def hand_in(count):
        quiz = quiz_with_questions(count=count, points=1, kinds=KINDS)
        attempt = attempt_start(quiz=quiz, person=person)
        for position, answer in right_answers(attempt).items():
            attempt_answer(attempt=attempt, position=position, choices=answer)
        return attempt

    small, large = hand_in(10), hand_in(100)
    with django_assert_max_num_queries(10) as few:
        attempt_submit(attempt=small)
    with django_assert_max_num_queries(len(few.captured_queries)):
        scored = attempt_submit(attempt=large)
    assert scored.score == Decimal(100)


@pytest.mark.django_db(transaction=True)
def test_concurrent_autosaves_and_submits_lose_nothing():
    """Ten answers sent at once, then three hand-ins at once: every answer is kept,
    one submission wins, one score."""
    quiz = quiz_with_questions(count=10, points=10)
    attempt = attempt_start(quiz=quiz, person=PersonFactory())
    answers = right_answers(attempt)

    errors = run_concurrently(
        *[
            lambda p=p: attempt_answer(attempt=attempt, position=p, choices=answers[p])
            for p in answers
        ]
    )
    assert not errors
    errors += run_concurrently(*[lambda: attempt_submit(attempt=attempt)] * 3)
    assert not errors
    attempt.refresh_from_db()
    assert attempt.score == 100
    assert Attempt.objects.filter(quiz=quiz).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_make_one_attempt():
    quiz = quiz_with_questions(count=3)
    person = PersonFactory()
    started = []

    def start():
        started.append(attempt_start(quiz=quiz, person=person).pk)

    errors = run_concurrently(*[start] * 4)
    assert not errors
    assert len(set(started)) == 1
    assert Attempt.objects.filter(quiz=quiz, person=person).count() == 1
