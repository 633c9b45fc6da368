from django.urls import path

from lms.courses import offline, views

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
    path("offline/", offline.offline_courses, name="offline_courses"),
    path("offline/<int:page_id>/", offline.course_offline, name="course_offline"),
]
