"""Check-in codes, signed by the server from the drill and the server's clock.

Time is cut into windows of ``drill.token_seconds``. The QR token for a window is
``<drill id>-<window>-<signature>`` and the text code is six characters derived from
another signature of the same window; both are accepted for the current and the
previous window, so a code read just before it changed still works. The display
page asks the server for the current code: the display's own clock never matters.

The check-in page carries a *scan stamp*: the token, the server's time of the scan
and the user it was made for, signed, valid for 15 minutes, so that a post sent again
after a lost connection counts as made at the scan. A stamp serves only its user:
forwarded to someone else it is worth nothing once the code has changed
(``Refusal.NOT_YOUR_SCAN``). A scan made while logged out is kept in the browser's
session (a stamp with no user), never in a URL, and becomes the user's stamp after
the login in that same session.
"""

import unicodedata
from datetime import UTC, datetime
from typing import NamedTuple

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from lms.drills.constants import Refusal

SALT = "shouwang.drills.checkin"
STAMP_SALT = "shouwang.drills.scan-stamp"
STAMP_MAX_AGE = 15 * 60
ACCEPTED_WINDOWS = 2  # the current one and the one before
SIGNATURE_LENGTH = 16
# No 0/O, 1/I/L: read off a projector, typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class TokenError(Exception):
    def __init__(self, reason, drill_id=None):
        super().__init__(reason)
        self.reason = Refusal(reason)
        self.drill_id = drill_id


def window_of(drill, at):
    return int(at.timestamp()) // drill.token_seconds


def window_ends(drill, window):
    return datetime.fromtimestamp((window + 1) * drill.token_seconds, tz=UTC)


def _signature(drill, window, purpose):
    return salted_hmac(
        SALT, f"{purpose}:{drill.pk}:{window}:{drill.secret}", algorithm="sha256"
    ).hexdigest()


def token_for(drill, at):
    window = window_of(drill, at)
    return f"{drill.pk}-{window}-{_signature(drill, window, 'qr')[:SIGNATURE_LENGTH]}"


def text_code_for(drill, at, window=None):
    window = window_of(drill, at) if window is None else window
    number = int(_signature(drill, window, "code"), 16)
    code = []
    for _i in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        code.append(CODE_ALPHABET[digit])
    return "".join(code)


def parse_token(token):
    """(drill id, window, signature) or TokenError(MALFORMED)."""
    parts = (token or "").split("-", 3)
    # ASCII digits only: str.isdigit() is also true of "²" and "１", and int()
    # refuses the first and reads the second.
    if (
        len(parts) != 3
        or not all(part.isascii() and part.isdigit() for part in parts[:2])
        or len(parts[2]) != SIGNATURE_LENGTH
        or len(parts[0]) > 12
        or len(parts[1]) > 12
    ):
        raise TokenError(Refusal.MALFORMED)
    return int(parts[0]), int(parts[1]), parts[2]


def check_token(drill, window, signature, at):
    """Raise TokenError unless the token was issued for this drill and is valid at
    ``at``."""
    expected = _signature(drill, window, "qr")[:SIGNATURE_LENGTH]
    if not constant_time_compare(expected, signature):
        raise TokenError(Refusal.FORGED, drill.pk)
    current = window_of(drill, at)
    if not 0 <= current - window < ACCEPTED_WINDOWS:
        raise TokenError(Refusal.EXPIRED, drill.pk)


def normalise_code(code):
    """A typed code as the codes are made: full-width letters and digits from a
    Chinese keyboard made ASCII (NFKC), spaces and dashes dropped, upper case."""
    code = unicodedata.normalize("NFKC", code or "")
    return "".join(ch for ch in code if not ch.isspace() and ch != "-").upper()


def code_matches(drill, code, at):
    code = normalise_code(code)
    current = window_of(drill, at)
    return any(
        constant_time_compare(text_code_for(drill, at, current - back), code)
        for back in range(ACCEPTED_WINDOWS)
    )


class Scan(NamedTuple):
    at: datetime
    user_id: int | None  # None: a logged-out scan, kept only in its session


def scan_stamp(token, at, user_id=None):
    """A signed stamp of a scan of ``token`` at ``at``, for ``user_id`` (signed in
    at the scan) or for the session that holds it (``None``: logged out)."""
    data = {"token": token, "at": at.timestamp()}
    if user_id is not None:
        data["user"] = user_id
    return signing.dumps(data, salt=STAMP_SALT)


def read_stamp(stamp, token):
    """The Scan in a stamp for ``token``, or None if the stamp is missing, forged,
    older than 15 minutes or for another token. Whom it serves is the caller's
    question (``Scan.user_id``)."""
    if not stamp or not isinstance(stamp, str):
        return None
    try:
        data = signing.loads(stamp, salt=STAMP_SALT, max_age=STAMP_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("token") != token:
        return None
    user_id = data.get("user")
    return Scan(datetime.fromtimestamp(data["at"], tz=UTC), user_id)
