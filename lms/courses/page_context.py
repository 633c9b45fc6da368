"""What each course page shows its visitor: the page types' context, read through
the selectors.

Wagtail asks a page for its context (``Page.get_context``), and the reads live in
selectors.py, which queries these very page classes: a page class importing the
selectors would close a circle (models -> selectors -> models). So the page classes
look their reads up in ``lms.courses.models.pages.page_reads``, which
``CoursesConfig.ready`` fills from ``READS`` here.
"""

from lms.courses import selectors
from lms.courses.lesson_cache import body_html
from lms.courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    SeasonalClassPage,
)
from lms.courses.sharing import open_graph


def catalogue(page, request, context):
    context["courses"] = selectors.catalogue_for(index=page, user=request.user)
    context["seasonal_classes"] = selectors.seasonal_classes_active(parent=page)
    context["archived_classes"] = selectors.seasonal_classes_archived(parent=page)


def learnable(page, request, context):
    """A course or a seasonal class."""
    context.update(selectors.learnable_overview(page=page, user=request.user))
    # Shared into a chat, it shows a card (Open Graph).
    context["open_graph"] = open_graph(page, request)


def lesson(page, request, context):
    context.update(selectors.lesson_state(lesson=page, user=request.user))
    context["body_html"] = body_html(page, context)
    context["open_graph"] = open_graph(page, request)


READS = {
    CourseIndexPage: catalogue,
    CoursePage: learnable,
    SeasonalClassPage: learnable,
    LessonPage: lesson,
}
