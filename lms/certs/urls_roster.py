"""URLs of the roster part of lms.certs, included at the site root by cms/urls.py
(write full paths)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lms.certs import views_roster
from lms.certs.api import RosterApi

urlpatterns = [
    path("certs/roster/", views_roster.roster, name="certs-roster"),
    path(
        "certs/roster/export.<str:file_format>",
        views_roster.roster_export,
        name="certs-roster-export",
    ),
    path("certs/api-keys/", views_roster.api_key_list, name="certs-api-keys"),
    path(
        "certs/api-keys/<int:pk>/revoke/",
        views_roster.api_key_revoke,
        name="certs-api-key-revoke",
    ),
    path("api/v1/roster", RosterApi.as_view(), name="api-roster"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/v1/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
]
