"""A static file's text, for the views that send one in another form: the
service worker from the site's root (lms/courses/offline.py), the H5P player's
own scripts written into its page and the light bundle (lms/h5p/)."""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage


def static_text(path):
    """From the finders (development, tests) or the collected files
    (production, where the finders may have no source folder)."""
    found = finders.find(path)
    if found:
        with open(found, encoding="utf-8") as handle:
            return handle.read()
    with staticfiles_storage.open(path) as handle:
        return handle.read().decode("utf-8")
