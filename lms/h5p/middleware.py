"""Keep the content origin to H5P content.

In development the content origin is the same server under another host name
(localhost:8000 next to 127.0.0.1:8000), and in production it may be the same
app under h5p.example.cn. Either way a package's JavaScript on that origin could
fetch any page the app serves there, so on the content origin this middleware
lets through only the player, the package files and static files (WhiteNoise,
earlier in the chain, serves those before we are reached).

Add it to MIDDLEWARE right after WhiteNoiseMiddleware.
"""

from django.conf import settings
from django.http import HttpResponseNotFound

from lms.h5p.tokens import content_netloc, site_origin

ALLOWED_PREFIXES = ("/h5p/play/", "/h5p/content/", "/h5p/light/")


class ContentOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        netloc = content_netloc()
        if (
            request.get_host().lower() == netloc
            and site_origin().split("://", 1)[-1].lower() != netloc
            and not request.path.startswith((*ALLOWED_PREFIXES, settings.STATIC_URL))
        ):
            return HttpResponseNotFound()
        return self.get_response(request)
