"""Settings shared by every environment.

Every value that differs between machines is read from the environment here, with a
safe default, so ``dev``, ``test`` and ``production`` only change what they must.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from cms import logs
from cms.settings.env import database_from_url, env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "cms",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's static files for /api/v1/docs/ (no CDN: sites run offline).
    "drf_spectacular_sidecar",
    # django-csp: its system checks catch settings in the pre-4.0 format.
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lms.core",
    "lms.people",
    "lms.courses",
    "lms.h5p",
    "lms.quizzes",
    "lms.drills",
    "lms.certs",
    "lms.points",
    # Sign-in lock-out and its audit (see the "Authentication" block below).
    "axes",
]

MIDDLEWARE = [
    # Before all: the request's id and arrival time; it reads the proxy's own
    # address, so it comes before the next one (cms/middleware.py).
    "cms.middleware.RequestIdMiddleware",
    # Next: everything after it sees the client's address, not the proxy's.
    "lms.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that it sees the static files WhiteNoise answers:
    # static and H5P files gzipped when nothing compressed them (cms/compression.py).
    "cms.compression.PublicFilesGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The H5P content host serves package files and the player, nothing else.
    "lms.h5p.middleware.ContentOriginMiddleware",
    # Content-Security-Policy on every page (settings below; cms/csp.py).
    "cms.csp.SiteCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.core.site_cache.SiteCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# One URL describes the database: SQLite by default, PostgreSQL in production.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, logs and faults (docs/operations.md, "Faults") -------------
# Redis (REDIS_URL, a database holding nothing but this cache) through a backend that
# answers like a miss while Redis is down or hangs (lms/core/redis_cache.py): pages fall
# through to the database. The socket timeouts bound one failed call; after one the
# cache is skipped for a few seconds. Sessions: cached_db, so the database still
# has them when the cache does not (lms/core/sessions.py: its engine can read other
# cache entries in the round trip that loads the session).
REDIS_URL = env("REDIS_URL", "")
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": float(env("REDIS_CONNECT_TIMEOUT", "0.25")),
    "socket_timeout": float(env("REDIS_TIMEOUT", "0.5")),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.core.redis_cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    SESSION_ENGINE = "lms.core.sessions"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shouwang_cache",
        }
    }
# Logs to standard output, every line with the request's id (cms/middleware.py sets
# it, X-Request-ID), phone and ID numbers masked (cms/logs.py); JSON lines with
# LOG_FORMAT=json (production's default). Server errors with their traceback.
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = logs.config(json_lines=env("LOG_FORMAT", "text") == "json", level=LOG_LEVEL)
# --- end of cache, sessions, logs and faults --------------------------------------

AUTH_USER_MODEL = "people.User"
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "/login/"

# Chinese first; English is complete. Shanghai time for every date people read.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Ours first; then the Wagtail admin strings that Wagtail's own zh_Hans catalogue
# lacks (locale_wagtail/, kept by hand: makemessages never writes there). Both come
# before every app's catalogue, so they complete Wagtail's.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# ID photos are personal data: outside MEDIA_ROOT (the web server never serves them
# as files), under random names, through views that check who asks
# (lms/people/photos.py). Back PRIVATE_MEDIA_ROOT up with MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
PHOTO_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": PRIVATE_MEDIA_ROOT / "photos",
        "base_url": "/people/photos/",
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "photos": PHOTO_STORAGE,
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

WAGTAIL_SITE_NAME = "守望 Shouwang"
WAGTAILADMIN_BASE_URL = env("SITE_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAIL_I18N_ENABLED = False
# No call home from the admin dashboard: sites run offline, and the site's
# Content-Security-Policy allows connections to our own origin only.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Admin avatars without Gravatar: no image from another host (img-src 'self'), and
# no hash of a staff member's e-mail address sent out.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Personal data (PIPL): ID numbers are encrypted with PII_ENCRYPTION_KEYS (Fernet keys,
# comma-separated, newest first, so keys can be rotated) and looked up by an HMAC keyed
# with PII_HASH_KEY. The development defaults are derived from SECRET_KEY; production
# refuses to start without real keys (see production.py).
PII_ENCRYPTION_KEYS = env_list("PII_ENCRYPTION_KEYS", "")
PII_HASH_KEY = env("PII_HASH_KEY", "")

# --- Authentication: sign-in lock-out (django-axes) ---------------------------------
# One block for everything about who may authenticate and how often; the API's own
# authentication classes are in REST_FRAMEWORK below. Why axes, and what is ours:
# lms/people/services/login_guard.py. Every failed authentication counts: /login/,
# Wagtail's /admin/login/ (both call authenticate(request, ...)), the API's bad keys.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (account, address) before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "lms.people.backends.PhoneOrUsernameBackend",
    # Only /activate/ passes its credential (a one-time activation code); it
    # answers None to everything else and keeps no session.
    "lms.people.backends.ActivationCodeBackend",
]
# Failures per account and address (an IPv6 address as its /64) before a lock-out,
# and how long the lock lasts after the last failure.
AXES_FAILURE_LIMIT = int(env("LOGIN_MAX_FAILURES", "10"))
# Activation codes an organisation admin hands out (lms/people/services/logins.py):
# how long one stays valid, and how many tries one address may make a minute on
# /activate/ whatever the account (axes counts per account and address besides).
ACTIVATION_CODE_DAYS = int(env("ACTIVATION_CODE_DAYS", "14"))
ACTIVATION_TRIES_PER_MINUTE = int(env("ACTIVATION_TRIES_PER_MINUTE", "30"))
AXES_COOLOFF_TIME = timedelta(seconds=int(env("LOGIN_FAILURE_WINDOW", str(15 * 60))))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "lms.people.services.login_guard.lockout_username"
AXES_CLIENT_IP_CALLABLE = "lms.core.client.lockout_address"
AXES_LOCKOUT_CALLABLE = "lms.people.services.login_guard.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The audit: every failure (AccessFailureLog, at most 1000 per name; prune older
# ones with `manage.py axes_reset_failure_logs --age DAYS`) besides the running
# counts. Successful sign-ins are not logged by axes (no AccessLog): personal data
# kept only where it serves a purpose (PIPL).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
# Axes keeps a failed attempt's form in AccessAttempt.post_data, masking "password"
# only: /activate/'s code and new password must not be kept either.
AXES_SENSITIVE_PARAMETERS = ["code", "new_password1", "new_password2"]
# --- end of the authentication block ------------------------------------------------

# H5P: package content and the player are served from their own origin (another host
# name or port), so a package's JavaScript cannot read the site's cookies or DOM.
H5P_CONTENT_ORIGIN = env("H5P_CONTENT_ORIGIN", "http://localhost:8000")
H5P_MAX_UPLOAD_BYTES = int(env("H5P_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
H5P_MAX_FILES = int(env("H5P_MAX_FILES", "3000"))
H5P_MAX_UNCOMPRESSED_BYTES = int(
    env("H5P_MAX_UNCOMPRESSED_BYTES", str(300 * 1024 * 1024))
)
H5P_MAX_COMPRESSION_RATIO = int(env("H5P_MAX_COMPRESSION_RATIO", "100"))
H5P_STATEMENT_MAX_BYTES = int(env("H5P_STATEMENT_MAX_BYTES", str(64 * 1024)))
H5P_STATEMENTS_PER_MINUTE = int(env("H5P_STATEMENTS_PER_MINUTE", "60"))

# Import limits: a spreadsheet larger than this is refused before it is parsed.
PEOPLE_IMPORT_MAX_BYTES = int(env("PEOPLE_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
PEOPLE_IMPORT_MAX_ROWS = int(env("PEOPLE_IMPORT_MAX_ROWS", "20000"))

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Only what the API documents: a station's API key and the site's own session.
    # Never DRF's default BasicAuthentication (a password check beside the sign-in
    # lock-out would be a password-guessing oracle). See lms/certs/api_auth.py.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lms.certs.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shouwang API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Qualification verification and the roster of deployable guards. "
        "Dispatch systems send a station's key: `Authorization: Api-Key <key>`."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "PREPROCESSING_HOOKS": ["lms.certs.api.public_api_only"],
    # The docs page's assets come from drf-spectacular-sidecar (static files), never
    # from a CDN: the sites run without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Qualifications (lms/certs; README lists them): the Ed25519 seed that signs digital
# credentials (derived from SECRET_KEY when empty; check --deploy warns) and the
# public address written into them.
CERTS_SIGNING_KEY = env("CERTS_SIGNING_KEY", "")
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CERTS_ISSUER_BASE_URL = env("CERTS_ISSUER_BASE_URL", WAGTAILADMIN_BASE_URL)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "shouwang@localhost")

# --- TASKS: background work (django-tasks; docs/certs.md "Background work") ---------
# "immediate": a task runs in the process that enqueues it, after the transaction
# commits (tests, `make demo`, development). "database": a task is a row in the
# same database, committed with the change that asked for it, and `manage.py
# db_worker` (`make worker`, deploy/systemd/shouwang-worker.service) runs it;
# production's default. The task table is installed everywhere, so a site can
# switch with TASKS_BACKEND alone.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
# django_tasks itself for its system check of TASKS (its README asks for it).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]


def tasks_setting(name):
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {name!r}."
        )
    return {"default": {"BACKEND": TASK_BACKENDS[name]}}


TASKS = tasks_setting(env("TASKS_BACKEND", "immediate"))
# A task still "running" this long after a worker took it is taken to be orphaned
# (its machine died) and queued again by `manage.py requeue_tasks --stale`. Longer
# than any task runs (the engine for one drill's people takes seconds).
TASKS_STALE_AFTER_MINUTES = int(env("TASKS_STALE_AFTER_MINUTES", "30"))
# --- end TASKS -------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "lms.drills.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Content-Security-Policy (django-csp 4; cms/csp.py, docs/architecture.md) -------
# Every page: only our own scripts, styles, fonts and connections; no inline script
# (a template that truly needs one uses {{ request.csp_nonce }}, which adds the
# nonce to the header); images also as data: URIs; forms post only to us; no page
# may be framed. frame-src is the H5P content origin, filled in per request from
# H5P_CONTENT_ORIGIN by the middleware. Responses that set their own policy keep it
# (the H5P player and package files: lms/h5p/views.py).
# The inline <style> of 500.html, allowed by its hash (that page is rendered
# without a request, so it cannot carry a nonce; tests/cms/test_csp.py recomputes
# the hash from the template).
CSP_ERROR_PAGE_STYLE = "'sha256-wWGrIs7FAAr/zFcnmELFIfuFCFGkTFJRIJvv25GYCZ4='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, CSP_ERROR_PAGE_STYLE],
        "img-src": [SELF, "data:"],
        "frame-src": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Wagtail's admin (/admin/ only) replaces these directives. Wagtail 8 still renders
# inline <script> in widgets (date choosers call initDateChooser() inline, and the
# StreamField and snippet editors insert such widget HTML with jQuery, which runs
# it); their ids differ per field, so hashes cannot list them and Wagtail's widgets
# cannot be handed a nonce. Its editors also set inline style attributes (Draftail,
# panels, choosers). Hence 'unsafe-inline' for scripts and styles, only for the
# admin, which only signed-in staff reach and where Wagtail escapes what editors
# type. Its live preview frames admin pages of our own origin, and a previewed
# lesson frames the H5P player.
CSP_ADMIN_PATH_PREFIX = "/admin/"
CSP_ADMIN_DIRECTIVES = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}
# A page previewed in the admin is rendered through the middleware as a dummy request
# for the page's own URL (wagtail.models.preview): the site's policy, except that the
# admin's preview panel frames it.
CSP_PREVIEW_DIRECTIVES = {"frame-ancestors": [SELF]}


def require(name, value):
    """Fail loudly at start-up when a production setting is missing."""
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


# Map tiles for /points/ (docs/points.md): an operator-configured provider, e.g.
# 天地图 "https://t{s}.tianditu.gov.cn/vec_w/wmts?...&tk=KEY". Empty (the default,
# tests, the demo): the points are drawn on a plain background and no request
# leaves the origin.
POINTS_TILE_URL = env("POINTS_TILE_URL", "")
POINTS_TILE_ATTRIBUTION = env("POINTS_TILE_ATTRIBUTION", "")
POINTS_TILE_SUBDOMAINS = env("POINTS_TILE_SUBDOMAINS", "01234567")
