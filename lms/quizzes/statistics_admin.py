"""Admin page for a quiz's statistics, with an XLSX export; reached from the quiz
listing's "More" menu. The figures come from ``lms.quizzes.statistics``."""

import tablib
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.widgets.button import HeaderButton

from lms.core.admin_helpers import AdminPageMixin, spreadsheet_response
from lms.people.selectors import people_visible_to
from lms.quizzes.models import Quiz
from lms.quizzes.statistics import (
    BANDS,
    FLAG_DISCRIMINATION,
    FLAG_SHARE_CORRECT,
    GROUP_PERCENT,
    MIN_ATTEMPTS_FOR_D,
    quiz_statistics,
)

PERMISSION = "quizzes.view_attempt"


class QuizStatisticsView(AdminPageMixin, TemplateView):
    page_title = gettext_lazy("Quiz statistics")
    header_icon = "table"
    template_name = "quizzes/admin/statistics.html"
    # Who is counted is scoped below (people_visible_to); the permission says
    # whether the user may read attempts at all.
    permission = PERMISSION
    export_formats = ("xlsx",)

    @cached_property
    def quiz(self):
        # Looked up in get(), so after the permission check: no 404 before the 403.
        return get_object_or_404(Quiz, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        viewset = Quiz.snippet_viewset
        return [
            *self.breadcrumbs_items,
            {"url": reverse(viewset.get_url_name("list")), "label": viewset.menu_label},
            {"url": "", "label": self.page_title, "sublabel": self.quiz.title},
        ]

    def get_header_buttons(self):
        if not self.stats.total.attempts:
            return []
        return [
            HeaderButton(
                _("Export (XLSX)"),
                url=f"{self.request.path}?format=xlsx",
                icon_name="download",
            )
        ]

    def get(self, request, *args, **kwargs):
        self.stats = stats = quiz_statistics(
            quiz=self.quiz, people=people_visible_to(request.user)
        )
        if file_format := self.export_format():
            return spreadsheet_response(
                statistics_workbook(stats).export(file_format),
                file_format,
                f"quiz-statistics-{self.quiz.pk}",
            )
        return self.render_to_response(
            self.get_context_data(
                stats=stats,
                chart=score_chart(stats.bands, self.quiz.pass_mark),
                group_percent=GROUP_PERCENT,
                min_attempts_for_d=MIN_ATTEMPTS_FOR_D,
                flag_share_correct=FLAG_SHARE_CORRECT,
                flag_discrimination=FLAG_DISCRIMINATION,
            )
        )


# The chart's drawing box (SVG user units); the browser scales it to the page.
CHART_WIDTH, CHART_HEIGHT = 600, 270
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 10, 40, 220
SLOT = (CHART_WIDTH - 2 * PLOT_LEFT) // BANDS


def score_chart(bands, pass_mark):
    """Geometry of the score distribution's bars, computed here so that the
    template only places them: heights relative to the fullest band."""
    tallest = max((band.count for band in bands), default=0) or 1
    plot_height = PLOT_BOTTOM - PLOT_TOP
    bars = []
    for i, band in enumerate(bands):
        height = round(plot_height * band.count / tallest)
        x = PLOT_LEFT + i * SLOT
        bars.append(
            {
                "band": band,
                "x": x + 6,
                "width": SLOT - 12,
                "y": PLOT_BOTTOM - height,
                "count_y": PLOT_BOTTOM - height - 6,
                "height": height,
                "middle": x + SLOT // 2,
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "bars": bars,
        "left": PLOT_LEFT,
        "right": CHART_WIDTH - PLOT_LEFT,
        "bottom": PLOT_BOTTOM,
        "labels_y": PLOT_BOTTOM + 20,
        "caption_y": PLOT_BOTTOM + 44,
        "pass_x": PLOT_LEFT + (CHART_WIDTH - 2 * PLOT_LEFT) * pass_mark // 100,
        "pass_top": PLOT_TOP - 22,
        "pass_label_y": PLOT_TOP - 26,
        "pass_anchor": _label_anchor(pass_mark),
    }


def _label_anchor(pass_mark):
    """Where the pass mark's label hangs from its line: kept inside the box when
    the mark is near either end."""
    if pass_mark < 15:
        return "start"
    return "end" if pass_mark > 85 else "middle"


def _dataset(title, headers, rows):
    dataset = tablib.Dataset(*rows, headers=headers)
    dataset.title = title
    return dataset


def _group_label(row):
    if row.is_organisation:
        return _("Whole organisation")
    return row.team_name or _("No team")


def statistics_workbook(stats):
    """Summary, organisations and teams, and questions, one sheet each."""
    total = stats.total
    summary = [
        (_("Quiz"), stats.quiz.title),
        (_("Attempts"), total.attempts),
        (_("People"), total.people),
        (_("Passed"), total.passed),
        (_("Pass rate (%)"), total.pass_rate),
        (_("Grading"), stats.quiz.get_grading_display()),
    ] + [
        (_("People scoring %(band)s%%") % {"band": b.label}, b.count)
        for b in stats.bands
    ]
    groups = [
        (
            row.organisation_name,
            _group_label(row),
            row.tally.attempts,
            row.tally.people,
            row.tally.passed,
            row.tally.pass_rate,
        )
        for row in stats.groups
    ]
    questions = [
        (
            row.code,
            row.stem,
            row.drawn,
            row.correct,
            row.share_correct,
            None if row.discrimination is None else round(row.discrimination, 2),
            "; ".join(row.reasons),
        )
        for row in stats.questions
    ]
    return tablib.Databook(
        [
            _dataset(_("Summary"), [_("Figure"), _("Value")], summary),
            _dataset(
                _("By organisation"),
                [
                    _("Organisation"),
                    _("Team"),
                    _("Attempts"),
                    _("People"),
                    _("Passed"),
                    _("Pass rate (%)"),
                ],
                groups,
            ),
            _dataset(
                _("Questions"),
                [
                    _("Code"),
                    _("Question"),
                    _("Drawn"),
                    _("Correct"),
                    _("Correct (%)"),
                    _("Discrimination index D"),
                    _("Check this question"),
                ],
                questions,
            ),
        ]
    )


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [
        path(
            "quiz-statistics/<int:pk>/",
            QuizStatisticsView.as_view(),
            name="quiz_statistics",
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def statistics_listing_button(snippet, user, next_url=None):
    """A "Statistics" item in each quiz's "More" menu (the hook runs for every
    snippet model: other models get nothing)."""
    if isinstance(snippet, Quiz) and user.has_perm(PERMISSION):
        yield MenuItem(
            _("Statistics"),
            reverse("quiz_statistics", args=[snippet.pk]),
            icon_name="table",
            priority=25,
        )
