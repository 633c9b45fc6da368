"""Wagtail admin hooks of the verify part of lms.certs
(imported by wagtail_hooks)."""
