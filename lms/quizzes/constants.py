from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuizKind(models.TextChoices):
    EXAM = "exam", _("Exam")
    PRACTICE = "practice", _("Practice quiz")


class Grading(models.TextChoices):
    """Which attempt's score stands for the trainee."""

    HIGHEST = "highest", _("Highest score")
    LATEST = "latest", _("Latest attempt")
    FIRST = "first", _("First attempt")


class MultipleScoring(models.TextChoices):
    """How a multiple-choice question is scored (documented in docs/quizzes.md)."""

    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    PARTIAL = "partial", _("Partial credit; any wrong option scores nothing")


class Review(models.TextChoices):
    """What a trainee sees after submitting."""

    SCORE = "score", _("Score only")
    RESPONSES = "responses", _("Score and which answers were right or wrong")
    ANSWERS = "answers", _("Score, correct answers and explanations")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    TIMED_OUT = "timed_out", _("Closed when time ran out")


class ClosedBy(models.TextChoices):
    TRAINEE = "trainee", _("Submitted by the trainee")
    TIME_LIMIT = "time_limit", _("Closed by the server when time ran out")
    WINDOW = "window", _("Closed by the server when the quiz closed")


# True/false questions are stored with these two fixed options, in this order.
TRUE, FALSE = 0, 1
