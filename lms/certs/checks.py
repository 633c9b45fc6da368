"""System checks of the qualification keys, registered in CertsConfig.ready().

A malformed CERTS_SIGNING_KEY or CERTS_PREVIOUS_PUBLIC_KEYS used to pass every check
and surface only as 500s on /.well-known/shouwang/keys.json, issuer.json and both
status lists, i.e. at a station that tries to verify a credential. These checks
run with every management command that checks (runserver, migrate, check and
check --deploy), so a bad key stops the start-up with a message that says what is
wrong. Production settings also decode the key when they load (the WSGI server runs
no system checks): cms/settings/production.py.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from lms.certs import signing

KEY_HINT = (
    "Set CERTS_SIGNING_KEY to the base64 of a random 32-byte Ed25519 seed, e.g. "
    'python -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())" '
    "(docs/certs-credentials.md)."
)
PREVIOUS_HINT = (
    "Each retired key is the publicKeyMultibase (z6Mk…) from issuer.json, or the "
    "base64 of its 32 raw bytes, comma-separated (docs/certs-credentials.md)."
)


@checks.register(checks.Tags.security)
def check_key_format(app_configs=None, **kwargs):
    """Errors for keys that cannot be read (every environment): the current seed
    and the retired public keys still published for old credentials."""
    errors = []
    seed_text = signing.configured_seed()
    if seed_text:
        try:
            signing.decode_seed(seed_text)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), hint=KEY_HINT, id="certs.E001"))
    try:
        signing.previous_public_keys()
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), hint=PREVIOUS_HINT, id="certs.E002"))
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key(app_configs=None, **kwargs):
    """``check --deploy``: production must not sign with a key derived from
    SECRET_KEY (rotating SECRET_KEY would silently change the issuer's key).
    Production settings refuse to load without the key; this warns for any other
    settings module run with DEBUG off."""
    if settings.DEBUG or signing.configured_seed():
        return []
    return [
        checks.Warning(
            "CERTS_SIGNING_KEY is not set: credentials are signed with a key derived "
            "from SECRET_KEY.",
            hint=KEY_HINT,
            id="certs.W001",
        )
    ]
