"""Qualification records as signed Open Badges 3.0 credentials (W3C Verifiable
Credentials 2.0) with a Data Integrity proof, cryptosuite ``eddsa-jcs-2022``.

The format, the key scheme and how to verify offline are in
docs/certs-credentials.md. JSON-LD contexts are named by URL and never fetched: the
proof is over the JCS form of the JSON, not over RDF.
"""

import hashlib
import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.certs import signing
from lms.certs.constants import Status
from lms.certs.selectors import records_visible_to

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
# Stable ids: uuid5 of the serial (a record's serial never changes).
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://shouwang/certs/credentials")
# One Bitstring Status List entry carries both revocation and suspension: a 2-bit
# value read with statusMessage (Bitstring Status List v1.0 §2.1: with statusSize
# n > 1, statusMessage MUST be present with exactly 2**n items). 0x3 is never set.
STATUS_PURPOSE = "message"
STATUS_SIZE = 2
STATUS_MESSAGES = (
    (0x0, "valid"),
    (0x1, "suspended"),
    (0x2, "revoked"),
    (0x3, "reserved"),
)


def _local(day, at):
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day, at, tzinfo=zone).isoformat(timespec="seconds")


def _utc_now():
    return timezone.now().astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_url(purpose):
    return f"{signing.base_url()}/certs/status/{purpose}"


def status_messages():
    return [
        {"status": f"0x{value:x}", "message": text} for value, text in STATUS_MESSAGES
    ]


def credential_status(record):
    """The credential's one status entry (Open Badges 3.0 allows one object)."""
    url = status_list_url(STATUS_PURPOSE)
    return {
        "id": f"{url}#{record.pk}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(record.pk),
        "statusListCredential": url,
        "statusSize": STATUS_SIZE,
        "statusMessage": status_messages(),
    }


def issuer_profile():
    """The issuer Profile, named in the credentials' language (the site's, as
    every text in them): the CERTS_ISSUER_NAME setting when an operator names
    the issuing body, else the system's own name ("守望" in Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        name = getattr(settings, "CERTS_ISSUER_NAME", None) or _("Shouwang")
    return {
        "id": signing.issuer_id(),
        "type": ["Profile"],
        "name": name,
        "url": signing.base_url() + "/",
    }


def credential_id(record):
    return f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, record.serial)}"


def _criteria(qtype):
    lines = [qtype.description.strip()] if qtype.description.strip() else []
    lines += [f"- {requirement.describe()}" for requirement in qtype.requirements.all()]
    if not lines:
        lines = [
            _("Met the requirements of “%(name)s” set by the issuer.")
            % {"name": qtype.name}
        ]
    return "\n".join(lines)


def credential_for(record):
    """The unsigned credential of ``record`` (a plain dict of JSON types only: no
    floats, dates as strings). Texts use the site language, not the request's, so
    every download says the same thing."""
    qtype = record.qualification_type
    person = record.person
    with translation.override(settings.LANGUAGE_CODE):
        achievement = {
            "id": f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, 'type:' + qtype.code)}",
            "type": ["Achievement"],
            "achievementType": "License",
            "humanCode": qtype.code,
            "name": qtype.name,
            "description": qtype.description
            or _("Qualification “%(name)s”") % {"name": qtype.name},
            "criteria": {"narrative": _criteria(qtype)},
        }
        # Only AchievementSubject properties (OB 3.0, "AchievementSubject"): ``name``
        # is not one.
        # The holder has no id of theirs (no DID, no account URL to publish), so
        # the name is an identifier, in plain text (hashed false: identityHash
        # then holds the value itself), which OB 3.0 requires when there is no id.
        subject = {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": person.name,
                }
            ],
            "licenseNumber": record.serial,
            "achievement": achievement,
        }
        document = {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": credential_id(record),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": f"{qtype.name} · {record.serial}",
            "issuer": issuer_profile(),
            "validFrom": _local(record.valid_from, time.min),
            "awardedDate": _local(record.issued_on, time.min),
            "credentialSubject": subject,
            "credentialStatus": credential_status(record),
        }
    if record.valid_until is not None:
        # The last valid day is inclusive: valid until its last second.
        document["validUntil"] = _local(record.valid_until, time(23, 59, 59))
    return document


# --- Data Integrity, eddsa-jcs-2022 -------------------------------------------------


def _hash_data(proof_config, unsecured):
    """proofConfigHash followed by transformedDocumentHash (both SHA-256 of JCS)."""
    return (
        hashlib.sha256(signing.canonicalize(proof_config)).digest()
        + hashlib.sha256(signing.canonicalize(unsecured)).digest()
    )


def sign(document, *, key=None, created=None):
    """A copy of ``document`` with a DataIntegrityProof (eddsa-jcs-2022)."""
    key = key or signing.signing_key()
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created or _utc_now(),
        "verificationMethod": signing.verification_method_id(key.public_key()),
        "proofPurpose": PROOF_PURPOSE,
    }
    if "@context" in unsecured:
        proof["@context"] = unsecured["@context"]
    signature = key.sign(_hash_data(proof, unsecured))
    return {
        **unsecured,
        "proof": {**proof, "proofValue": signing.multibase_b58(signature)},
    }


def _keys_by_id(public_keys):
    """kid → Ed25519PublicKey from a JWKS, a list of JWKs, a controller document or
    a list of key objects."""
    if isinstance(public_keys, dict):
        if "keys" in public_keys:
            public_keys = public_keys["keys"]
        elif "verificationMethod" in public_keys:
            public_keys = [
                method["publicKeyMultibase"]
                for method in public_keys["verificationMethod"]
            ]
        else:
            public_keys = [public_keys]
    found = {}
    for item in public_keys:
        try:
            if isinstance(item, dict):
                key = signing.public_key_from_jwk(item)
            elif isinstance(item, str):
                key = signing.public_key_from_text(item)
            else:
                key = item
            found[signing.key_id(key)] = key
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return found


def _issuer_id(document):
    issuer = document.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def verify(document, public_keys):
    """(ok, reason) for a secured document: the proof must be one eddsa-jcs-2022
    DataIntegrityProof by a key in ``public_keys`` controlled by the document's
    issuer, over exactly this document. Any change to the document or the proof
    fails."""
    if not isinstance(document, dict):
        return False, _("Not a JSON object.")
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return False, _("The document has no proof (or more than one).")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return False, _("The proof is not a %(suite)s Data Integrity proof.") % {
            "suite": CRYPTOSUITE
        }
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return False, _("The proof's purpose is not assertionMethod.")
    method = proof.get("verificationMethod")
    issuer = _issuer_id(document)
    if not isinstance(method, str) or not isinstance(issuer, str):
        return False, _("The proof names no verification method or issuer.")
    controller, _sep, kid = method.partition("#")
    if controller != issuer or not kid:
        return False, _("The signing key does not belong to the issuer.")
    key = _keys_by_id(public_keys).get(kid)
    if key is None:
        return False, _("The signing key %(kid)s is not among the given keys.") % {
            "kid": kid
        }
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    config = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in config:
        context = config["@context"]
        document_context = unsecured.get("@context")
        if (
            not isinstance(context, list)
            or not isinstance(document_context, list)
            or document_context[: len(context)] != context
        ):
            return False, _("The proof's @context does not match the document's.")
    try:
        signature = signing.multibase_b58_decode(proof.get("proofValue"))
        data = _hash_data(config, unsecured)
    except (ValueError, UnicodeEncodeError, TypeError):
        return False, _("The document or its proof value cannot be read.")
    if len(signature) != 64 or not signing.verify_signature(key, signature, data):
        return False, _("The signature does not match: the document was changed.")
    return True, _("The signature is valid (key %(kid)s).") % {"kid": kid}


def holder_name(document):
    """The holder's name in a credential: the plain-text ``name`` identifier (old
    credentials also had ``credentialSubject.name``), or None."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        return None
    identifiers = subject.get("identifier") or []
    if isinstance(identifiers, dict):
        identifiers = [identifiers]
    for item in identifiers:
        if (
            isinstance(item, dict)
            and item.get("identityType") == "name"
            and item.get("hashed") is False
        ):
            return item.get("identityHash")
    return subject.get("name")


# The brief's name for it.
verify_credential = verify


def signed_credential(record):
    return sign(credential_for(record))


def records_downloadable_by(user):
    """Records whose credential ``user`` may download: their own, and with
    certs.view_qualificationrecord those of the people they may see. Pending and
    revoked records have no credential."""
    return (
        records_visible_to(user)
        .select_related("person", "qualification_type")
        .exclude(status__in=(Status.PENDING, Status.REVOKED))
    )
