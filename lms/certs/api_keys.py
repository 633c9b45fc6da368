"""Services for the roster API's keys: make one (its plaintext shown once) and
revoke one. Only a SHA-256 hash of a key is stored, with a short prefix to find
it by; ``api_key_check`` is what the API's authentication calls."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from lms.certs.models import ApiKey
from lms.people.selectors import manages_everyone, user_person

# "sw_<prefix>.<secret>": the prefix finds the row, the whole key is hashed.
KEY_PREFIX = "sw_"
LAST_USED_EVERY = timedelta(minutes=1)


class ApiKeyAction:
    CREATE = "shouwang.certs.api_key.create"
    REVOKE = "shouwang.certs.api_key.revoke"


def key_hash(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _split(plaintext):
    if not plaintext.startswith(KEY_PREFIX) or "." not in plaintext:
        return None
    return plaintext[len(KEY_PREFIX) :].split(".", 1)[0]


def can_manage_keys_of(actor, station, permission):
    """Station staff manage their own station's keys; site admins any station's."""
    if not actor.has_perm(permission):
        return False
    if manages_everyone(actor):
        return True
    person = user_person(actor)
    return person is not None and person.organisation_id == station.pk


@transaction.atomic
def api_key_create(*, station, name, actor):
    """A new key for ``station``: returns (ApiKey, the plaintext key, shown once)."""
    if not station.is_station:
        raise ValueError("API keys belong to police stations.")
    if not can_manage_keys_of(actor, station, "certs.add_apikey"):
        raise PermissionDenied
    prefix = secrets.token_hex(5)  # 10 characters: ApiKey.prefix is 12 at most
    plaintext = f"{KEY_PREFIX}{prefix}.{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name,
        station=station,
        prefix=prefix,
        key_hash=key_hash(plaintext),
        created_by=actor,
    )
    log(key, ApiKeyAction.CREATE, user=actor)
    return key, plaintext


@transaction.atomic
def api_key_revoke(*, key, actor):
    """Revoke ``key`` (kept, never deleted). Revoking twice keeps the first date."""
    if not can_manage_keys_of(actor, key.station, "certs.change_apikey"):
        raise PermissionDenied
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        log(key, ApiKeyAction.REVOKE, user=actor)
    return key


def api_key_check(plaintext):
    """The live ApiKey whose plaintext this is, or None. The hash comparison is
    constant-time; ``last_used_at`` is written at most once a minute."""
    prefix = _split(plaintext or "")
    if not prefix:
        return None
    key = (
        ApiKey.objects.select_related("station")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    # Hash anyway when nothing matched, so that timing does not tell prefixes apart.
    expected = key.key_hash if key else "0" * 64
    if not hmac.compare_digest(key_hash(plaintext), expected) or key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_keys_of(station):
    return ApiKey.objects.filter(station=station).select_related("created_by")
