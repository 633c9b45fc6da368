"""Wagtail admin hooks of the credentials part of lms.certs
(imported by wagtail_hooks)."""
