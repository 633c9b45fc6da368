"""Admin for courses: progress report, assignments, and no deleting taught pages;
and the lesson a quiz leads back to (``lms.quizzes.lessons``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList

from lms.core.admin_helpers import PermissionMenuItem
from lms.courses.admin_forms import AssignmentForm
from lms.courses.admin_views import CourseProgressView
from lms.courses.constants import CourseAuditAction
from lms.courses.models import Assignment, Enrolment, LessonCompletion
from lms.courses.selectors import lesson_holding_quiz, lesson_summary
from lms.people.viewsets import ScopedViewSet
from lms.quizzes.lessons import LESSON_HOLDING_QUIZ, LESSON_SUMMARY

hooks.register(LESSON_HOLDING_QUIZ, lesson_holding_quiz)
hooks.register(LESSON_SUMMARY, lesson_summary)


@hooks.register("register_admin_urls")
def register_course_admin_urls():
    return [
        path("course-progress/", CourseProgressView.as_view(), name="course_progress")
    ]


@hooks.register("register_admin_menu_item")
def register_progress_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Course progress"),
        reverse("course_progress"),
        icon_name="tasks",
        order=160,
        permission="people.view_person",
    )


class AssignmentViewSet(ScopedViewSet):
    model = Assignment
    icon = "date"
    menu_label = gettext_lazy("Assignments")
    menu_order = 161
    add_to_admin_menu = True
    list_display = ["page", "organisation", "team", "due_date"]
    edit_handler = ObjectList(
        [
            FieldPanel("page"),
            FieldPanel("organisation"),
            FieldPanel("team"),
            FieldPanel("due_date"),
        ],
        base_form_class=AssignmentForm,
    )


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignments")


@hooks.register("register_log_actions")
def register_course_actions(actions):
    actions.register_action(
        CourseAuditAction.ASSIGN,
        gettext_lazy("Assign course"),
        gettext_lazy("Course assigned"),
    )
    actions.register_action(
        CourseAuditAction.COMPLETE,
        gettext_lazy("Complete course"),
        gettext_lazy("Course completed"),
    )


@hooks.register("before_delete_page")
def keep_pages_with_records(request, page):
    """Records point at pages and are never deleted; unpublish such a page instead."""
    has_records = (
        Enrolment.objects.filter(page=page).exists()
        or LessonCompletion.objects.filter(lesson=page).exists()
        or Assignment.objects.filter(page=page).exists()
    )
    if has_records:
        messages.error(
            request,
            _("People have studied this page; unpublish it instead of deleting it."),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
