"""Instructor pages and feeds; the check-in links themselves (``/c/``) are in
cms/urls.py because they are printed in QR codes and never change."""

from django.urls import path

from lms.drills import views

urlpatterns = [
    path("<int:pk>/token.json", views.current_token, name="drill_token"),
    path("<int:pk>/attendance.json", views.attendance_json, name="drill_attendance"),
    path("<int:pk>/display/", views.display, name="drill_display"),
]
