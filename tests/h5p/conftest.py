import io
import json
import stat
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from lms.h5p.services import h5p_package_upload


def _fixtures_folder():
    """The real packages in shared/fixtures/h5p, which sits beside the repository
    (in CI too); H5P_FIXTURES overrides it."""
    import os

    if folder := os.environ.get("H5P_FIXTURES"):
        return Path(folder)
    beside = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "h5p"
    return beside if beside.is_dir() else Path("/work/shared/fixtures/h5p")


FIXTURES = _fixtures_folder()
CONTENT_HOST = "localhost:8000"  # H5P_CONTENT_ORIGIN's host:port in every settings


def stored_files(root="h5p"):
    """Every file under ``root`` in the default storage (the in-memory one)."""
    try:
        folders, files = default_storage.listdir(root)
    except FileNotFoundError:
        return []
    found = [f"{root}/{name}" for name in files]
    for folder in folders:
        found += stored_files(f"{root}/{folder}")
    return found


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the source language); one test checks
    that they are translated."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_h5p_storage():
    """The in-memory storage lives as long as the process: start every test empty."""
    for name in stored_files():
        default_storage.delete(name)
    yield
    for name in stored_files():
        default_storage.delete(name)


def fixture_bytes(name):
    return (FIXTURES / name).read_bytes()


def upload_fixture(name, *, user=None):
    package, _created = h5p_package_upload(
        file=io.BytesIO(fixture_bytes(name)), uploaded_by=user
    )
    return package


H5P_JSON = {
    "title": "Test",
    "language": "und",
    "mainLibrary": "H5P.TrueFalse",
    "embedTypes": ["div"],
    "preloadedDependencies": [
        {"machineName": "H5P.TrueFalse", "majorVersion": "1", "minorVersion": "6"}
    ],
}


def minimal_files():
    return {
        "h5p.json": json.dumps(H5P_JSON).encode(),
        "content/content.json": b'{"correct": "true", "question": "<p>Q?</p>"}',
        "H5P.TrueFalse-1.6/library.json": b'{"machineName": "H5P.TrueFalse"}',
        "H5P.TrueFalse-1.6/scripts/h5p-true-false.js": b"H5P.TrueFalse = {};",
        "H5P.TrueFalse-1.6/styles/h5p-true-false.css": b".h5p-true-false {}",
    }


def build_zip(files=None, *, extra=(), drop=(), compression=zipfile.ZIP_DEFLATED):
    """An .h5p archive built in memory: ``files`` replace the minimal valid
    package's, ``extra`` adds ZipInfo/bytes pairs, ``drop`` removes names."""
    contents = {**minimal_files(), **(files or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in contents.items():
            if name not in drop:
                archive.writestr(name, data)
        for info, data in extra:
            archive.writestr(info, data)
    return buffer.getvalue()


def symlink_info(name):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.fixture
def courses_hook():
    """The courses app's boundary: record the calls instead of completing lessons."""
    with mock.patch("lms.courses.services.lesson_activity_passed") as hook:
        yield hook
