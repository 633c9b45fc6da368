"""Production refuses to start without its secrets (or with a malformed signing
key) and passes ``check --deploy`` without a warning; the other settings start
bare; the system checks refuse malformed qualification keys everywhere."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from lms.certs import checks

ROOT = Path(__file__).resolve().parents[2]
FERNET_KEY = "c2hvdXdhbmctdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE="
GOOD_SEED = base64.b64encode(bytes(range(32))).decode()
SEED_31 = base64.b64encode(bytes(31)).decode()
SEED_33 = base64.b64encode(bytes(33)).decode()
NOT_BASE64 = "this is not base64!"
# What production needs from the environment.
PRODUCTION_ENV = {
    "SECRET_KEY": "test-only-3f9a1c7e5b2d8046af91ce37d5b20e84c6f1a9d3b7e2c4",
    "PII_ENCRYPTION_KEYS": FERNET_KEY,
    "PII_HASH_KEY": "h" * 32,
    "CERTS_SIGNING_KEY": GOOD_SEED,
}


def run_python(args, **env):
    """Our interpreter in a clean environment: none of the keys, HSTS or DJANGO_*
    variables of the environment the tests run in (the browser tests set
    DJANGO_ALLOW_ASYNC_UNSAFE in this process), only ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PII_", "SECRET", "CERTS_", "SECURE_", "DEBUG", "DJANGO_"))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def import_settings(module, **env):
    return run_python(["-c", f"import {module}"], **env)


def deploy_check(**env):
    """``manage.py check --deploy`` with production settings, failing on warnings."""
    return run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        **env,
    )


def test_production_refuses_without_keys():
    result = import_settings("cms.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_keys():
    result = import_settings("cms.settings.production", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_production_refuses_without_a_signing_key():
    """The README says the key is required in production: never derived there."""
    env = {**PRODUCTION_ENV, "CERTS_SIGNING_KEY": ""}
    result = import_settings("cms.settings.production", **env)
    assert result.returncode != 0
    assert "The environment variable CERTS_SIGNING_KEY must be set." in result.stderr


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (NOT_BASE64, "CERTS_SIGNING_KEY is not base64"),
        (SEED_31, "CERTS_SIGNING_KEY must encode 32 bytes (it encodes 31)"),
        (SEED_33, "CERTS_SIGNING_KEY must encode 32 bytes (it encodes 33)"),
    ],
)
def test_production_refuses_a_malformed_signing_key(seed, message):
    """The WSGI server runs no system checks: the settings themselves refuse."""
    env = {**PRODUCTION_ENV, "CERTS_SIGNING_KEY": seed}
    result = import_settings("cms.settings.production", **env)
    assert result.returncode != 0
    assert message in result.stderr
    assert seed not in result.stderr  # a secret is never repeated


def test_deploy_check_of_production_lists_nothing():
    """With valid environment values: no warning at all (HSTS with subdomains and
    preload, the signing key set)."""
    result = deploy_check(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_hsts_settings_come_from_the_environment():
    result = deploy_check(
        **PRODUCTION_ENV,
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="false",
    )
    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr


def test_dev_starts_with_nothing_set():
    assert import_settings("cms.settings.dev").returncode == 0


def test_database_urls():
    """PostgreSQL connections are kept and checked before a request reuses one (a
    restarted database costs no failed request); SQLite's are not kept."""
    from cms.settings.env import database_from_url

    pg = database_from_url("postgres://postgres@127.0.0.1:5432/shouwang")
    assert pg["ENGINE"] == "cms.db.postgresql"  # the health check without a round trip
    assert (pg["CONN_MAX_AGE"], pg["CONN_HEALTH_CHECKS"]) == (60, True)
    lite = database_from_url("sqlite:////tmp/shouwang.sqlite3")
    assert lite["CONN_MAX_AGE"] == 0
    assert lite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


# --- the system checks of the qualification keys (lms/certs/checks.py) ----------


def ids(messages):
    return [message.id for message in messages]


@pytest.mark.parametrize("seed", [NOT_BASE64, SEED_31, SEED_33])
def test_a_malformed_signing_key_is_an_error(settings, seed):
    settings.CERTS_SIGNING_KEY = seed
    errors = checks.check_key_format()
    assert ids(errors) == ["certs.E001"]
    assert seed not in errors[0].msg


def test_a_malformed_signing_key_stops_every_command_that_checks(settings):
    """Not only check --deploy: runserver and migrate run the same checks."""
    settings.CERTS_SIGNING_KEY = SEED_31
    with pytest.raises(SystemCheckError, match="certs.E001"):
        call_command("check")


@pytest.mark.parametrize("debug", [True, False])
def test_a_good_key_passes(settings, monkeypatch, debug):
    # Set by the browser tests' conftest when they run first: a deploy error.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = debug
    settings.CERTS_SIGNING_KEY = GOOD_SEED
    assert checks.check_key_format() == []
    assert checks.check_signing_key() == []
    call_command("check", deploy=debug)


def test_an_empty_key_is_fine_in_development(settings, monkeypatch):
    """Empty: derived from SECRET_KEY, as development and tests want."""
    monkeypatch.delenv("CERTS_SIGNING_KEY", raising=False)
    settings.DEBUG = True
    settings.CERTS_SIGNING_KEY = ""
    assert checks.check_key_format() == []
    assert checks.check_signing_key() == []


def test_an_empty_key_with_debug_off_is_a_deploy_warning(settings, monkeypatch):
    monkeypatch.delenv("CERTS_SIGNING_KEY", raising=False)
    settings.DEBUG = False
    settings.CERTS_SIGNING_KEY = ""
    assert checks.check_key_format() == []
    assert ids(checks.check_signing_key()) == ["certs.W001"]


def test_malformed_previous_keys_are_an_error(settings):
    settings.CERTS_PREVIOUS_PUBLIC_KEYS = ["z6MkNotAKey", base64.b64encode(bytes(31))]
    assert ids(checks.check_key_format()) == ["certs.E002"]
