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
