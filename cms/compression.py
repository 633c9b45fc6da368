"""Compressed static and H5P files, wherever they are served from.

Production's WhiteNoise serves static files from their pre-compressed copies
(``CompressedManifestStaticFilesStorage``), which this leaves alone (they already
carry ``Content-Encoding``). Two kinds of response have no such copies and were
sent whole: static files found by the finders (development and the browser tests,
where the page-weight test measures what a phone downloads) and H5P package files,
which come from the default storage through a view (``lms/h5p/views.py``). Those
are gzipped here when the client accepts it: the H5P player's core alone shrinks
from 144 KB to about 40 KB.

Only public files are compressed, never pages: a page carrying a secret (a CSRF
token, a session's data) beside text an attacker can reflect is what BREACH
reads through compression, and these files hold no secret.
"""

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "application/manifest+json",
    "font/ttf",
)
H5P_FILE_PREFIXES = ("/h5p/content/", "/h5p/light/")


class PublicFilesGZipMiddleware(GZipMiddleware):
    """Django's gzip, only for static and H5P package files (see above)."""

    def process_response(self, request, response):
        path = request.path_info
        public = path.startswith((settings.STATIC_URL, *H5P_FILE_PREFIXES))
        if not public:
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        if (
            accepts_gzip
            and response.streaming
            and not response.has_header("Content-Encoding")
        ):
            response = _whole(response)
        return super().process_response(request, response)


def _whole(streaming):
    """A file response read whole, so that the compressed one states its length:
    gzipped as a stream it would have none, and a client or proxy that keeps
    the connection open (HTTP/1.1) would wait for the end of a body that never
    comes. Text files only (COMPRESSIBLE_TYPES), which are small."""
    response = HttpResponse(
        b"".join(streaming.streaming_content), status=streaming.status_code
    )
    for header, value in streaming.items():
        response[header] = value
    # Its file only: closing the response itself would announce the end of the
    # request (request_finished), which closes the database connection.
    handle = getattr(streaming, "file_to_stream", None)
    if handle is not None:
        handle.close()
    return response
