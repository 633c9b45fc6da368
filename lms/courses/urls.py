from django.urls import path

from lms.courses import views

urlpatterns = [
    path(
        "lessons/<int:lesson_id>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path("enrol/<int:page_id>/", views.enrol, name="course_enrol"),
]
