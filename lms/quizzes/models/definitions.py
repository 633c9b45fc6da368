"""What instructors define: question banks with their categories and questions, and
quizzes with the rules that draw their questions. Attempts (records) live in
``records.py`` and keep a snapshot of what they drew, so editing a question never
changes an attempt that has already been taken."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from lms.quizzes.constants import (
    Difficulty,
    Grading,
    MultipleScoring,
    QuestionKind,
    QuizKind,
    Review,
)
from lms.quizzes.validation import question_problems


class QuestionBank(ClusterableModel):
    """A 题库: the questions one training unit keeps, in categories."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("categories", label=_("Categories"), min_num=1),
    ]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Category(Orderable):
    bank = ParentalKey(
        QuestionBank, on_delete=models.CASCADE, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=60)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "name"], name="quizzes_category_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class TaggedQuestion(TaggedItemBase):
    content_object = ParentalKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, ClusterableModel):
    """One question. ``options`` is the list of option texts (empty for true/false,
    whose options are always 正确, 错误) and ``answer`` the indices of the correct
    ones; ``question_problems`` says what makes a question valid."""

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("question bank"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        blank=True,
        help_text=_("The question's number in the bank; re-imports update by it."),
    )
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    stem = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.JSONField(_("correct answer"), default=list)
    explanation = models.TextField(_("explanation"), blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=TaggedQuestion, blank=True)
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Retired questions are no longer drawn; past attempts keep them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("stem"),
        index.SearchField("code"),
        index.FilterField("bank"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "code"],
                condition=~Q(code=""),
                name="quizzes_question_unique_code",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.stem[:40]}".strip()

    def clean(self):
        problems = question_problems(
            kind=self.kind, options=self.options, answer=self.answer, stem=self.stem
        )
        if self.category_id and self.bank_id and self.category.bank_id != self.bank_id:
            problems.append(_("The category belongs to another question bank."))
        if problems:
            raise ValidationError(problems)


class Quiz(ClusterableModel):
    """A quiz or exam: rules that draw its questions, and how it is taken and
    marked. Exams (e.g. the 100-point guard exam passed at 60) and short practice
    quizzes are the same thing with different settings."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("instructions"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuizKind.choices, default=QuizKind.EXAM
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the total points needed to pass."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no time limit."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: unlimited."),
    )
    grading = models.CharField(
        _("grading"), max_length=10, choices=Grading.choices, default=Grading.HIGHEST
    )
    multiple_scoring = models.CharField(
        _("multiple choice scoring"),
        max_length=16,
        choices=MultipleScoring.choices,
        default=MultipleScoring.ALL_OR_NOTHING,
    )
    review = models.CharField(
        _("after submitting, show"),
        max_length=10,
        choices=Review.choices,
        default=Review.SCORE,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("description"),
        InlinePanel("rules", label=_("Questions drawn"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("grading")]),
                FieldRowPanel(
                    [FieldPanel("time_limit_minutes"), FieldPanel("max_attempts")]
                ),
                FieldPanel("multiple_scoring"),
                FieldPanel("review"),
                FieldRowPanel(
                    [FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]
                ),
            ],
            heading=_("Taking and marking"),
        ),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="quizzes_quiz_window_order",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The quiz must close after it opens.")}
            )

    @property
    def question_count(self):
        return sum(rule.count for rule in self.rules.all())

    @property
    def total_points(self):
        return sum((rule.points * rule.count for rule in self.rules.all()), Decimal(0))

    def is_open(self, at=None):
        at = at or timezone.now()
        return (self.opens_at is None or self.opens_at <= at) and (
            self.closes_at is None or at < self.closes_at
        )


class QuizRule(Orderable):
    """Draw ``count`` questions from a bank, optionally of one category, type or
    difficulty, each worth ``points``."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="rules")
    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("question bank"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: any category."),
    )
    kind = models.CharField(
        _("type"),
        max_length=12,
        choices=QuestionKind.choices,
        blank=True,
        help_text=_("Empty: any type."),
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        choices=Difficulty.choices,
        null=True,
        blank=True,
        help_text=_("Empty: any difficulty."),
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), validators=[MinValueValidator(1)]
    )
    points = models.DecimalField(
        _("points each"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("difficulty")]),
        FieldRowPanel([FieldPanel("count"), FieldPanel("points")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("drawing rule")
        verbose_name_plural = _("drawing rules")

    def clean(self):
        if self.category_id and self.bank_id and self.category.bank_id != self.bank_id:
            raise ValidationError(
                {"category": _("The category belongs to another question bank.")}
            )
