from django.urls import path, re_path

from lms.h5p import views

app_name = "h5p"

urlpatterns = [
    re_path(r"^play/(?P<content_hash>[0-9a-f]{64})/$", views.player, name="player"),
    re_path(
        r"^content/(?P<content_hash>[0-9a-f]{64})/(?P<path>.+)$",
        views.content,
        name="content",
    ),
    re_path(
        r"^light/(?P<content_hash>[0-9a-f]{64})/(?P<path>.+)$",
        views.light,
        name="light",
    ),
    path("statements/", views.statements, name="statements"),
]
