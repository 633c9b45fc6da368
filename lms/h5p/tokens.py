"""Signed values the H5P app hands to browsers.

The activity token names who may score what, with which pass mark: the lesson
page issues it to the signed-in trainee, and the statement endpoint believes
nothing else. The parent-origin value tells the player page, on the content
origin, where to post its statements and who may frame it; signing it stops a
third-party page from framing the player and receiving the statements.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing

from lms.h5p.constants import (
    ACTIVITY_TOKEN_MAX_AGE,
    ACTIVITY_TOKEN_SALT,
    PARENT_ORIGIN_SALT,
)


@dataclass(frozen=True)
class Activity:
    user_id: int
    package_id: int
    lesson_id: int
    block_id: str
    pass_mark: int
    iri: str


def activity_token(activity):
    return signing.dumps(
        {
            "u": activity.user_id,
            "p": activity.package_id,
            "l": activity.lesson_id,
            "b": activity.block_id,
            "m": activity.pass_mark,
            "i": activity.iri,
        },
        salt=ACTIVITY_TOKEN_SALT,
        compress=True,
    )


def activity_from_token(token):
    """The activity a token names, or None for anything forged, altered or old."""
    if not isinstance(token, str) or not token:
        return None
    try:
        data = signing.loads(
            token, salt=ACTIVITY_TOKEN_SALT, max_age=ACTIVITY_TOKEN_MAX_AGE
        )
        return Activity(
            user_id=int(data["u"]),
            package_id=int(data["p"]),
            lesson_id=int(data["l"]),
            block_id=str(data["b"]),
            pass_mark=int(data["m"]),
            iri=str(data["i"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def origin_of(url):
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_origin():
    return origin_of(settings.WAGTAILADMIN_BASE_URL)


def content_origin():
    return origin_of(settings.H5P_CONTENT_ORIGIN)


def content_netloc():
    return urlsplit(settings.H5P_CONTENT_ORIGIN).netloc.lower()


def activity_iri(*, lesson_id, block_id, content_hash):
    """The xAPI object id of one block: stable, on the site's origin."""
    return f"{site_origin()}/h5p/activity/{lesson_id}/{block_id}/{content_hash[:16]}"


def parent_origin_sign(origin):
    return signing.Signer(salt=PARENT_ORIGIN_SALT).sign(origin)


def parent_origin_read(value):
    """The signed parent origin, or the site's configured origin by default."""
    if value:
        try:
            return signing.Signer(salt=PARENT_ORIGIN_SALT).unsign(value)
        except signing.BadSignature:
            pass
    return site_origin()
