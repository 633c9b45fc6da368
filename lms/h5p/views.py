"""Public H5P views.

Two live on the content origin only (H5P_CONTENT_ORIGIN): the player page and the
package files. A package's JavaScript runs there, in a frame, where the site's
cookies and pages are out of its reach; on the site's own origin these views
answer 404, so the site never serves package files itself.

One lives on the site's origin only: the statement endpoint, behind the session
login and CSRF, where the server scores what the player reports.
"""

import json
import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from lms.core.static_text import static_text
from lms.h5p import selectors
from lms.h5p.constants import (
    CONTENT_TYPES,
    STORAGE_PREFIX,
    RefusalReason,
    StatementOutcome,
)
from lms.h5p.light import (
    BUNDLE_CSS,
    BUNDLE_JS,
    NotAPackage,
    light_file,
    light_main_folder,
)
from lms.h5p.services import h5p_statement_record
from lms.h5p.tokens import content_netloc, content_origin, parent_origin_read

# How much larger than the statement itself the request body may be (the token
# and the JSON wrapping).
BODY_OVERHEAD_BYTES = 4096
STATUS_BY_REASON = {
    RefusalReason.BAD_TOKEN: 403,
    RefusalReason.WRONG_USER: 403,
    RefusalReason.TOO_LARGE: 413,
    RefusalReason.RATE_LIMITED: 429,
}
PLAYER_FILES = {
    "main_js": "vendor/h5p-standalone/main.bundle.js",
    "frame_js": "vendor/h5p-standalone/frame.bundle.js",
    "frame_css": "vendor/h5p-standalone/styles/h5p.css",
    "bridge_js": "js/h5p-player.js",
    # First in the player page (and, inside the light bundle, in the content's
    # frame: lms/h5p/light.py): storage that works when the browser refuses this
    # (third-party) origin any.
    "storage_js": "js/h5p-storage.js",
}


def on_content_origin(request):
    return request.get_host().lower() == content_netloc()


def _content_origin_only(request):
    if not on_content_origin(request):
        raise Http404


def _static_on_content_origin(path):
    # WhiteNoise serves static files on every host name, so the player loads them
    # from its own origin and a strict "'self'" policy still lets them in.
    url = static(path)
    return url if urlsplit(url).netloc else content_origin() + url


def _player_csp(parent_origin):
    origin = content_origin()
    static_origin = ""
    static_url = urlsplit(settings.STATIC_URL)
    if static_url.netloc:
        static_origin = f" {static_url.scheme}://{static_url.netloc}"
    sources = f"'self'{static_origin}"
    # H5P content types use inline styles and handlers and build code at run time,
    # hence 'unsafe-inline' and 'unsafe-eval': acceptable because this origin holds
    # nothing worth stealing. What matters is below: no connection to any other
    # host, no forms, and only the site may frame the player.
    return "; ".join(
        [
            f"default-src {sources}",
            f"script-src {sources} 'unsafe-inline' 'unsafe-eval'",
            f"style-src {sources} 'unsafe-inline'",
            f"img-src {sources} data: blob:",
            f"media-src {sources} data: blob:",
            f"font-src {sources} data:",
            f"connect-src {origin}",
            f"frame-src {sources} blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {parent_origin}",
        ]
    )


def _preloads(content_hash, light, files):
    """All the player will ask for, named in its page so that the browser asks
    for it at once, beside the player's scripts: h5p-standalone reads its JSON
    one file after the other, then loads H5P's core, and only then makes the
    content's frame, which loads the package's bundle; on 3G each step of that
    chain cost 300 ms (docs/benchmarks.md, "Light lessons"). The bundle is
    immutable, so the frame (another document) finds it in the HTTP cache."""
    main = light_main_folder(content_hash)
    if main is None:
        return {}
    return {
        "fetch": [
            f"{light}/h5p.json",
            f"{light}/{main}/library.json",
            f"{files}/content/content.json",
        ],
        "script": [
            _static_on_content_origin(PLAYER_FILES["frame_js"]),
            f"{light}/{main}/{BUNDLE_JS}",
        ],
        "style": [
            _static_on_content_origin(PLAYER_FILES["frame_css"]),
            f"{light}/{main}/{BUNDLE_CSS}",
        ],
    }


@xframe_options_exempt  # X_FRAME_OPTIONS is DENY site-wide; CSP frame-ancestors rules
@require_GET
def player(request, content_hash):
    _content_origin_only(request)
    title = selectors.h5p_package_title(content_hash)
    if title is None:
        raise Http404
    parent_origin = parent_origin_read(request.GET.get("parent", ""))
    files = f"{content_origin()}/h5p/content/{content_hash}"
    light = f"{content_origin()}/h5p/light/{content_hash}"
    config = {
        # The package's libraries as one script and one style sheet (light.py);
        # its content where it is.
        "h5pJsonPath": light,
        "librariesPath": light,
        "contentJsonPath": f"{files}/content",
        "frameJs": _static_on_content_origin(PLAYER_FILES["frame_js"]),
        "frameCss": _static_on_content_origin(PLAYER_FILES["frame_css"]),
        # customJs (h5p-storage.js) and customCss (h5p-frame.css) for the
        # content's frame are inside the light bundle (light.py): fewer requests.
        "xAPIObjectIRI": request.GET.get("iri", "")[:500],
        "parentOrigin": parent_origin,
    }
    response = render(
        request,
        "h5p/player.html",
        {
            "config": config,
            "preload": _preloads(content_hash, light, files),
            "title": title,
            "main_js": _static_on_content_origin(PLAYER_FILES["main_js"]),
            # Ours, small, in the page itself: two requests fewer in the first
            # round on 3G (the player's policy allows inline scripts).
            "bridge_js": static_text(PLAYER_FILES["bridge_js"]),
            "storage_js": static_text(PLAYER_FILES["storage_js"]),
        },
    )
    response["Content-Security-Policy"] = _player_csp(parent_origin)
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _content_type(path):
    extension = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if extension in CONTENT_TYPES:
        return CONTENT_TYPES[extension]
    guessed, _encoding = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def _package_path_or_404(path):
    parts = path.split("/")
    if "\\" in path or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        raise Http404


def _package_file_headers(response):
    response["X-Content-Type-Options"] = "nosniff"
    # Should anyone open a package file directly, it runs nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Files live under their package's hash: they never change.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_GET
def content(request, content_hash, path):
    _content_origin_only(request)
    _package_path_or_404(path)
    try:
        handle = default_storage.open(f"{STORAGE_PREFIX}/{content_hash}/{path}")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404 from error
    return _package_file_headers(FileResponse(handle, content_type=_content_type(path)))


@require_GET
def light(request, content_hash, path):
    """The light player's files (lms/h5p/light.py); any other path is the
    package's own file, as ``content`` serves it."""
    _content_origin_only(request)
    _package_path_or_404(path)
    try:
        text = light_file(content_hash, path)
    except NotAPackage as error:
        raise Http404 from error
    if text is None:
        return content(request, content_hash, path)
    return _package_file_headers(HttpResponse(text, content_type=_content_type(path)))


def _error(message, status):
    return JsonResponse(
        {"outcome": StatementOutcome.REFUSED.value, "message": message}, status=status
    )


@require_POST
def statements(request):
    if on_content_origin(request):
        raise Http404
    if not request.user.is_authenticated:
        return _error(_("Sign in to record your answers."), 401)
    limit = settings.H5P_STATEMENT_MAX_BYTES + BODY_OVERHEAD_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit or len(request.body) > limit:
        return _error(_("The answer is too large to record."), 413)
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return _error(_("The answer could not be read."), 400)
    if not isinstance(body, dict):
        return _error(_("The answer could not be read."), 400)
    verdict = h5p_statement_record(
        user=request.user, token=body.get("token"), statement=body.get("statement")
    )
    status = 200
    if verdict.outcome == StatementOutcome.REFUSED:
        status = STATUS_BY_REASON.get(verdict.reason, 400)
    return JsonResponse(verdict.as_json(), status=status)
