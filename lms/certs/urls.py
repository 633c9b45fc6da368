"""Every URL of lms.certs, included at the site root by cms/urls.py. ``/v/<code>``
is printed on every certificate, and the ``.well-known`` keys and status lists are
named inside every signed credential: never change those paths."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lms.certs import views, views_credentials, views_roster, views_verify
from lms.certs.api import RosterApi

urlpatterns = [
    # The trainee's qualifications and a record's page (views.py).
    path("certs/", views.my_qualifications, name="my_qualifications"),
    path("certs/records/<str:serial>/", views.record_detail, name="certs_record"),
    # Verification, certificates, the station scanner (views_verify.py).
    path("v/", views_verify.verify_form, name="verify-form"),
    path("v/<str:code>", views_verify.verify_page, name="verify"),
    path("v/<str:code>/photo", views_verify.verify_photo, name="verify-photo"),
    path(
        "api/v1/verify/<str:code>",
        views_verify.VerifyAPIView.as_view(),
        name="api-verify",
    ),
    path(
        "certs/records/<str:serial>/certificate/",
        views_verify.certificate,
        name="certificate",
    ),
    path(
        "certs/records/<str:serial>/certificate.pdf",
        views_verify.certificate_pdf,
        name="certificate-pdf",
    ),
    path("certs/scan/", views_verify.scanner, name="certs-scan"),
    path("certs/scan/lookup/", views_verify.scan_lookup_view, name="certs-scan-lookup"),
    # Signed credentials: keys, issuer, status lists, downloads
    # (views_credentials.py).
    path(".well-known/shouwang/keys.json", views_credentials.keys, name="certs_keys"),
    path(
        ".well-known/shouwang/issuer.json",
        views_credentials.issuer,
        name="certs_issuer",
    ),
    path(
        "certs/status/<str:purpose>",
        views_credentials.status_list_view,
        name="certs_status_list",
    ),
    path(
        "certs/records/<str:serial>/credential.json",
        views_credentials.credential_download,
        name="certs_credential",
    ),
    # The roster, its export, API keys and the API (views_roster.py, api.py).
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
