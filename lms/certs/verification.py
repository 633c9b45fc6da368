"""Checking a verification code: the public page /v/<code>, its JSON twin and the
station scanner all call :func:`verify`, so they show the same verdict and every
check is logged the same way.

A paper certificate can be edited; the database cannot. The checker therefore sees
what the database says about the code (status, dates, serial, photo) and compares it
with the paper in front of them. A wrong code answers exactly like an unknown one, so
guessing teaches nothing; checks are rate-limited per client address.
"""

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.certs.constants import CURRENT, Channel, Verdict
from lms.certs.models import QualificationRecord, VerificationLog
from lms.certs.services.issuing import CODE_ALPHABET, CODE_LENGTH
from lms.core.ratelimit import address_scope, count_this_minute

# A verdict's colour on the page and in the scanner (CSS modifier, and the hex the
# scanner's JSON carries so a script needs no table of its own).
VERDICT_COLOURS = {
    Verdict.VALID: "#1b7a2f",
    Verdict.EXPIRED: "#b7791f",
    Verdict.SUSPENDED: "#d2561b",
    Verdict.REVOKED: "#b3261e",
    Verdict.SUPERSEDED: "#5a4fa3",
    Verdict.PENDING: "#2f6fb3",
    Verdict.NOT_FOUND: "#6b6b6b",
}
_CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_DROP = re.compile(r"[\s\-‐‑‒–—]+")
_LATIN = re.compile(r"[A-Za-z]")
_WORD_SPLIT = re.compile(r"[\s·•.\-]+")
# Where a scanned certificate URL carries its code.
_V_PATH = re.compile(r"/v/([^/?#\s]+)")
LOG_CODE_LENGTH = VerificationLog._meta.get_field("code").max_length
LOG_AGENT_LENGTH = VerificationLog._meta.get_field("user_agent").max_length

RATE_LIMIT_MESSAGE = gettext_lazy(
    "Too many checks from this network in the last minute. Wait a minute and try again."
)


class RateLimited(Exception):
    """Too many checks from one client address: answer 429 with
    RATE_LIMIT_MESSAGE, look nothing up."""


def rate_per_minute():
    return int(getattr(settings, "CERTS_VERIFY_RATE_PER_MINUTE", 30))


def show_photo():
    return bool(getattr(settings, "CERTS_VERIFY_SHOW_PHOTO", True))


def normalise_code(raw):
    """Upper case without spaces or hyphens (people read codes aloud in groups)."""
    return _DROP.sub("", (raw or "").strip()).upper()


def is_well_formed(code):
    return bool(_CODE_RE.match(code))


def mask_name(name):
    """Enough of a name to match a face and a paper, not enough to harvest: 张*明,
    张*, 欧**明; Latin names keep the first letter of each word (J. S.)."""
    name = (name or "").strip()
    if not name:
        return ""
    if _LATIN.search(name):
        words = [w for w in _WORD_SPLIT.split(name) if w]
        return " ".join(f"{w[0].upper()}." for w in words)
    chars = [c for c in name if not c.isspace()]
    if len(chars) == 1:
        return "*"
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def issuer_name(record):
    """Who issued it: the outside authority, the organisation of the person who
    issued it (a public page names no staff member), or the system when the rules
    issued it by themselves."""
    if record.external_credential_id:
        return record.external_credential.issuing_authority
    user = record.issued_by
    if user is None:
        return _("Shouwang (issued automatically)")
    person = getattr(user, "person", None)
    if person is not None:
        return person.organisation.name
    return _("Shouwang")


def photo_url(person, code=None):
    """Where a page shows the holder's photo: for the public page, the address only
    the code opens (``/v/<code>/photo``); for signed-in staff, the photo's own
    address, which checks who asks (lms/people/photos.py)."""
    if not show_photo() or not person.photo:
        return None
    if code is not None:
        return reverse("verify-photo", args=[code])
    return person.photo.url


@dataclass(frozen=True)
class Successor:
    serial: str
    verdict: str


@dataclass(frozen=True)
class VerificationResult:
    """What a check shows. A code that is malformed or unknown has only ``verdict``,
    ``code`` and ``checked_at``: the same shape as any other miss."""

    verdict: str
    code: str
    checked_at: datetime
    record: QualificationRecord | None = field(default=None, repr=False)
    holder_name: str = ""
    photo_url: str | None = None
    organisation: str = ""
    qualification: str = ""
    serial: str = ""
    issued_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    issuer: str = ""
    superseded_by: Successor | None = None

    @property
    def found(self):
        return self.record is not None

    @property
    def verdict_label(self):
        return Verdict(self.verdict).label

    @property
    def colour(self):
        return VERDICT_COLOURS[Verdict(self.verdict)]


def _client_ip(ip):
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def check_rate(ip, scope="certs-verify"):
    """Count a check from ``ip`` in this minute; raise RateLimited past the limit.
    A fixed one-minute window in the shared cache (one counter per address and
    ``scope``)."""
    limit = rate_per_minute()
    if limit <= 0:
        return
    if count_this_minute(f"{scope}:{address_scope(ip)}") > limit:
        raise RateLimited


def _records():
    return QualificationRecord.objects.select_related(
        "person__organisation",
        "qualification_type",
        "issued_by__person__organisation",
        "external_credential",
        "renewed_by",
    )


def result_for(record, *, code, day, checked_at):
    person = record.person
    successor = getattr(record, "renewed_by", None)
    return VerificationResult(
        verdict=record.verdict_on(day),
        code=code,
        checked_at=checked_at,
        record=record,
        holder_name=mask_name(person.name),
        photo_url=photo_url(person, code=record.code),
        organisation=person.organisation.name,
        qualification=record.qualification_type.name,
        serial=record.serial,
        issued_on=record.issued_on,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        issuer=issuer_name(record),
        superseded_by=(
            Successor(serial=successor.serial, verdict=successor.verdict_on(day))
            if successor is not None
            else None
        ),
    )


def verify(
    code,
    *,
    channel,
    ip,
    user_agent,
    user=None,
    day=None,
    rate_limit=True,
):
    """Check ``code`` and log the check. Raises :class:`RateLimited` (nothing looked
    up, nothing logged) when the client has made too many checks this minute; the
    scanner of signed-in station staff passes ``rate_limit=False``."""
    ip = _client_ip(ip)
    if rate_limit:
        check_rate(ip)
    checked_at = timezone.now()
    day = day or timezone.localdate(checked_at)
    normalised = normalise_code(code)
    record = None
    if is_well_formed(normalised):
        record = _records().filter(code=normalised).first()
    if record is None:
        result = VerificationResult(
            verdict=Verdict.NOT_FOUND, code=normalised, checked_at=checked_at
        )
    else:
        result = result_for(record, code=normalised, day=day, checked_at=checked_at)
    VerificationLog.objects.create(
        code=(normalised or (code or "").strip())[:LOG_CODE_LENGTH],
        record=record,
        verdict=result.verdict,
        channel=Channel(channel),
        ip=ip,
        user_agent=(user_agent or "")[:LOG_AGENT_LENGTH],
        user=user if user is not None and user.is_authenticated else None,
    )
    return result


# --- the station scanner -------------------------------------------------------


def code_in_scan(text):
    """The verification code in a scanned certificate URL (…/v/<code>), or the text
    itself when someone typed a code."""
    text = (text or "").strip()
    match = _V_PATH.search(text)
    return match.group(1) if match else text


def recent_days():
    return int(getattr(settings, "CERTS_SCAN_RECENT_DAYS", 365))


def records_to_show(person, *, day):
    """Every record that is current, or that ended or changed within the recent
    window: what a checker at a post needs, without a person's whole history."""
    since = day - timedelta(days=recent_days())
    return (
        QualificationRecord.objects.filter(person=person)
        .filter(
            Q(status__in=CURRENT)
            | Q(valid_until__gte=since)
            | Q(issued_on__gte=since)
            | Q(status_changed_at__date__gte=since)
        )
        .select_related("qualification_type")
        .order_by("qualification_type__name", "-issued_on", "-pk")
    )


@dataclass(frozen=True)
class ScanResult:
    found: bool
    person: object = None
    scanned: VerificationResult | None = None
    records: list = field(default_factory=list)
    day: date | None = None


def scan_lookup(text, *, user, ip, user_agent, day=None):
    """What the scanner shows for a scanned or typed text: a trainee badge (SWB1:…)
    or a certificate (a /v/<code> URL, or the bare code). Only people ``user`` may
    see are shown; anyone else is "not found", like an unknown code."""
    from lms.people.selectors import people_visible_to
    from lms.people.services.badges import PREFIX, person_from_badge_token

    day = day or timezone.localdate()
    text = (text or "").strip()
    scanned = None
    if text.startswith(PREFIX):
        person = person_from_badge_token(text)
    else:
        scanned = verify(
            code_in_scan(text),
            channel=Channel.SCANNER,
            ip=ip,
            user_agent=user_agent,
            user=user,
            day=day,
            rate_limit=False,
        )
        person = scanned.record.person if scanned.record is not None else None
    if person is None or not people_visible_to(user).filter(pk=person.pk).exists():
        return ScanResult(found=False, day=day)
    return ScanResult(
        found=True,
        person=person,
        scanned=scanned,
        records=list(records_to_show(person, day=day)),
        day=day,
    )
