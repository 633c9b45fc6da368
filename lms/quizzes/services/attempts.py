"""Starting, answering and submitting attempts. The server decides everything: which
questions, in which order, when time is up and what the score is."""

import contextlib
import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.core import events
from lms.quizzes.constants import FALSE, TRUE, AttemptStatus, ClosedBy, QuestionKind
from lms.quizzes.drawing import questions_draw
from lms.quizzes.models import Attempt, AttemptQuestion
from lms.quizzes.models.records import SNAPSHOT_VERSION
from lms.quizzes.scoring import CENT, mark, percent_of

# Answers that left the phone just before the deadline may arrive a little after it.
LATE_GRACE = timedelta(seconds=5)

_random = secrets.SystemRandom()


class AttemptClosed(Exception):
    """The attempt was already submitted or closed; carries the attempt."""

    def __init__(self, attempt):
        super().__init__(attempt.public_id)
        self.attempt = attempt


def snapshot_of(question, *, shuffle, rng=None):
    """The question as this attempt shows it: options in their shown order and the
    answer key re-indexed to that order."""
    rng = rng or _random
    if question.kind == QuestionKind.TRUE_FALSE:
        options, answer = [], list(question.answer)
    else:
        order = list(range(len(question.options)))
        if shuffle:
            rng.shuffle(order)
        options = [question.options[i] for i in order]
        answer = sorted(order.index(i) for i in question.answer)
    return {
        "v": SNAPSHOT_VERSION,
        "kind": question.kind,
        "stem": question.stem,
        "options": options,
        "answer": answer,
        "explanation": question.explanation,
        "image_id": question.image_id,
        "category": question.category.name,
    }


def attempt_start(*, quiz, person, lesson_id=None, at=None, rng=None):
    """The person's open attempt at the quiz, or a new one with freshly drawn
    questions. Safe to call twice at once: one attempt, by database constraint."""
    at = at or timezone.now()
    attempts_close_expired(quiz=quiz, person=person, at=at)
    existing = Attempt.objects.filter(
        quiz=quiz, person=person, status=AttemptStatus.IN_PROGRESS
    ).first()
    if existing is not None:
        return existing
    if not quiz.is_open(at):
        raise ValidationError(_("This quiz is not open now."))
    taken = Attempt.objects.filter(quiz=quiz, person=person).count()
    if quiz.max_attempts is not None and taken >= quiz.max_attempts:
        raise ValidationError(_("You have used all your attempts at this quiz."))
    drawn = questions_draw(quiz=quiz, rng=rng)
    deadline = None
    if quiz.time_limit_minutes:
        deadline = at + timedelta(minutes=quiz.time_limit_minutes)
    if quiz.closes_at and (deadline is None or quiz.closes_at < deadline):
        deadline = quiz.closes_at
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                person=person,
                number=taken + 1,
                started_at=at,
                deadline=deadline,
                max_score=sum(points for _question, points in drawn),
                lesson_id=lesson_id,
            )
            AttemptQuestion.objects.bulk_create(
                AttemptQuestion(
                    attempt=attempt,
                    position=position,
                    question=question,
                    snapshot=snapshot_of(
                        question, shuffle=quiz.shuffle_options, rng=rng
                    ),
                    points=points,
                )
                for position, (question, points) in enumerate(drawn, start=1)
            )
    except IntegrityError:
        # Another tab or a double tap started it first: continue that one.
        existing = Attempt.objects.filter(
            quiz=quiz, person=person, status=AttemptStatus.IN_PROGRESS
        ).first()
        if existing is None:
            raise
        return existing
    return attempt


def _valid_choices(snapshot, choices):
    if not isinstance(choices, list) or any(
        not isinstance(c, int) or isinstance(c, bool) for c in choices
    ):
        raise ValidationError(_("The answer could not be read."))
    if snapshot["kind"] == QuestionKind.TRUE_FALSE:
        allowed = {TRUE, FALSE}
    else:
        allowed = set(range(len(snapshot["options"])))
    if not set(choices) <= allowed or len(set(choices)) != len(choices):
        raise ValidationError(_("The answer could not be read."))
    if snapshot["kind"] != QuestionKind.MULTIPLE and len(choices) > 1:
        raise ValidationError(_("Choose one answer only."))
    return sorted(choices)


def _time_is_up(attempt, at):
    return attempt.deadline is not None and at > attempt.deadline + LATE_GRACE


def _locked(attempt_pk):
    # The attempt row is the lock that orders answers and submission (PostgreSQL);
    # SQLite runs write transactions one at a time (BEGIN IMMEDIATE).
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt_pk)


def attempt_answer(*, attempt, position, choices, at=None):
    """Save one answer as it is given (autosave). An empty list clears it. Raises
    AttemptClosed when the attempt is closed or its time is up (it is then closed
    with what was saved)."""
    at = at or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt.pk)
        if attempt.is_open and _time_is_up(attempt, at):
            # Closed and committed here: the AttemptClosed below must not undo it.
            _close(attempt, closed_by=_closed_by_clock(attempt), at=at)
        if attempt.is_open:
            row = AttemptQuestion.objects.filter(
                attempt=attempt, position=position
            ).first()
            if row is None:
                raise ValidationError(_("There is no such question in this attempt."))
            row.response = _valid_choices(row.snapshot, choices)
            row.answered_at = at
            row.save(update_fields=["response", "answered_at"])
            return row
    raise AttemptClosed(attempt)


def attempt_submit(*, attempt, answers=None, at=None):
    """Close and score the attempt. ``answers`` ({position: [choices]}) come from
    the page's form when it is submitted without JavaScript; they are saved first
    unless time is up. Submitting twice returns the first result."""
    at = at or timezone.now()
    with transaction.atomic():
        attempt = _locked(attempt.pk)
        if not attempt.is_open:
            return attempt
        if _time_is_up(attempt, at):
            return _close(attempt, closed_by=_closed_by_clock(attempt), at=at)
        return _close(attempt, closed_by=ClosedBy.TRAINEE, at=at, answers=answers)


def _closed_by_clock(attempt):
    quiz = attempt.quiz
    if quiz.closes_at and attempt.deadline == quiz.closes_at:
        return ClosedBy.WINDOW
    return ClosedBy.TIME_LIMIT


def _close(attempt, *, closed_by, at, answers=None):
    """Score every question from its snapshot and close the attempt: three queries
    (questions, their marks in one bulk update, the attempt) whatever its length."""
    quiz = attempt.quiz
    rows = list(AttemptQuestion.objects.filter(attempt=attempt))
    for row in rows:
        if answers and row.position in answers:
            # An unreadable answer from the form is ignored; the saved one stands.
            with contextlib.suppress(ValidationError):
                choices = _valid_choices(row.snapshot, answers[row.position])
                if choices != (row.response or []):
                    row.response, row.answered_at = choices, at
        row.correct, row.awarded = mark(
            snapshot=row.snapshot,
            response=row.response,
            points=row.points,
            multiple_scoring=quiz.multiple_scoring,
        )
    AttemptQuestion.objects.bulk_update(
        rows, ["response", "answered_at", "correct", "awarded"]
    )
    # As stored (two decimals), so a page showing the attempt just closed reads
    # the same as one that reloads it.
    attempt.score = sum((row.awarded for row in rows), start=Decimal(0)).quantize(CENT)
    attempt.percent = percent_of(attempt.score, attempt.max_score)
    attempt.passed = attempt.percent >= quiz.pass_mark
    attempt.status = (
        AttemptStatus.SUBMITTED
        if closed_by == ClosedBy.TRAINEE
        else AttemptStatus.TIMED_OUT
    )
    attempt.closed_by = closed_by
    # When time ran out, the attempt ends at its deadline, not when we noticed.
    attempt.submitted_at = at if closed_by == ClosedBy.TRAINEE else attempt.deadline
    attempt.save(
        update_fields=[
            "score",
            "percent",
            "passed",
            "status",
            "closed_by",
            "submitted_at",
        ]
    )
    if attempt.passed:
        user = attempt.person.user
        if attempt.lesson_id is not None and user is not None:
            events.activity_passed_announce(
                sender="quizzes", user=user, lesson_id=attempt.lesson_id
            )
        events.result_announce(sender="quizzes", person_ids=[attempt.person_id])
    return attempt


def attempt_close_if_due(*, attempt, at=None):
    """Close ``attempt`` if its time ran out (no query when it has not): the attempt
    page calls this before showing the questions."""
    at = at or timezone.now()
    if not attempt.is_open or not _time_is_up(attempt, at):
        return attempt
    with transaction.atomic():
        attempt = _locked(attempt.pk)
        if attempt.is_open and _time_is_up(attempt, at):
            _close(attempt, closed_by=_closed_by_clock(attempt), at=at)
    return attempt


def attempts_close_expired(*, at=None, quiz=None, person=None):
    """Close (and score with what was saved) every open attempt whose time ran out:
    run by ``close_expired_attempts`` and before a trainee sees a quiz. Returns how
    many were closed."""
    at = at or timezone.now()
    expired = Attempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline__lt=at - LATE_GRACE
    )
    if quiz is not None:
        expired = expired.filter(quiz=quiz)
    if person is not None:
        expired = expired.filter(person=person)
    closed = 0
    for attempt in expired.select_related("quiz"):
        closed += not attempt_close_if_due(attempt=attempt, at=at).is_open
    return closed
