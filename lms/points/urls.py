"""Every URL of lms.points, included at the site root by cms/urls.py."""

from django.urls import path

from lms.points import api, views

urlpatterns = [
    path("points/", views.points_index, name="points"),
    path("points/import/", views.points_import, name="points-import"),
    path(
        "points/assignments/<int:pk>/end/",
        views.assignment_end,
        name="points-assignment-end",
    ),
    path("points/<str:code>/", views.point_detail, name="point"),
    path("points/<str:code>/assign/", views.point_assign, name="point-assign"),
    path("api/v1/points", api.PointsApi.as_view(), name="api-points"),
    path("api/v1/points/<str:code>", api.PointApi.as_view(), name="api-point"),
]
