"""ID photos: private storage, random names, and only those who may see the person
(or hold a valid verification code) get the image."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lms.people.constants import Role
from lms.people.models import Person
from lms.people.photos import photo_storage
from tests.factories import QualificationRecordFactory, person_with_role
from tests.factories.people import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(world):
    world.trainee.photo = SimpleUploadedFile("张三-身份证.png", photo_bytes())
    world.trainee.save()
    return world.trainee.photo


def test_a_photo_is_stored_privately_under_a_random_name(photo):
    assert photo.storage is photo_storage()
    assert "张三" not in photo.name and photo.name.endswith(".png")
    assert len(photo.name) == 32 + len(".png")
    assert not default_storage.exists(photo.name)  # not in the public media folder
    assert photo.url == f"/people/photos/{photo.name}"


def test_the_photo_url_is_for_those_who_may_see_the_person(
    client, client_for, world, photo
):
    url = photo.url
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    own = client_for(world.trainee.user).get(url)
    assert own.status_code == 200 and own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == photo_bytes()
    assert own["Cache-Control"] == "private, no-store"
    assert client_for(world.org_admin.user).get(url).status_code == 200
    outsider = person_with_role(Role.STATION_STAFF, organisation=world.other_station)
    assert client_for(outsider.user).get(url).status_code == 404
    colleague = client_for(world.colleague.user)  # another trainee
    assert colleague.get(url).status_code == 404
    assert client_for(world.org_admin.user).get(url + "x").status_code == 404
    # Not a photo name at all (a NUL byte would break the database query).
    assert client_for(world.org_admin.user).get("/people/photos/%00").status_code == 404


def test_the_verification_code_opens_the_holders_photo(client, world, photo, settings):
    record = QualificationRecordFactory(person=world.trainee)
    url = reverse("verify-photo", args=[record.code])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo_bytes()
    assert client.get(reverse("verify-photo", args=["A" * 16])).status_code == 404
    settings.CERTS_VERIFY_RATE_PER_MINUTE = 2
    assert [client.get(url).status_code for _ in range(3)][-1] == 429
    settings.CERTS_VERIFY_RATE_PER_MINUTE = 100
    settings.CERTS_VERIFY_SHOW_PHOTO = False
    assert client.get(url).status_code == 404


def test_photos_uploaded_before_move_out_of_the_public_folder(
    world, django_capture_on_commit_callbacks
):
    old = default_storage.save("people/photos/zhangsan.png", ContentFile(photo_bytes()))
    Person.objects.filter(pk=world.trainee.pk).update(photo=old)
    migration = importlib.import_module("lms.people.migrations.0002_photos_private")
    with django_capture_on_commit_callbacks(execute=False) as deletions:
        migration.move_photos(apps, None)
    world.trainee.refresh_from_db()
    name = world.trainee.photo.name
    assert name != old and "zhangsan" not in name
    assert photo_storage().open(name).read() == photo_bytes()
    # The public file goes only once the new name is committed.
    assert default_storage.exists(old) and len(deletions) == 1
    deletions[0]()
    assert not default_storage.exists(old)
    # Run again (manage.py photos_private after a deploy): nothing left to move.
    out = io.StringIO()
    call_command("photos_private", stdout=out)
    assert out.getvalue().strip() == "0 photos moved"
