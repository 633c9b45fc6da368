"""What trainees did: attempts and the questions drawn for them.

An attempt stores its questions in the order shown, each with a snapshot (stem,
options in the order shown, answer key, explanation) so that the attempt can be
scored and reviewed exactly as it was taken, whatever happens to the bank later.
Records are never deleted (PROTECT everywhere)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.quizzes.constants import AttemptStatus, ClosedBy

# Version of AttemptQuestion.snapshot's layout; bump it when the layout changes.
SNAPSHOT_VERSION = 1


class Attempt(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        verbose_name=_("quiz"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    closed_by = models.CharField(
        _("closed by"), max_length=12, choices=ClosedBy.choices, blank=True
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline = models.DateTimeField(_("time runs out"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    max_score = models.DecimalField(_("total points"), max_digits=7, decimal_places=2)
    score = models.DecimalField(
        _("score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True)
    # The lesson whose quiz block started it (a plain id, as H5P results keep it):
    # passing completes that lesson's requirement.
    lesson_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person", "number"],
                name="quizzes_attempt_unique_number",
            ),
            # One open attempt per person and quiz, however many tabs start one.
            models.UniqueConstraint(
                fields=["quiz", "person"],
                condition=Q(status="in_progress"),
                name="quizzes_attempt_one_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.quiz} #{self.number}"

    @property
    def is_open(self):
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(
        Attempt, on_delete=models.PROTECT, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.PROTECT, related_name="+"
    )
    # {"v": 1, "kind", "stem", "options": [shown order], "answer": [indices into
    # options], "explanation", "image_id", "category"}; never sent to the browser
    # whole before the attempt is closed (see views.attempt_questions_for_page).
    snapshot = models.JSONField()
    points = models.DecimalField(max_digits=5, decimal_places=2)
    response = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True)
    awarded = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quizzes_attemptquestion_position"
            )
        ]

    def __str__(self):
        return f"{self.attempt} Q{self.position}"
