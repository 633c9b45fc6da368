"""Vendored third-party files are exactly those their VERSION.md lists: every file
with its sha256, nothing more (static/vendor/ for the site, tests/e2e/vendor/ for
the browser tests). A file edited by hand, or refreshed without its manifest,
fails here."""

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = sorted(
    [
        *ROOT.glob("static/vendor/*/VERSION.md"),
        *ROOT.glob("tests/e2e/vendor/*/VERSION.md"),
    ]
)
LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")


def listed(manifest):
    block = manifest.read_text(encoding="utf-8").split(
        "## sha256 of every vendored file"
    )
    assert len(block) == 2, f"{manifest} has no hashes section"
    return {
        match[2]: match[1]
        for match in map(LINE.match, block[1].splitlines())
        if match is not None
    }


def test_there_are_vendored_packages():
    names = {manifest.parent.name for manifest in MANIFESTS}
    assert {"jsqr", "h5p-standalone", "axe-core"} <= names


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda m: m.parent.name)
def test_every_vendored_file_matches_its_manifest(manifest):
    folder = manifest.parent
    present = {
        path.relative_to(folder).as_posix(): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "VERSION.md"
    }
    assert present == listed(manifest)


def test_collectstatic_with_production_manifest_storage_finds_every_file(
    tmp_path, settings
):
    """Production hashes static files (a manifest storage): every file a style sheet
    or script names must be there, a vendored bundle's source map included, or
    collectstatic fails at deploy time (Leaflet's leaflet.js names leaflet.js.map)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
