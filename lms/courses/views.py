"""Thin views: the trainee's two writes, completing a lesson and enrolling, and the
lesson's progress panel that the lesson page fetches again once an activity is
passed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from lms.courses import selectors, services
from lms.courses.models import CoursePage, LessonPage, SeasonalClassPage
from lms.people.selectors import user_person


def _viewable_or_404(request, page):
    """The writes obey the same privacy as reading the page (Wagtail's view
    restrictions on the page and its ancestors)."""
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404


def _person_or_403(request):
    person = user_person(request.user)
    if person is None:
        raise PermissionDenied(_("Your account has no trainee profile."))
    return person


@login_required
@require_POST
def lesson_complete(request, lesson_id):
    person = _person_or_403(request)
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    _viewable_or_404(request, lesson)
    try:
        services.lesson_complete(person=person, lesson=lesson)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(lesson.url)
    # Back to the lesson, where its progress panel says it is done, what it earned
    # and offers the next lesson. A "lesson completed" message on the next lesson
    # would seem to speak of that one.
    return redirect(f"{lesson.url}#lesson-done")


@login_required
@require_GET
def lesson_progress(request, lesson_id):
    """The lesson page's progress panel alone, as the lesson page shows it."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    _viewable_or_404(request, lesson)
    context = {
        "page": lesson,
        **selectors.lesson_state(lesson=lesson, user=request.user),
    }
    response = render(request, "courses/includes/lesson_progress.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def enrol(request, page_id):
    person = _person_or_403(request)
    page = get_object_or_404(
        Page.objects.live().type(CoursePage, SeasonalClassPage).specific(), pk=page_id
    )
    _viewable_or_404(request, page)
    try:
        services.course_enrol(person=person, page=page)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are enrolled."))
    return redirect(page.url)
