"""Bitstring Status List v1.0 credentials: which credentials are revoked, which are
suspended. Bit ``i`` (the most significant bit of the first byte is bit 0) belongs
to the record with primary key ``i`` (records have no status list index field; the
primary key never changes and is never reused)."""

import base64
import gzip
import io

from lms.certs import credentials, signing
from lms.certs.constants import Status
from lms.certs.models import QualificationRecord

# The specification's minimum (16 KiB): small lists would narrow down who is who.
MIN_BITS = 131_072
PURPOSE_STATUS = {"revocation": Status.REVOKED, "suspension": Status.SUSPENDED}


def bitstring(indexes):
    """The raw bitstring with ``indexes`` set, a multiple of MIN_BITS long."""
    indexes = list(indexes)
    highest = max(indexes, default=0)
    size = max(MIN_BITS, (highest // MIN_BITS + 1) * MIN_BITS)
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode(bits):
    """GZIP, then base64url without padding, with the multibase prefix ``u``. mtime
    0 makes the output depend on the bits only."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded, *, max_bytes=16 * 1024 * 1024):
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url ('u…')")
    compressed = signing.b64url_decode(encoded[1:])
    with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
        bits = stream.read(max_bytes + 1)
    if len(bits) > max_bytes:
        raise ValueError("status list too large")
    return bits


def bit_is_set(bits, index):
    if index < 0 or index // 8 >= len(bits):
        raise IndexError("status list index out of range")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def record_ids(purpose):
    """One query: the primary keys of the records the list marks."""
    return QualificationRecord.objects.filter(
        status=PURPOSE_STATUS[purpose]
    ).values_list("pk", flat=True)


def status_list_credential(purpose):
    """The signed BitstringStatusListCredential for ``purpose``."""
    url = credentials.status_list_url(purpose)
    document = {
        "@context": [credentials.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": credentials.issuer_profile(),
        "validFrom": credentials._utc_now(),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(bitstring(record_ids(purpose))),
        },
    }
    return credentials.sign(document)


def check_status(credential, status_lists, public_keys):
    """[(purpose, set?)] for each credentialStatus entry of ``credential`` whose
    list is among ``status_lists`` (verified with ``public_keys`` first), and
    [problems] for the entries that could not be checked."""
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
        purpose = entry.get("statusPurpose")
        listed = by_id.get(entry.get("statusListCredential"))
        if listed is None:
            problems.append(f"{purpose}: {entry.get('statusListCredential')} not given")
            continue
        subject = listed.get("credentialSubject") or {}
        if subject.get("statusPurpose") != purpose:
            problems.append(f"{purpose}: the list is for another purpose")
            continue
        try:
            bits = decode(subject.get("encodedList"))
            results.append((purpose, bit_is_set(bits, int(entry["statusListIndex"]))))
        except (KeyError, ValueError, IndexError, OSError, EOFError) as error:
            problems.append(f"{purpose}: {error}")
    return results, problems
