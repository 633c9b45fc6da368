"""Production refuses to start without its secrets; the other settings start bare."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FERNET_KEY = "c2hvdXdhbmctdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE="


def import_settings(module, **env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("PII_", "SECRET"))
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_without_keys():
    result = import_settings("cms.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_keys():
    result = import_settings(
        "cms.settings.production",
        SECRET_KEY="x" * 50,
        PII_ENCRYPTION_KEYS=FERNET_KEY,
        PII_HASH_KEY="h" * 32,
    )
    assert result.returncode == 0, result.stderr


def test_dev_starts_with_nothing_set():
    assert import_settings("cms.settings.dev").returncode == 0


def test_database_urls():
    """PostgreSQL connections are kept and checked before a request reuses one (a
    restarted database costs no failed request); SQLite's are not kept."""
    from cms.settings.env import database_from_url

    pg = database_from_url("postgres://postgres@127.0.0.1:5432/shouwang")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["CONN_MAX_AGE"], pg["CONN_HEALTH_CHECKS"]) == (60, True)
    lite = database_from_url("sqlite:////tmp/shouwang.sqlite3")
    assert lite["CONN_MAX_AGE"] == 0
    assert lite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
