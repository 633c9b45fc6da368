"""Instructor pages and feeds; the check-in links themselves (``/c/``) are in
cms/urls.py because they are printed in QR codes and never change."""

from django.urls import path

from lms.drills import dashboard, reports, scanning, views

urlpatterns = [
    path("scan/", scanning.scanner, name="drill_scanner"),
    path("<int:pk>/scan/", scanning.instructor_scan, name="drill_instructor_scan"),
    path("<int:pk>/checkins/", scanning.checkins, name="drill_checkins"),
    path("<int:pk>/people.json", scanning.people_search, name="drill_people_search"),
    path("<int:pk>/token.json", views.current_token, name="drill_token"),
    path("<int:pk>/attendance.json", views.attendance_json, name="drill_attendance"),
    path("<int:pk>/display/", views.display, name="drill_display"),
    path("<int:pk>/dashboard/", dashboard.dashboard, name="drill_dashboard"),
    path("<int:pk>/dashboard/void/", dashboard.void, name="drill_void"),
    path("<int:pk>/dashboard/excuse/", dashboard.excuse, name="drill_excuse"),
    path("<int:pk>/dashboard/present/", dashboard.mark_present, name="drill_present"),
    path("<int:pk>/dashboard/close/", dashboard.close, name="drill_close"),
    path("<int:pk>/skills/", dashboard.skills, name="drill_skills"),
    path("<int:pk>/export/", reports.drill_export, name="drill_export"),
]
