"""The lesson a quiz was opened from, asked of the app that owns lessons.

Quizzes sit below courses in the house: a quiz's pages must not import the lesson
pages. Courses answers through hooks it registers in ``lms/courses/wagtail_hooks.py``
(``lms.core.hooks``). With no app answering, a quiz has no lesson to lead back to.
"""

from lms.core.hooks import first_answer

# fn(*, lesson_id, quiz) -> the live lesson page holding ``quiz``, or None
LESSON_HOLDING_QUIZ = "shouwang_lesson_holding_quiz"
# fn(*, person, lesson_id) -> {"lesson", "lesson_completed", "earned"} or None
LESSON_SUMMARY = "shouwang_lesson_summary"


def lesson_holding(*, lesson_id, quiz):
    """The live lesson ``lesson_id`` if it really holds ``quiz``."""
    return first_answer(LESSON_HOLDING_QUIZ, lesson_id=lesson_id, quiz=quiz)


def lesson_summary(*, person, lesson_id):
    """For a quiz result that leads back to its lesson: the lesson, whether the
    trainee has completed it and what it earned; None when it is gone."""
    return first_answer(LESSON_SUMMARY, person=person, lesson_id=lesson_id)
