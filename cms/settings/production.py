"""Production: secrets and keys must come from the environment."""

from cms import logs
from cms.settings.base import *  # noqa: F403
from cms.settings.base import (
    CERTS_SIGNING_KEY,
    DEVELOPMENT_SECRET_KEY,
    PII_ENCRYPTION_KEYS,
    PII_HASH_KEY,
    SECRET_KEY,
    require,
    tasks_setting,
)
from cms.settings.env import env, env_bool
from lms.certs.signing import decode_seed

DEBUG = False
require("SECRET_KEY", SECRET_KEY != DEVELOPMENT_SECRET_KEY and SECRET_KEY)
require("PII_ENCRYPTION_KEYS", PII_ENCRYPTION_KEYS)
require("PII_HASH_KEY", PII_HASH_KEY)
# The issuer's key signs every credential and status list: production never derives
# it from SECRET_KEY, and a malformed value stops the start-up here (the WSGI server
# runs no system checks) instead of turning keys.json and the status lists into 500s.
decode_seed(require("CERTS_SIGNING_KEY", CERTS_SIGNING_KEY))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "photos": PHOTO_STORAGE,  # noqa: F405
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
# HSTS for every subdomain too, and consent to the browsers' preload list (both are
# what check --deploy asks for). Set either to false only if a subdomain (the H5P
# content origin, say) cannot serve HTTPS: preloading is hard to undo.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"

# --- TASKS: queued in the database, run by `manage.py db_worker` on any number of
# machines (deploy/systemd/shouwang-worker.service). TASKS_BACKEND=immediate only
# for a one-machine site without a worker. ---------------------------------------
TASKS = tasks_setting(env("TASKS_BACKEND", "database"))
# --- end TASKS -------------------------------------------------------------------

# --- Logs and probes (docs/operations.md, "Faults") ----------------------------------
# JSON lines unless LOG_FORMAT says otherwise; probes answer over plain HTTP (the load
# balancer asks the app server directly).
LOGGING = logs.config(
    json_lines=env("LOG_FORMAT", "json") == "json",
    level=LOG_LEVEL,  # noqa: F405
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
