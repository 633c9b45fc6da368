from django.urls import path

from lms.quizzes import views

urlpatterns = [
    path("<int:pk>/", views.quiz_detail, name="quiz_detail"),
    path("<int:pk>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/<uuid:public_id>/", views.attempt_page, name="quiz_attempt"),
    path(
        "attempts/<uuid:public_id>/answer/",
        views.attempt_answer_view,
        name="quiz_attempt_answer",
    ),
    path(
        "attempts/<uuid:public_id>/submit/",
        views.attempt_submit_view,
        name="quiz_attempt_submit",
    ),
]
