"""Wagtail admin for quizzes: question banks, questions and quizzes as snippets in
one "Quizzes and exams" menu; spreadsheet import and statistics add their own views
(``imports_admin``, ``statistics_admin``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from lms.core.admin_helpers import YesNoColumn
from lms.people.admin_views import ScopedSnippetViewSet
from lms.quizzes.forms import OPTION_FIELDS, QuestionForm, QuizForm
from lms.quizzes.models import Question, QuestionBank, Quiz


class QuestionBankViewSet(ScopedSnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    list_display = ["name", Column("question_count", label=_("Questions"))]
    search_fields = ["name"]
    copy_view_enabled = False

    def get_queryset(self, request):
        from django.db.models import Count

        return QuestionBank.objects.annotate(question_count=Count("questions"))


class QuestionViewSet(ScopedSnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = [
        "code",
        "__str__",
        "kind",
        "category",
        "difficulty",
        YesNoColumn("active", label=_("in use"), sort_key="active"),
    ]
    list_filter = ["bank", "kind", "difficulty", "active"]
    search_fields = ["stem", "code"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("bank"), FieldPanel("category")]),
            FieldRowPanel(
                [FieldPanel("code"), FieldPanel("kind"), FieldPanel("difficulty")]
            ),
            FieldPanel("stem"),
            FieldPanel("image"),
            MultiFieldPanel(
                [FieldPanel(name) for name in OPTION_FIELDS]
                + [FieldPanel("correct"), FieldPanel("true_or_false")],
                heading=_("Options and answer"),
            ),
            FieldPanel("explanation"),
            FieldPanel("tags"),
            FieldPanel("active"),
        ],
        base_form_class=QuestionForm,
    )

    def get_queryset(self, request):
        return Question.objects.select_related("category", "bank")


class QuizViewSet(ScopedSnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes and exams")
    list_display = [
        "title",
        "kind",
        "pass_mark",
        "time_limit_minutes",
        "opens_at",
        "closes_at",
    ]
    list_filter = ["kind"]
    search_fields = ["title"]

    def get_edit_handler(self):
        return ObjectList(Quiz.panels, base_form_class=QuizForm).bind_to_model(Quiz)


class QuizzesGroup(SnippetViewSetGroup):
    menu_label = _("Quizzes and exams")
    menu_icon = "tasks"
    menu_name = "quizzes"
    menu_order = 170
    items = (QuizViewSet, QuestionBankViewSet, QuestionViewSet)


register_snippet(QuizzesGroup)

# The spreadsheet import and the statistics register their own admin views.
from lms.quizzes import imports_admin, statistics_admin  # noqa: E402,F401
