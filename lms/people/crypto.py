"""Encryption at rest and keyed hashes for personal identifiers (PIPL).

ID numbers are stored twice, neither in clear: Fernet-encrypted so an authorised
user can read them back, and as an HMAC-SHA256 so that look-ups and duplicate
checks work without decrypting every row. Keys come from settings (see base.py);
several encryption keys may be given so that old rows still decrypt after a key
rotation.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derived(purpose):
    """Development fallback: a key derived from SECRET_KEY for one purpose."""
    digest = hashlib.sha256(
        f"shouwang:{purpose}:{settings.SECRET_KEY}".encode()
    ).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet():
    keys = settings.PII_ENCRYPTION_KEYS or [_derived("pii-encryption").decode()]
    try:
        return MultiFernet(
            [Fernet(key.encode() if isinstance(key, str) else key) for key in keys]
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            "PII_ENCRYPTION_KEYS must be url-safe base64 Fernet keys (32 bytes)."
        ) from error


@cache
def _hash_key():
    key = settings.PII_HASH_KEY
    return key.encode() if key else _derived("pii-hash")


def encrypt(value):
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def keyed_hash(value):
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


def reset_caches():
    """For tests that change the keys."""
    _fernet.cache_clear()
    _hash_key.cache_clear()
