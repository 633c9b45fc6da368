"""Settings shared by every environment.

Every value that differs between machines is read from the environment here, with a
safe default, so ``dev``, ``test`` and ``production`` only change what they must.
"""

from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

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
    "lms.people",
    "lms.courses",
    "lms.h5p",
    "lms.quizzes",
    "lms.drills",
    "lms.certs",
]

MIDDLEWARE = [
    # First: everything after it sees the client's address, not the proxy's.
    "cms.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
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
    "cms.site_cache.SiteCacheMiddleware",
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

REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cms.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shouwang_cache",
        }
    }

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["lms.people.backends.PhoneOrUsernameBackend"]
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
LOCALE_PATHS = [BASE_DIR / "locale"]
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

# Sign-in throttling (lms/people/services/login_guard.py).
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "10"))
LOGIN_FAILURE_WINDOW = int(env("LOGIN_FAILURE_WINDOW", str(15 * 60)))

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

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "shouwang": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    },
}


def require(name, value):
    """Fail loudly at start-up when a production setting is missing."""
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value
