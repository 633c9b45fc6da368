"""Wagtail admin hooks of the credentials part of lms.certs
(imported by wagtail_hooks). There are none; importing signing registers its
deploy check (certs.W001) wherever the hooks are loaded."""

from lms.certs import signing  # noqa: F401
