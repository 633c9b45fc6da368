"""Reading an uploaded .h5p archive without trusting it.

An .h5p file is a ZIP archive written by whoever uploads it, so everything in it
is hostile until checked: its sizes (zip bombs declare small sizes or compress
absurdly well), its paths (``../``, absolute paths, drive letters, backslashes and
symlinks escape the folder they are extracted to), its file types (H5P's own
allow-list) and its ``content/`` folder, which must hold data only: code belongs
to the libraries, which are H5P content types, not to a lesson's content.

``inspect_archive`` reads every entry once (counting the bytes it really gets, so
a header that lies about sizes is caught) and returns what the upload service
needs; ``iter_entries`` reads them again, with the same limits, for extraction.
Every refusal is a ``ValidationError`` with a message meant for the instructor.
"""

import hashlib
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lms.h5p.constants import (
    ALLOWED_EXTENSIONS,
    CONTENT_FORBIDDEN_EXTENSIONS,
    CONTENT_SCRIPT_CHECKED_EXTENSIONS,
    CONTENT_SCRIPT_MARKERS,
    LIBRARY_ONLY_EXTENSIONS,
)
from lms.h5p.maxscore import package_max_score

CHUNK = 64 * 1024
# Below this size an entry cannot be a bomb, whatever its ratio (a few hundred
# spaces compress 100:1 and are harmless).
RATIO_FLOOR_BYTES = 4096
H5P_JSON = "h5p.json"
CONTENT_JSON = "content/content.json"
# What reading a damaged, encrypted or lying entry raises.
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_SVG_EVENT_HANDLER = re.compile(rb"\son[a-z]+\s*=")


@dataclass
class Inspection:
    """What a valid archive holds; nothing has been stored yet."""

    content_hash: str
    size_bytes: int
    uncompressed_bytes: int
    h5p_json: dict
    content_json: dict
    # Entries to extract: files only, without the hidden files H5P itself skips.
    entries: list[zipfile.ZipInfo] = field(default_factory=list)

    @property
    def file_count(self):
        return len(self.entries)

    @property
    def title(self):
        return str(self.h5p_json.get("title") or "").strip()[:255]

    @property
    def main_library(self):
        return str(self.h5p_json.get("mainLibrary") or "")

    @property
    def libraries(self):
        """Machine name to "major.minor", from preloadedDependencies."""
        found = {}
        for dependency in self.h5p_json.get("preloadedDependencies") or []:
            if isinstance(dependency, dict) and dependency.get("machineName"):
                found[str(dependency["machineName"])] = "{}.{}".format(
                    dependency.get("majorVersion", "?"),
                    dependency.get("minorVersion", "?"),
                )
        return found

    @property
    def main_library_version(self):
        return self.libraries.get(self.main_library, "")

    @property
    def max_score(self):
        # A maximum of 0 cannot be scored (nothing to divide by): same as unknown.
        return package_max_score(self.main_library, self.content_json) or None


def _refuse(message, **params):
    raise ValidationError(message % params if params else message, code="invalid")


def _size_of(file):
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def _sha256(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(CHUNK), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _is_hidden(name):
    # H5P's own extractor skips names starting with "." or "_" (.DS_Store,
    # __MACOSX/...); so do we, after the safety checks.
    return any(part.startswith((".", "_")) for part in name.split("/"))


def _extension(name):
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _check_path(info):
    name = info.filename
    if "\\" in name:
        _refuse(_("The package contains a path with a backslash: %(name)s"), name=name)
    if name.startswith("/") or _DRIVE.match(name):
        _refuse(_("The package contains an absolute path: %(name)s"), name=name)
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        _refuse(
            _("The package contains a path leaving its folder: %(name)s"), name=name
        )
    if any(ord(char) < 32 for char in name):
        _refuse(_("The package contains a file name with control characters."))
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        _refuse(_("The package contains a symbolic link: %(name)s"), name=name)


def _check_type(name):
    """H5P's allow-list, with code allowed in library folders only."""
    extension = _extension(name)
    in_content = name.startswith("content/")
    if in_content and extension in CONTENT_FORBIDDEN_EXTENSIONS:
        _refuse(
            _(
                "Scripts, styles and web pages are not allowed in the content "
                "folder: %(name)s"
            ),
            name=name,
        )
    if extension not in ALLOWED_EXTENSIONS:
        _refuse(
            _("This file type is not allowed in an H5P package: %(name)s"), name=name
        )
    in_library = "/" in name and not in_content
    if extension in LIBRARY_ONLY_EXTENSIONS and not in_library:
        _refuse(
            _("Scripts and styles are only allowed in library folders: %(name)s"),
            name=name,
        )


def _check_content_data(name, data):
    lowered = data.lower()
    scripted = any(marker in lowered for marker in CONTENT_SCRIPT_MARKERS)
    if _extension(name) == "svg" and _SVG_EVENT_HANDLER.search(lowered):
        scripted = True
    if scripted:
        _refuse(
            _("The content folder contains a file with a script: %(name)s"), name=name
        )


def _check_sizes(infos, archive_size):
    max_ratio = settings.H5P_MAX_COMPRESSION_RATIO
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size >= RATIO_FLOOR_BYTES and (
            info.file_size > max_ratio * max(info.compress_size, 1)
        ):
            _refuse(
                _(
                    "The package compresses suspiciously well (%(name)s); it looks "
                    "like a zip bomb and was refused."
                ),
                name=info.filename,
            )
    if total > settings.H5P_MAX_UNCOMPRESSED_BYTES:
        _refuse(
            _("The package is larger than %(mb)s MB when extracted."),
            mb=settings.H5P_MAX_UNCOMPRESSED_BYTES // (1024 * 1024),
        )
    if total >= RATIO_FLOOR_BYTES and total > max_ratio * max(archive_size, 1):
        _refuse(
            _(
                "The package compresses suspiciously well; it looks like a zip "
                "bomb and was refused."
            )
        )
    return total


class _Budget:
    """Counts the bytes really read, against each entry's declared size and the
    package's limit: a header that under-declares a size is caught here."""

    def __init__(self):
        self.total = 0

    def read(self, archive, info):
        chunks = []
        size = 0
        with archive.open(info) as stream:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                size += len(chunk)
                self.total += len(chunk)
                if size > info.file_size:
                    _refuse(
                        _("The package declares wrong sizes (%(name)s)."),
                        name=info.filename,
                    )
                if self.total > settings.H5P_MAX_UNCOMPRESSED_BYTES:
                    _refuse(
                        _("The package is larger than %(mb)s MB when extracted."),
                        mb=settings.H5P_MAX_UNCOMPRESSED_BYTES // (1024 * 1024),
                    )
                chunks.append(chunk)
        return b"".join(chunks)


def _open_archive(file):
    size = _size_of(file)
    if size > settings.H5P_MAX_UPLOAD_BYTES:
        _refuse(
            _("The file is larger than %(mb)s MB."),
            mb=settings.H5P_MAX_UPLOAD_BYTES // (1024 * 1024),
        )
    try:
        return zipfile.ZipFile(file), size
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        _refuse(_("The file is not an H5P package (it is not a ZIP archive)."))


def _parse_json(data, name):
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        _refuse(_("%(name)s is not valid JSON."), name=name)
    if not isinstance(parsed, dict):
        _refuse(_("%(name)s is not valid JSON."), name=name)
    return parsed


def inspect_archive(file):
    """Check an uploaded .h5p file; return an ``Inspection`` or raise
    ``ValidationError``. Reads, never writes."""
    archive, size = _open_archive(file)
    with archive:
        infos = archive.infolist()
        if len(infos) > settings.H5P_MAX_FILES:
            _refuse(
                _("The package has more than %(max)s files."),
                max=settings.H5P_MAX_FILES,
            )
        for info in infos:
            _check_path(info)
        uncompressed = _check_sizes(infos, size)
        names = {info.filename for info in infos}
        for required in (H5P_JSON, CONTENT_JSON):
            if required not in names:
                _refuse(_("The package has no %(name)s."), name=required)
        entries = [
            info
            for info in infos
            if not info.is_dir() and not _is_hidden(info.filename)
        ]
        for info in entries:
            _check_type(info.filename)
        budget = _Budget()
        parsed = {}
        try:
            for info in entries:
                data = budget.read(archive, info)
                if info.filename in (H5P_JSON, CONTENT_JSON):
                    parsed[info.filename] = _parse_json(data, info.filename)
                elif info.filename.startswith("content/") and (
                    _extension(info.filename) in CONTENT_SCRIPT_CHECKED_EXTENSIONS
                ):
                    _check_content_data(info.filename, data)
        except READ_ERRORS:
            _refuse(_("The package is damaged or declares wrong sizes."))
        h5p_json = parsed[H5P_JSON]
        if not isinstance(h5p_json.get("mainLibrary"), str) or not h5p_json.get(
            "mainLibrary"
        ):
            _refuse(_("h5p.json does not name the main library."))
    return Inspection(
        content_hash=_sha256(file),
        size_bytes=size,
        uncompressed_bytes=uncompressed,
        h5p_json=h5p_json,
        content_json=parsed[CONTENT_JSON],
        entries=entries,
    )


def iter_entries(file, inspection):
    """Yield (path, bytes) for every entry to extract, counting bytes again."""
    archive, _size = _open_archive(file)
    budget = _Budget()
    with archive:
        try:
            for info in inspection.entries:
                yield info.filename, budget.read(archive, info)
        except READ_ERRORS:
            _refuse(_("The package is damaged or declares wrong sizes."))
