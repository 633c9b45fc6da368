from django.urls import path

from lms.courses import views

urlpatterns = [
    path(
        "lessons/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "lessons/<int:lesson_id>/progress/",
        views.lesson_progress,
        name="lesson_progress",
    ),
    path("enrol/<int:page_id>/", views.enrol, name="course_enrol"),
]
