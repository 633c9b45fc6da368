"""The issuer's Ed25519 keys and the primitives of the eddsa-jcs-2022 cryptosuite:
JSON canonicalisation (JCS, RFC 8785, by the ``rfc8785`` package), multibase
base58btc (the ``base58`` package) and Multikey encoding.

One scheme, used everywhere (docs/certs-credentials.md):

* the issuer is ``<base>/.well-known/shouwang/issuer.json``, a controller document
  listing every published key as a ``Multikey`` verification method;
* a proof's ``verificationMethod`` is ``<issuer>#<kid>``;
* ``kid`` is the RFC 7638 JWK thumbprint of the public key, so the same id names the
  key in the JWKS at ``/.well-known/shouwang/keys.json``.

Nothing here fetches anything over the network: verifiers are handed the keys.
"""

import base64
import binascii
import hashlib
import json
import os

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Fixed label: changing it changes every development key (and every kid).
DERIVATION_LABEL = b"shouwang.certs.signing-key.v1"
# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded).
ED25519_PUB_MULTICODEC = b"\xed\x01"
WELL_KNOWN = "/.well-known/shouwang/"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
CONTROLLER_CONTEXTS = (DID_CONTEXT, MULTIKEY_CONTEXT)


# --- JCS (RFC 8785) -----------------------------------------------------------------


def canonicalize(value):
    """The RFC 8785 canonical form of ``value`` as UTF-8 bytes (the ``rfc8785``
    package). Integers beyond 2**53 - 1 and lone surrogates raise ValueError."""
    return rfc8785.dumps(value)


# --- Encodings ----------------------------------------------------------------------


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b58encode(data):
    return base58.b58encode(data).decode("ascii")


def b58decode(text):
    """Bytes of a base58btc text; ValueError for a character outside its alphabet."""
    return base58.b58decode(text)


def multibase_b58(data):
    return "z" + b58encode(data)


def multibase_b58_decode(text):
    if not isinstance(text, str) or not text.startswith("z"):
        raise ValueError("not a multibase base58btc value")
    return b58decode(text[1:])


# --- Keys ---------------------------------------------------------------------------


def public_bytes(public_key):
    return public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def public_jwk(public_key):
    """The JWK of an Ed25519 public key (RFC 8037) with its kid."""
    x = b64url(public_bytes(public_key))
    # RFC 7638 thumbprint: the required members, sorted, no whitespace.
    thumbprint = hashlib.sha256(
        json.dumps(
            {"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":")
        ).encode("ascii")
    ).digest()
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": x,
        "kid": b64url(thumbprint),
        "alg": "EdDSA",
        "use": "sig",
    }


def key_id(public_key):
    return public_jwk(public_key)["kid"]


def multikey(public_key):
    """publicKeyMultibase of a Multikey: base58btc of 0xed01 + the 32 key bytes."""
    return multibase_b58(ED25519_PUB_MULTICODEC + public_bytes(public_key))


def public_key_from_text(text):
    """A published public key: a Multikey value (``z6Mk…``), or base64 / base64url
    of the 32 raw bytes."""
    text = text.strip()
    if text.startswith("z6Mk"):
        raw = multibase_b58_decode(text)
        if raw[:2] != ED25519_PUB_MULTICODEC or len(raw) != 34:
            raise ValueError("not an Ed25519 Multikey")
        return Ed25519PublicKey.from_public_bytes(raw[2:])
    try:
        raw = b64url_decode(text.replace("+", "-").replace("/", "_").rstrip("="))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64") from error
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_from_jwk(jwk):
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 JWK")
    raw = b64url_decode(jwk["x"])
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


SEED_BYTES = 32


def configured_seed():
    """The base64 seed from the CERTS_SIGNING_KEY setting or environment, or None."""
    value = getattr(settings, "CERTS_SIGNING_KEY", None) or os.environ.get(
        "CERTS_SIGNING_KEY"
    )
    return (value or "").strip() or None


def decode_seed(seed_text):
    """The 32 bytes of a CERTS_SIGNING_KEY value (base64 or base64url, padding
    optional). Raises ImproperlyConfigured with a message that says what is wrong
    but never repeats the value (it is a secret). Used by :func:`signing_key`, the
    system check (lms/certs/checks.py) and production settings, so that a bad key
    stops the start-up instead of turning the key and status-list URLs into 500s."""
    text = seed_text.strip()
    try:
        seed = base64.b64decode(
            text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4),
            validate=True,
        )
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(
            "CERTS_SIGNING_KEY is not base64: it must be the base64 of a random "
            f"{SEED_BYTES}-byte Ed25519 seed."
        ) from error
    if len(seed) != SEED_BYTES:
        raise ImproperlyConfigured(
            f"CERTS_SIGNING_KEY must encode {SEED_BYTES} bytes (it encodes "
            f"{len(seed)})."
        )
    return seed


def signing_key():
    """The issuer's private key: CERTS_SIGNING_KEY (base64 of a 32-byte seed), or,
    in development and tests, a key derived from SECRET_KEY with HKDF (stable across
    restarts, different for every SECRET_KEY; the deploy check warns about it)."""
    seed_text = configured_seed()
    if seed_text:
        seed = decode_seed(seed_text)
    else:
        seed = HKDF(
            algorithm=hashes.SHA256(),
            length=SEED_BYTES,
            salt=None,
            info=DERIVATION_LABEL,
        ).derive(settings.SECRET_KEY.encode("utf-8"))
    return Ed25519PrivateKey.from_private_bytes(seed)


def previous_public_keys():
    """Retired keys still published so that credentials they signed verify
    (CERTS_PREVIOUS_PUBLIC_KEYS: a list, or a comma-separated string)."""
    value = getattr(settings, "CERTS_PREVIOUS_PUBLIC_KEYS", None) or os.environ.get(
        "CERTS_PREVIOUS_PUBLIC_KEYS", ""
    )
    if isinstance(value, str):
        value = value.split(",")
    keys = []
    for text in value:
        if text.strip():
            try:
                keys.append(public_key_from_text(text))
            except ValueError as error:
                raise ImproperlyConfigured(
                    f"CERTS_PREVIOUS_PUBLIC_KEYS: {error}"
                ) from error
    return keys


def published_public_keys():
    """The current key first, then the previous ones (duplicates dropped)."""
    keys, seen = [], set()
    for key in [signing_key().public_key(), *previous_public_keys()]:
        kid = key_id(key)
        if kid not in seen:
            seen.add(kid)
            keys.append(key)
    return keys


def base_url():
    """The absolute origin credentials name (not the request's host: a credential
    must say the same thing whoever downloads it)."""
    url = getattr(settings, "CERTS_ISSUER_BASE_URL", None) or getattr(
        settings, "WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000"
    )
    return url.rstrip("/")


def issuer_id():
    return f"{base_url()}{WELL_KNOWN}issuer.json"


def verification_method_id(public_key):
    return f"{issuer_id()}#{key_id(public_key)}"


def jwks():
    return {"keys": [public_jwk(key) for key in published_public_keys()]}


def controller_document():
    """The issuer's controller document (W3C Controlled Identifiers): every
    published key as a Multikey, all usable for assertions.

    Its contexts are the DID v1 context (verificationMethod, assertionMethod,
    controller) and the Multikey context (Multikey, publicKeyMultibase): the pair
    a did:key document with Multikey keys uses, which Digital Bazaar's loaders ship
    (did-context in @digitalbazaar/security-document-loader,
    @digitalbazaar/multikey-context). The CID 1.0 context
    (https://www.w3.org/ns/cid/v1) says the same, but no common loader ships it,
    so a JSON-LD verifier's default loader failed on it. No ``name``: neither
    context defines it (an undefined term is dropped, or refused in safe mode);
    the issuer's name is in every credential's issuer Profile."""
    controller = issuer_id()
    methods = [
        {
            "id": verification_method_id(key),
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": multikey(key),
        }
        for key in published_public_keys()
    ]
    return {
        "@context": list(CONTROLLER_CONTEXTS),
        "id": controller,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def verify_signature(public_key, signature, data):
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
