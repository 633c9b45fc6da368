"""Personal QR badges: a signed token naming a person, for the check-in mode in which
an instructor scans a trainee's phone or printed card.

The token carries the person's random ``badge_key`` (128 bits), not their id, and is
signed with SECRET_KEY, so it can be neither guessed nor forged. Resetting the key
(a lost card) invalidates every earlier badge of that person.
"""

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log

from lms.people.constants import AuditAction
from lms.people.models import Person, new_badge_key
from lms.people.services.logins import may_manage_logins

SALT = "shouwang.badge.v1"
PREFIX = "SWB1:"


def badge_token(person):
    return PREFIX + signing.Signer(salt=SALT).sign(person.badge_key)


def person_from_badge_token(token):
    """The person a badge names, or None for anything forged, altered or revoked."""
    token = (token or "").strip()
    if not token.startswith(PREFIX):
        return None
    try:
        key = signing.Signer(salt=SALT).unsign(token[len(PREFIX) :])
    except signing.BadSignature:
        return None
    return (
        Person.objects.select_related("organisation", "team")
        .filter(badge_key=key)
        .first()
    )


def badge_reset(*, person, actor):
    """Issue a new badge key; every earlier badge of this person stops working. For
    those who manage the person's logins (their organisation's admin)."""
    if not may_manage_logins(actor, person):
        raise PermissionDenied
    with transaction.atomic():
        person.badge_key = new_badge_key()
        person.save(update_fields=["badge_key", "updated_at"])
        log(person, AuditAction.BADGE_RESET, user=actor)
    return person
