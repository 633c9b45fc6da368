"""Wagtail admin hooks of the roster part of lms.certs
(imported by wagtail_hooks)."""
