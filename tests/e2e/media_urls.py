"""The site's URLs plus uploaded media read from the default storage: the browser
tests keep uploads in memory (cms/settings/test.py) and run with DEBUG off, where
cms/urls.py serves no media. Only tests/e2e/test_authoring.py uses it."""

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import re_path

from cms.urls import urlpatterns as site_urlpatterns


def media(request, path):
    if not default_storage.exists(path):
        raise Http404
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return FileResponse(default_storage.open(path), content_type=content_type)


urlpatterns = [re_path(r"^media/(?P<path>.+)$", media), *site_urlpatterns]
