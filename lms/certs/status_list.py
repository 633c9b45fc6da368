"""Bitstring Status List v1.0 credentials.

New credentials name ONE status list, ``/certs/status/message``: a 2-bit list
(``statusSize`` 2, ``statusPurpose`` "message") whose value for a record says
valid (0x0), suspended (0x1) or revoked (0x2). Open Badges 3.0 allows one
``credentialStatus`` object per credential, and one 2-bit entry carries both
revocation and suspension.

The two 1-bit lists of the first credentials (``/certs/status/revocation`` and
``/certs/status/suspension``) are still served: credentials are files that
holders keep, the ones downloaded before name those lists, and their status must
stay checkable. They are built from the same status field, so all three agree.

Entry ``i`` belongs to the record with primary key ``i`` (records have no status
list index field; the primary key never changes and is never reused). Entry ``i``
of a list of ``size``-bit entries is bits ``i*size`` … ``i*size+size-1``, the most
significant bit of the first byte being bit 0 (the spec's left-most bit).

Ours: no maintained Python package implements Bitstring Status List; the format is
a gzip'd bit array in base64url, a few lines over ``gzip`` and ``base64``.
"""

import base64
import gzip
import io
import zlib

from lms.certs import credentials, signing
from lms.certs.constants import Status
from lms.certs.models import QualificationRecord

# The specification's minimum number of entries (herd privacy): a list holds at
# least MIN_ENTRIES * statusSize bits.
MIN_ENTRIES = 131_072
# Old 1-bit lists: purpose → the record status whose bit is set.
PURPOSE_STATUS = {"revocation": Status.REVOKED, "suspension": Status.SUSPENDED}
# Record status → value in the 2-bit list (everything else is 0x0, valid: expiry
# is validUntil, not a status).
MESSAGE_VALUES = {Status.SUSPENDED: 0x1, Status.REVOKED: 0x2}
# Every purpose a list is published for, the current one first.
PURPOSES = (credentials.STATUS_PURPOSE, *PURPOSE_STATUS)
# A decompressed list larger than this is refused (a small GZIP can expand a lot).
MAX_BYTES = 16 * 1024 * 1024


class StatusError(ValueError):
    """A status entry or list that cannot settle a credential's status."""


def pack(values, size=1):
    """The raw bitstring of ``size``-bit entries with ``values`` (index → value, or
    an iterable of indexes for 1-bit lists), holding a multiple of MIN_ENTRIES
    entries."""
    if not isinstance(values, dict):
        values = dict.fromkeys(values, 1)
    highest = max(values, default=0)
    entries = max(MIN_ENTRIES, (highest // MIN_ENTRIES + 1) * MIN_ENTRIES)
    bits = bytearray(entries * size // 8)
    for index, value in values.items():
        if not 0 <= value < 2**size:
            raise ValueError("status value does not fit in the status size")
        for offset in range(size):
            if value & (1 << (size - 1 - offset)):
                position = index * size + offset
                bits[position // 8] |= 0x80 >> (position % 8)
    return bytes(bits)


def bitstring(indexes):
    """A 1-bit bitstring with ``indexes`` set, a multiple of MIN_ENTRIES long."""
    return pack(list(indexes), 1)


def encode(bits):
    """GZIP, then base64url without padding, with the multibase prefix ``u``. mtime
    0 makes the output depend on the bits only."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded, *, max_bytes=MAX_BYTES):
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u…')")
    compressed = signing.b64url_decode(encoded[1:])
    with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
        bits = stream.read(max_bytes + 1)
    if len(bits) > max_bytes:
        raise ValueError("status list too large")
    return bits


def read(bits, index, size=1):
    """The value of entry ``index`` of a list of ``size``-bit entries."""
    if index < 0 or (index + 1) * size > len(bits) * 8:
        raise IndexError("status list index out of range (RANGE_ERROR)")
    value = 0
    for position in range(index * size, index * size + size):
        bit = bits[position // 8] & (0x80 >> (position % 8))
        value = (value << 1) | (1 if bit else 0)
    return value


def bit_is_set(bits, index):
    return bool(read(bits, index, 1))


def record_ids(purpose):
    """One query: the primary keys of the records a 1-bit list marks."""
    return QualificationRecord.objects.filter(
        status=PURPOSE_STATUS[purpose]
    ).values_list("pk", flat=True)


def record_values():
    """One query: record primary key → 2-bit value, for the records not valid."""
    rows = QualificationRecord.objects.filter(
        status__in=list(MESSAGE_VALUES)
    ).values_list("pk", "status")
    return {pk: MESSAGE_VALUES[status] for pk, status in rows}


def status_list_credential(purpose):
    """The signed BitstringStatusListCredential for ``purpose``."""
    url = credentials.status_list_url(purpose)
    subject = {"id": f"{url}#list", "type": "BitstringStatusList"}
    if purpose == credentials.STATUS_PURPOSE:
        subject |= {
            "statusPurpose": purpose,
            # Also on every entry (where the spec requires them): repeated here so
            # the list says by itself how to read it.
            "statusSize": credentials.STATUS_SIZE,
            "statusMessage": credentials.status_messages(),
            "encodedList": encode(pack(record_values(), credentials.STATUS_SIZE)),
        }
    else:
        subject |= {
            "statusPurpose": purpose,
            "encodedList": encode(bitstring(record_ids(purpose))),
        }
    document = {
        "@context": [credentials.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": credentials.issuer_profile(),
        "validFrom": credentials._utc_now(),
        "credentialSubject": subject,
    }
    return credentials.sign(document)


# --- Reading a credential's status (the offline verifier) -------------------------


def _size_and_messages(entry):
    """(statusSize, {value: message}) of an entry, checked as the spec says: size an
    integer ≥ 1 (default 1); above 1, statusMessage has exactly 2**size items, each
    with a hex ``status`` and a ``message``."""
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 8:
        raise StatusError(f"statusSize {size!r} is not an integer from 1 to 8")
    listed = entry.get("statusMessage")
    if listed is None:
        if size > 1:
            raise StatusError("statusMessage is required when statusSize > 1")
        return size, {}
    if not isinstance(listed, list) or len(listed) != 2**size:
        raise StatusError(f"statusMessage must have {2**size} items")
    messages = {}
    for item in listed:
        try:
            status, message = item["status"], item["message"]
            if not status.lower().startswith("0x"):
                raise ValueError
            messages[int(status, 16)] = message
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise StatusError(f"bad statusMessage item {item!r}") from error
    if set(messages) != set(range(2**size)):
        raise StatusError("statusMessage must give every value once")
    return size, messages


def entry_status(entry, listed):
    """(value, message) of one BitstringStatusListEntry in its (already verified)
    list credential. Raises StatusError or the decoder's errors."""
    purpose = entry.get("statusPurpose")
    subject = listed.get("credentialSubject") or {}
    purposes = subject.get("statusPurpose")
    if purpose not in (purposes if isinstance(purposes, list) else [purposes]):
        raise StatusError("the list is for another purpose")
    size, messages = _size_and_messages(entry)
    if subject.get("statusSize", size) != size:
        raise StatusError("the entry and the list disagree on statusSize")
    bits = decode(subject.get("encodedList"))
    if len(bits) * 8 // size < MIN_ENTRIES:
        raise StatusError(
            f"the list holds fewer than {MIN_ENTRIES} entries "
            "(STATUS_LIST_LENGTH_ERROR)"
        )
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not index.isdecimal():
        raise StatusError("statusListIndex must be a base-10 integer in a string")
    value = read(bits, int(index), size)
    return value, messages.get(value, "")


def check_status(credential, status_lists, public_keys):
    """[(purpose, value, message)] for each credentialStatus entry of
    ``credential`` (one object in new credentials, a list in old ones) whose list is
    among ``status_lists`` (each verified with ``public_keys`` first), and
    [problems] for the entries that could not be checked. A value other than 0
    means "not valid now"."""
    by_id = {}
    problems = []
    for document in status_lists:
        ok, reason = credentials.verify(document, public_keys)
        if not ok:
            problems.append(f"{document.get('id', '?')}: {reason}")
            continue
        by_id[document.get("id")] = document
    entries = credential.get("credentialStatus") or []
    if isinstance(entries, dict):
        entries = [entries]
    results = []
    for entry in entries:
        purpose = entry.get("statusPurpose") if isinstance(entry, dict) else None
        if purpose is None:
            problems.append(f"unreadable credentialStatus entry {entry!r}")
            continue
        listed = by_id.get(entry.get("statusListCredential"))
        if listed is None:
            problems.append(f"{purpose}: {entry.get('statusListCredential')} not given")
            continue
        try:
            value, message = entry_status(entry, listed)
        except (ValueError, IndexError, OSError, EOFError, zlib.error) as error:
            problems.append(f"{purpose}: {error}")
            continue
        results.append((purpose, value, message))
    return results, problems
