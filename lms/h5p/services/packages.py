"""Uploading an H5P package: validate everything, then store it once.

Files are extracted to the default storage under ``h5p/<sha256>/`` through the
storage API only (no filesystem paths), so the same code works with local media,
the in-memory storage of the tests and object storage later. A refused upload
writes nothing; a failure half-way through extraction removes what it wrote.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.h5p.archive import Inspection, inspect_archive, iter_entries
from lms.h5p.constants import STORAGE_PREFIX, AuditAction
from lms.h5p.models import H5PPackage


def h5p_package_validate(*, file) -> Inspection:
    """Check an uploaded .h5p file without storing anything; raise
    ``ValidationError`` with a message for the instructor if it is refused."""
    return inspect_archive(file)


def _extract(*, file, inspection):
    root = f"{STORAGE_PREFIX}/{inspection.content_hash}"
    written = []
    try:
        for name, data in iter_entries(file, inspection):
            path = f"{root}/{name}"
            # Left-overs of an interrupted upload would make the storage pick
            # another name; the path must be exactly the archive's.
            if default_storage.exists(path):
                default_storage.delete(path)
            saved = default_storage.save(path, ContentFile(data))
            written.append(saved)
            if saved != path:
                raise ValidationError(
                    _("The file %(name)s could not be stored under its own name.")
                    % {"name": name}
                )
    except BaseException:
        for path in written:
            default_storage.delete(path)
        raise


def h5p_package_upload(
    *, file, uploaded_by=None, title: str = ""
) -> tuple[H5PPackage, bool]:
    """Validate and store a package; return ``(package, created)``.

    The same file uploaded twice (same SHA-256) is stored once: the second upload
    returns the first package, unchanged.
    """
    inspection = h5p_package_validate(file=file)
    existing = H5PPackage.objects.filter(content_hash=inspection.content_hash).first()
    if existing is not None:
        return existing, False
    _extract(file=file, inspection=inspection)
    try:
        with transaction.atomic():
            package = H5PPackage.objects.create(
                title=(title or "").strip()[:255]
                or inspection.title
                or inspection.main_library,
                content_hash=inspection.content_hash,
                main_library=inspection.main_library[:255],
                main_library_version=inspection.main_library_version[:32],
                libraries=inspection.libraries,
                max_score=inspection.max_score,
                file_count=inspection.file_count,
                size_bytes=inspection.size_bytes,
                uncompressed_bytes=inspection.uncompressed_bytes,
                uploaded_by=uploaded_by,
            )
            log(package, AuditAction.PACKAGE_UPLOAD, user=uploaded_by)
    except IntegrityError:
        # The same file uploaded at the same moment by someone else: theirs won,
        # and the files we wrote are byte for byte the same as theirs.
        return H5PPackage.objects.get(content_hash=inspection.content_hash), False
    return package, True
