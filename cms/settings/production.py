"""Production: secrets and keys must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

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

# --- STORAGE: where uploaded files live (docs/deployment.md "Media") -----------------
# MEDIA_STORAGE=filesystem (default): MEDIA_ROOT and PRIVATE_MEDIA_ROOT on this
# machine's disk, or on a file system every app server mounts (NFS, CephFS).
# MEDIA_STORAGE=s3: an S3-compatible object store (MinIO, Aliyun OSS, Tencent COS)
# through django-storages, so that several app servers share uploads without a
# shared disk. Media and ID photos go to two buckets: a bucket's access policy is
# per bucket on MinIO, and the photos bucket must never be readable without a
# signature (the app reads photos itself and serves them through checked views).
MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem")
STATICFILES_STORAGE_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def s3_storage(bucket, **options):
    """A django-storages S3 backend for ``bucket``, on the S3_* endpoint."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env("S3_REGION_NAME") or None,
            # MinIO and most private installations want path-style addresses.
            "addressing_style": env("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            # Never overwrite: two uploads of one name get two objects.
            "file_overwrite": False,
            **options,
        },
    }


if MEDIA_STORAGE == "filesystem":
    MEDIA_STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "photos": PHOTO_STORAGE,  # noqa: F405
    }
elif MEDIA_STORAGE == "s3":
    # Media links are signed (a private bucket works as is) unless the bucket is
    # published under S3_MEDIA_CUSTOM_DOMAIN (its own host name, never the site's:
    # H5P files in it must not run on the site's origin).
    _media_domain = env("S3_MEDIA_CUSTOM_DOMAIN")
    MEDIA_STORAGES = {
        "default": s3_storage(
            require("S3_MEDIA_BUCKET", env("S3_MEDIA_BUCKET")),
            custom_domain=_media_domain or None,
            querystring_auth=not _media_domain,
        ),
        "photos": s3_storage(
            require("S3_PHOTOS_BUCKET", env("S3_PHOTOS_BUCKET")),
            default_acl="private",
            querystring_auth=True,
            querystring_expire=300,
        ),
    }
else:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}."
    )
STORAGES = {
    **MEDIA_STORAGES,
    "staticfiles": {"BACKEND": STATICFILES_STORAGE_BACKEND},
}
# --- end STORAGE -----------------------------------------------------------------

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

# --- MAIL: the SMTP server for the SMTP EMAIL_BACKEND (deploy/shouwang.env.example)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# --- end MAIL ----------------------------------------------------------------------
