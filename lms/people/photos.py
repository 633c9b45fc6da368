"""ID photos. A guard's photo is personal data: it is kept outside the public media
folder (``STORAGES["photos"]``, under ``PRIVATE_MEDIA_ROOT``), under a random name,
and reaches a browser only through views that check who is asking:

* ``/people/photos/<name>`` (the storage's URL, so ``person.photo.url`` works in the
  admin, the people pages and the certificate): signed-in users who may see the
  person (``people_visible_to``);
* ``/v/<code>/photo``: whoever holds a valid verification code, as the page
  ``/v/<code>`` shows (turned off with ``CERTS_VERIFY_SHOW_PHOTO=False``).
"""

import mimetypes
import re
import uuid
from pathlib import Path

from django.core.files.storage import default_storage, storages
from django.db import transaction
from django.http import FileResponse, Http404

URL_PREFIX = "/people/photos/"
EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
# What photo_name makes; anything else in a photo URL is not a photo.
NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|jpeg|png|gif|webp)")


def photo_storage():
    return storages["photos"]


def photo_name(instance, filename):
    """A random name: the uploaded file's name (often the person's own) is dropped,
    and nobody can guess another photo's address."""
    extension = Path(filename).suffix.lower()
    return f"{uuid.uuid4().hex}{extension if extension in EXTENSIONS else '.jpg'}"


def photo_response(person):
    """The photo as a response that no cache keeps (station computers are shared:
    an ID photo must not stay in the browser after sign-out)."""
    if not person.photo:
        raise Http404
    try:
        handle = person.photo.storage.open(person.photo.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=mimetypes.guess_type(person.photo.name)[0] or "image/jpeg",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def move_public_photos(person_model):
    """Move photos still in the public media folder (uploaded before photos were
    private, or by a worker still running old code during a deploy) to the private
    storage under random names. Safe to run again (``manage.py photos_private``).
    Each old file is deleted only once the new name is committed, so a failure
    halfway loses nothing. Returns how many moved."""
    private = photo_storage()
    moved = 0
    rows = person_model.objects.exclude(photo="").values_list("pk", "photo")
    for pk, old in rows:
        if "/" not in old or not default_storage.exists(old):
            continue  # already private (random names have no folder)
        with default_storage.open(old, "rb") as handle:
            new = private.save(photo_name(None, old), handle)
        with transaction.atomic():
            person_model.objects.filter(pk=pk, photo=old).update(photo=new)
            transaction.on_commit(lambda old=old: default_storage.delete(old))
        moved += 1
    return moved
