"""Malicious and broken archives are refused with their own message, and nothing
is stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from lms.h5p.models import H5PPackage
from lms.h5p.services import h5p_package_upload, h5p_package_validate
from tests.h5p.conftest import build_zip, fixture_bytes, stored_files, symlink_info


def refusal(data):
    with pytest.raises(ValidationError) as caught:
        h5p_package_upload(file=io.BytesIO(data))
    assert stored_files() == []
    assert not H5PPackage.objects.exists()
    return " ".join(caught.value.messages)


def test_minimal_package_is_valid(db):
    inspection = h5p_package_validate(file=io.BytesIO(build_zip()))
    assert inspection.main_library == "H5P.TrueFalse"
    assert inspection.max_score == 1
    assert inspection.file_count == 5


def test_not_a_zip(db):
    assert "not a ZIP archive" in refusal(b"<html><script>alert(1)</script>")


def test_over_upload_size(db, settings):
    settings.H5P_MAX_UPLOAD_BYTES = 1000
    assert "larger than" in refusal(fixture_bytes("lumi-H5P.TrueFalse.h5p"))


def test_zip_bomb_by_ratio(db):
    data = build_zip({"content/filler.txt": b"\0" * 5_000_000})
    assert len(data) < 100_000
    assert "zip bomb" in refusal(data)


def test_total_uncompressed_size(db, settings):
    settings.H5P_MAX_UNCOMPRESSED_BYTES = 2000
    data = build_zip({"content/a.txt": bytes(range(256)) * 10})
    assert "when extracted" in refusal(data)


def test_header_lying_about_sizes_is_caught(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {
            "h5p.json": b'{"mainLibrary": "H5P.TrueFalse"}',
            "content/content.json": b"{}",
            "content/big.txt": b"x" * 3000 + bytes(range(256)) * 40,
        }.items():
            archive.writestr(name, data)
        # Declare 100 bytes where there are 13,240: a reader trusting the header
        # would under-count what it extracts.
        archive.filelist[-1].file_size = 100
    assert "wrong sizes" in refusal(buffer.getvalue())


def test_too_many_files(db, settings):
    settings.H5P_MAX_FILES = 10
    extra = {f"content/images/{n}.png": b"png" for n in range(10)}
    assert "more than 10 files" in refusal(build_zip(extra))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.json", "leaving its folder"),
        ("content/../../evil.json", "leaving its folder"),
        ("/etc/evil.json", "absolute path"),
        ("C:/evil.json", "absolute path"),
        ("content\\evil.json", "backslash"),
    ],
)
def test_paths_escaping_the_folder(db, name, message):
    info = zipfile.ZipInfo(name)
    assert message in refusal(build_zip(extra=[(info, b"{}")]))


def test_symlink_entry(db):
    data = build_zip(extra=[(symlink_info("content/link.json"), b"/etc/passwd")])
    assert "symbolic link" in refusal(data)


def test_missing_h5p_json(db):
    assert "no h5p.json" in refusal(build_zip(drop=["h5p.json"]))


def test_missing_content_json(db):
    assert "no content/content.json" in refusal(
        build_zip(drop=["content/content.json"])
    )


@pytest.mark.parametrize("name", ["h5p.json", "content/content.json"])
def test_bad_json(db, name):
    assert f"{name} is not valid JSON" in refusal(build_zip({name: b"{oops"}))


def test_h5p_json_without_main_library(db):
    data = build_zip({"h5p.json": b'{"title": "x"}'})
    assert "main library" in refusal(data)


@pytest.mark.parametrize(
    "name", ["H5P.TrueFalse-1.6/shell.php", "H5P.TrueFalse-1.6/tool.exe", "run.sh"]
)
def test_file_types_outside_the_allow_list(db, name):
    assert "file type is not allowed" in refusal(build_zip({name: b"x"}))


@pytest.mark.parametrize(
    "name",
    ["content/evil.js", "content/page.html", "content/a/b.htm", "content/x.php"],
)
def test_scripts_and_pages_under_content(db, name):
    assert "not allowed in the content folder" in refusal(
        build_zip({name: b"<script>alert(1)</script>"})
    )


def test_script_at_the_top_level_is_not_a_library(db):
    assert "only allowed in library folders" in refusal(build_zip({"evil.js": b"1"}))


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        b'<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
    ],
)
def test_svg_with_script_under_content(db, svg):
    assert "with a script" in refusal(build_zip({"content/images/logo.svg": svg}))


def test_plain_svg_under_content_is_fine(db):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    package, created = h5p_package_upload(
        file=io.BytesIO(build_zip({"content/images/dot.svg": svg}))
    )
    assert created
    assert f"{package.storage_root}/content/images/dot.svg" in stored_files()


def test_hidden_files_are_skipped_not_refused(db):
    package, _ = h5p_package_upload(
        file=io.BytesIO(
            build_zip({"__MACOSX/._h5p.json": b"\0", "content/.DS_Store": b"\0"})
        )
    )
    assert package.file_count == 5
    assert not any("MACOSX" in name or "DS_Store" in name for name in stored_files())


def test_refusal_in_the_default_chinese_locale(db, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with pytest.raises(ValidationError):
        h5p_package_validate(file=io.BytesIO(b"not a zip"))
