"""Reads for quizzes: a trainee's standing, an attempt as the page shows it, and
what a lesson needs to know."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.quizzes.constants import AttemptStatus, Grading, QuestionKind, QuizKind, Review
from lms.quizzes.models import Attempt, AttemptQuestion, Quiz


def quizzes_passed(*, person, quiz_ids):
    """Ids of the quizzes among ``quiz_ids`` that the person has passed (one query).
    Passing once is enough for a lesson, whatever the quiz's grading."""
    return set(
        Attempt.objects.filter(person=person, quiz_id__in=quiz_ids, passed=True)
        .values_list("quiz_id", flat=True)
        .distinct()
    )


def quiz_for_trainee(pk):
    return Quiz.objects.prefetch_related("rules").filter(pk=pk).first()


def standing_result(attempts, grading):
    """The closed attempt whose score stands, by the quiz's grading, or None.
    ``attempts`` are the person's closed attempts, any order."""
    closed = [a for a in attempts if a.status != AttemptStatus.IN_PROGRESS]
    if not closed:
        return None
    if grading == Grading.LATEST:
        return max(closed, key=lambda a: a.number)
    if grading == Grading.FIRST:
        return min(closed, key=lambda a: a.number)
    return max(closed, key=lambda a: (a.percent, -a.number))


def quiz_standing(*, quiz, person):
    """Everything the quiz page shows the trainee (one query for the attempts)."""
    attempts = list(Attempt.objects.filter(quiz=quiz, person=person).order_by("number"))
    open_attempt = next((a for a in attempts if a.is_open), None)
    closed = [a for a in attempts if not a.is_open]
    left = None
    if quiz.max_attempts is not None:
        left = max(quiz.max_attempts - len(attempts), 0)
    return {
        "attempts": closed,
        "open_attempt": open_attempt,
        "attempts_left": left,
        "result": standing_result(closed, quiz.grading),
    }


def attempt_of(*, public_id, person):
    return (
        Attempt.objects.select_related("quiz", "person")
        .filter(public_id=public_id, person=person)
        .first()
    )


def _options(snapshot):
    if snapshot["kind"] == QuestionKind.TRUE_FALSE:
        return [_("True"), _("False")]
    return snapshot["options"]


LETTERS = "ABCDEFGH"
IMAGE_SPEC = "max-800x600"


def _images(ids):
    """The questions' images with their phone-sized rendition (two queries, none
    when no question has an image)."""
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    from wagtail.images import get_image_model

    return get_image_model().objects.prefetch_renditions(IMAGE_SPEC).in_bulk(ids)


def attempt_items(attempt):
    """The questions as the attempt page may show them before submission: stem,
    options in their shown order and the trainee's saved choices. The answer key
    and explanation stay on the server (one query, whatever the length)."""
    rows = list(
        AttemptQuestion.objects.filter(attempt=attempt).only(
            "position", "snapshot", "points", "response"
        )
    )
    images = _images([row.snapshot.get("image_id") for row in rows])
    items = []
    for row in rows:
        snapshot = row.snapshot
        chosen = set(row.response or [])
        items.append(
            {
                "position": row.position,
                "kind": snapshot["kind"],
                "stem": snapshot["stem"],
                "image": images.get(snapshot.get("image_id")),
                "points": row.points,
                "answered": bool(chosen),
                "options": [
                    {
                        "index": i,
                        "letter": LETTERS[i],
                        "text": text,
                        "chosen": i in chosen,
                    }
                    for i, text in enumerate(_options(snapshot))
                ],
            }
        )
    return items


def attempt_review(attempt):
    """The questions after submission, with as much as the quiz's review setting
    allows: nothing, right/wrong per question, or answers and explanations."""
    review = attempt.quiz.review
    if review == Review.SCORE:
        return []
    items = []
    for row in AttemptQuestion.objects.filter(attempt=attempt):
        snapshot = row.snapshot
        chosen = set(row.response or [])
        answer = set(snapshot["answer"])
        show_answers = review == Review.ANSWERS
        items.append(
            {
                "position": row.position,
                "kind": snapshot["kind"],
                "stem": snapshot["stem"],
                "points": row.points,
                "awarded": row.awarded,
                "correct": row.correct,
                "answered": bool(chosen),
                "explanation": snapshot["explanation"] if show_answers else "",
                "options": [
                    {
                        "letter": LETTERS[i],
                        "text": text,
                        "chosen": i in chosen,
                        "right": show_answers and i in answer,
                    }
                    for i, text in enumerate(_options(snapshot))
                ],
            }
        )
    return items


def exams_for(person, *, at=None, limit=10):
    """Open exams for the trainee's home, soonest closing first, each with whether
    the person passed it and the attempt to continue, if any (one query)."""
    at = at or timezone.now()
    mine = Attempt.objects.filter(quiz=OuterRef("pk"), person=person)
    return list(
        Quiz.objects.filter(kind=QuizKind.EXAM)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=at))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=at))
        .annotate(
            passed=Exists(mine.filter(passed=True)),
            open_attempt=Subquery(
                mine.filter(status=AttemptStatus.IN_PROGRESS).values("public_id")[:1]
            ),
        )
        .order_by("closes_at", "-created_at")[:limit]
    )
