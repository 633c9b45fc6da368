"""Choices and fixed values of the H5P app. Stored values are short English keys
(or xAPI IRIs, which are identifiers, not text); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Signing salts: a token made for one purpose never validates for another.
ACTIVITY_TOKEN_SALT = "shouwang.h5p.activity"  # noqa: S105 - a salt, not a secret
PARENT_ORIGIN_SALT = "shouwang.h5p.parent"
# A lesson left open overnight still works; a token copied last week does not.
ACTIVITY_TOKEN_MAX_AGE = 24 * 60 * 60

# Version of the JSON stored in H5PStatement.payload (see models.H5PStatement).
STATEMENT_PAYLOAD_VERSION = 1

# Where extracted packages live in the default storage: h5p/<sha256>/<path>.
STORAGE_PREFIX = "h5p"

# H5P's own default allow-list (h5p-php-library, H5PCore::$defaultContentWhitelist
# plus $defaultLibraryWhitelistExtras), lower case, without dots.
ALLOWED_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "xml",
        "csv",
        "diff",
        "patch",
        "swf",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
        "js",
        "css",
    ]
)
# Code belongs to libraries (reviewed H5P content types), never to content/.
LIBRARY_ONLY_EXTENSIONS = frozenset({"js", "css"})
# Anything a browser may run as a document or script if served from content/.
CONTENT_FORBIDDEN_EXTENSIONS = frozenset(
    {"js", "mjs", "css", "html", "htm", "xhtml", "shtml", "php", "phtml", "svgz"}
)
# Markers of active content inside otherwise harmless text formats under content/.
CONTENT_SCRIPT_MARKERS = (
    b"<script",
    b"javascript:",
    b"<foreignobject",
    b"<iframe",
    b"<embed",
    b"<object",
)
CONTENT_SCRIPT_CHECKED_EXTENSIONS = frozenset({"svg", "xml", "txt", "md", "csv"})

# Content types for the files we serve; everything else is guessed, and unknowns
# are sent as application/octet-stream (never sniffed: nosniff is always set).
CONTENT_TYPES = {
    "json": "application/json",
    "js": "text/javascript",
    "css": "text/css",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "webm": "video/webm",
    "mp4": "video/mp4",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "vtt": "text/vtt",
    "webvtt": "text/vtt",
    "txt": "text/plain",
    "md": "text/plain",
    "csv": "text/csv",
    "pdf": "application/pdf",
    "xml": "application/xml",
}


class XapiVerb(models.TextChoices):
    """The verbs that can carry a score; every other verb is stored, not scored."""

    ANSWERED = "http://adlnet.gov/expapi/verbs/answered", _("Answered")
    COMPLETED = "http://adlnet.gov/expapi/verbs/completed", _("Completed")


class StatementOutcome(models.TextChoices):
    """What the server did with one xAPI statement."""

    SCORED = "scored", _("Scored")
    NOT_SCORED = "not_scored", _("Stored, not scored")
    REFUSED = "refused", _("Refused")


class RefusalReason(models.TextChoices):
    """Why a statement was refused or not scored (kept with it for audit)."""

    BAD_TOKEN = "bad_token", _("Invalid or expired activity token")
    WRONG_USER = "wrong_user", _("Activity token of another user")
    TOO_LARGE = "too_large", _("Statement too large")
    RATE_LIMITED = "rate_limited", _("Too many statements")
    MALFORMED = "malformed", _("Malformed statement")
    WRONG_OBJECT = "wrong_object", _("Statement for another activity")
    SUB_CONTENT = "sub_content", _("Statement for a part of the activity")
    OTHER_VERB = "other_verb", _("Verb that carries no score")
    NO_SCORE = "no_score", _("Score missing or not a number")
    SCORE_OUT_OF_RANGE = "score_out_of_range", _("Score outside the package's range")
    NOT_SCORABLE = "not_scorable", _("Package has no known maximum score")


class AuditAction:
    """Actions written to Wagtail's log."""

    PACKAGE_UPLOAD = "shouwang.h5p.upload"
