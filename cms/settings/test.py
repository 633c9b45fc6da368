"""Tests: fast password hashing, local-memory cache, fixed keys."""

import os

from cms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Room for what a test writes: the points board's change log takes an entry per
# change (lms/points/count_cache.py), and Django's default of 300 entries would
# cull a third of the cache (a user's permissions too) in the middle of a test.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "photos": {
        "BACKEND": "django.core.files.storage.InMemoryStorage",
        "OPTIONS": {"base_url": "/people/photos/"},
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PII_ENCRYPTION_KEYS = ["c2hvdXdhbmctdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE="]
PII_HASH_KEY = "test-hash-key"
ALLOWED_HOSTS = ["*"]

# Serve static files from the source folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite tests run on a file, not in memory: in-memory databases shared between
# threads fail with "table is locked" instead of waiting, which would hide how the
# concurrency tests (double submits, parallel check-ins) behave on the real thing.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so that two runs on one machine never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"/tmp/shouwang-test-{os.getpid()}.sqlite3"  # noqa: S108
    }

# --- TASKS: run at once (after commit), whatever the environment says; the worker
# tests (tests/test_tasks.py) switch to the database backend themselves. ---------
TASKS = tasks_setting("immediate")  # noqa: F405
# --- end TASKS -------------------------------------------------------------------
