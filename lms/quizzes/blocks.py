"""The quiz block for lesson bodies: a card that leads to the quiz page. It is a
personal block (see lms/courses/lesson_cache.py): it shows whether the visitor has
passed, so it is rendered for each visitor while the rest of the body is cached."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class QuizBlock(blocks.StructBlock):
    quiz = SnippetChooserBlock("quizzes.Quiz", label=_("Quiz or exam"))
    required = blocks.BooleanBlock(
        label=_("Required to complete the lesson"),
        required=False,
        default=True,
        help_text=_("The lesson (and so the course) completes once it is passed."),
    )

    class Meta:
        icon = "tasks"
        template = "quizzes/blocks/quiz.html"
        label = _("Quiz")
        description = _("A link to a quiz or exam; passing it can be required.")
        preview_value = {"required": True}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        quiz = value.get("quiz")
        passed = context.get("quizzes_passed") or set()
        context["quiz"] = quiz
        context["passed"] = quiz is not None and quiz.pk in passed
        page = context.get("page")
        context["lesson_id"] = getattr(page, "pk", None)
        return context
