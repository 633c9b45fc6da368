"""Demo holders get generated ID photos (lms/people/demo_photos.py), stored like
uploads, so /v/<code> shows the photo a checker compares with the paper."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from lms.certs.constants import Status
from lms.certs.models import QualificationRecord
from lms.people import demo_photos, photos
from lms.people.models import Person
from tests.factories.people import photo_bytes


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--force")
    return Person.objects.filter(
        organisation__code__in=demo_photos.demo_organisation_codes()
    )


def test_every_demo_person_gets_a_private_jpeg(seeded):
    assert seeded.count() >= 60
    assert not seeded.filter(photo="").exists()
    sizes = set()
    for person in seeded:
        # Stored as an upload is: the private storage, a random name.
        assert person.photo.storage is photos.photo_storage()
        assert photos.NAME.fullmatch(person.photo.name), person.photo.name
        assert not default_storage.exists(person.photo.name)
        with person.photo.storage.open(person.photo.name, "rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert image.size == demo_photos.SIZE
        # A few KB, and the same portrait every time for the same person.
        assert len(data) < 20_000
        assert data == demo_photos.portrait(person)
        sizes.add(len(data))
    # Not one picture for everyone.
    assert len(sizes) > 10


def test_seeding_again_changes_nothing_and_keeps_uploads(seeded):
    before = dict(seeded.values_list("pk", "photo"))
    uploaded = seeded.first()
    uploaded.photo.save("mine.png", ContentFile(photo_bytes()), save=True)
    missing = seeded.exclude(pk=uploaded.pk).first()
    Person.objects.filter(pk=missing.pk).update(photo="")

    assert demo_photos.seed_demo_photos() == 1  # only the one without a photo
    call_command("seed_demo", "--force")
    after = dict(seeded.values_list("pk", "photo"))
    assert after[uploaded.pk] == Person.objects.get(pk=uploaded.pk).photo.name
    assert after[uploaded.pk].endswith(".png")  # the upload is not replaced
    assert after[missing.pk] != before[missing.pk]  # a new file, a new name
    unchanged = set(before) - {uploaded.pk, missing.pk}
    assert all(after[pk] == before[pk] for pk in unchanged)
    assert demo_photos.seed_demo_photos() == 0


def test_the_verification_page_shows_a_demo_holders_photo(client, seeded):
    record = (
        QualificationRecord.objects.filter(person__in=seeded, status=Status.ACTIVE)
        .select_related("person")
        .first()
    )
    assert record is not None, "the demo data issues at least one record"
    page = client.get(f"/v/{record.code}")
    assert page.status_code == 200
    photo_url = f"/v/{record.code}/photo"
    assert photo_url.encode() in page.content
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == demo_photos.portrait(record.person)


def test_initials():
    assert demo_photos.initials("王伟") == "王"
    assert demo_photos.initials("欧阳明") == "欧"
    assert demo_photos.initials("John Smith") == "JS"
    assert demo_photos.initials("") == ""
