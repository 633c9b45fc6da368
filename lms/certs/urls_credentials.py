"""URLs of the credentials part of lms.certs, included at the site root by cms/urls.py
(write full paths). The keys, the issuer document and the status lists are named
inside every credential issued: never change these paths."""

from django.urls import path

from lms.certs import views_credentials as views

urlpatterns = [
    path(".well-known/shouwang/keys.json", views.keys, name="certs_keys"),
    path(".well-known/shouwang/issuer.json", views.issuer, name="certs_issuer"),
    path(
        "certs/status/<str:purpose>",
        views.status_list_view,
        name="certs_status_list",
    ),
    path(
        "certs/records/<str:serial>/credential.json",
        views.credential_download,
        name="certs_credential",
    ),
]
