"""URLs of the verify part of lms.certs, included at the site root by cms/urls.py
(write full paths)."""

from django.urls import path

from lms.certs import views_verify

urlpatterns = [
    path("v/", views_verify.verify_form, name="verify-form"),
    path("v/<str:code>", views_verify.verify_page, name="verify"),
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
]
