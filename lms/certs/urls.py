"""The trainee's and staff's qualification pages under /certs/ (lms.certs.views)."""

from django.urls import path

from lms.certs import views

urlpatterns = [
    path("", views.my_qualifications, name="my_qualifications"),
    path("records/<str:serial>/", views.record_detail, name="certs_record"),
]
