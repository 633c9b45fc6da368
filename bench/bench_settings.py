"""Production-like settings for `make bench`: DEBUG off, a throw-away database.

SQLite under BENCH_DIR (default /tmp/shouwang-bench) unless BENCH_DATABASE_URL is
set (e.g. postgres://postgres@127.0.0.1:5432/shouwang_bench). The cache is Redis
at BENCH_REDIS_URL (db 15 unless set; REDIS_URL alone does not change it); with
BENCH_REDIS_URL empty, the base settings' (REDIS_URL, else the database cache,
shared by the gunicorn workers). Static files are served by WhiteNoise straight
from the source folders.
"""

import os

from cms.settings.base import *  # noqa: F403
from cms.settings.env import database_from_url

BENCH_DIR = os.environ.get("BENCH_DIR", "/tmp/shouwang-bench")  # noqa: S108
BENCH_PORT = int(os.environ.get("BENCH_PORT", "8071"))

DEBUG = False
SECRET_KEY = "shouwang-bench-loopback-only-not-a-secret-0123456789"  # noqa: S105
PII_ENCRYPTION_KEYS = ["c2hvdXdhbmctYmVuY2gta2V5LTMyLWJ5dGVzLW9rISE="]
PII_HASH_KEY = "shouwang-bench-hash-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bench_urls"

# The site on 127.0.0.1, the H5P content origin on localhost: two origins.
WAGTAILADMIN_BASE_URL = f"http://127.0.0.1:{BENCH_PORT}"
H5P_CONTENT_ORIGIN = f"http://localhost:{BENCH_PORT}"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{BENCH_DIR}/db.sqlite3"
)
DATABASES = {"default": database_from_url(DATABASE_URL)}
BENCH_DB_TAG = "sqlite" if "sqlite" in DATABASES["default"]["ENGINE"] else "postgres"

MEDIA_ROOT = Path(BENCH_DIR) / "media"  # noqa: F405
STATIC_ROOT = Path(BENCH_DIR) / "static"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(BENCH_DIR) / "private" / "photos",  # noqa: F405
            "base_url": "/people/photos/",
        },
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Bench users are created without a password; keep hashing out of the picture.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"shouwang": {"handlers": ["console"], "level": "ERROR"}},
}

# Production's scale-out path: the cache in Redis (BENCH_REDIS_URL; empty for the
# database cache of a single-machine install). Sessions stay in the database, as the
# peer's do, so the two projects pay the same per-request session query; the
# check-in benchmark, which has no peer in the run, sets BENCH_SESSION_ENGINE to
# production's (cached_db: read from Redis, written through to the database).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
if BENCH_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.core.redis_cache.ReusingRedisCache",
            "LOCATION": BENCH_REDIS_URL,
        }
    }
SESSION_ENGINE = os.environ.get(
    "BENCH_SESSION_ENGINE", "django.contrib.sessions.backends.db"
)
