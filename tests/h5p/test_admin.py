"""Instructors upload packages in the Wagtail admin (snippets)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.h5p.models import H5PPackage
from tests.factories import H5PPackageFactory, UserFactory
from tests.h5p.conftest import build_zip, fixture_bytes, stored_files

ADD = "wagtailsnippets_h5p_h5ppackage:add"


@pytest.fixture
def admin(db):
    # A superuser: the role groups get the h5p permissions only once the lead adds
    # them to lms/people/services/roles.py (see docs/h5p.md).
    return UserFactory(username="h5p-admin", is_superuser=True, is_staff=True)


def upload(client, name, data, title=""):
    return client.post(
        reverse(ADD),
        {"package_file": SimpleUploadedFile(name, data), "title": title},
    )


def test_upload_form_shows_the_file_field(client_for, admin):
    response = client_for(admin).get(reverse(ADD))
    assert response.status_code == 200
    assert 'name="package_file"' in response.content.decode()


def test_upload_creates_the_package(client_for, admin):
    client = client_for(admin)
    response = upload(client, "tf.h5p", fixture_bytes("lumi-H5P.TrueFalse.h5p"), "判断")
    assert response.status_code == 302, response.content.decode()[:2000]
    package = H5PPackage.objects.get()
    assert (package.title, package.max_score) == ("判断", 1)
    assert package.uploaded_by == admin
    assert stored_files()
    # The same file again: still one package.
    upload(client, "again.h5p", fixture_bytes("lumi-H5P.TrueFalse.h5p"))
    assert H5PPackage.objects.count() == 1


def test_refused_upload_shows_the_reason(client_for, admin):
    client = client_for(admin)
    response = upload(client, "bad.h5p", build_zip({"content/x.js": b"alert(1)"}))
    assert response.status_code == 200
    assert "not allowed in the content folder" in response.content.decode()
    assert not H5PPackage.objects.exists()
    assert stored_files() == []


def test_instructor_corrects_the_max_score(client_for, admin):
    package = H5PPackageFactory(max_score=None)
    client = client_for(admin)
    url = reverse("wagtailsnippets_h5p_h5ppackage:edit", args=[package.pk])
    response = client.post(url, {"title": package.title, "max_score": 3})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.max_score == 3


def test_index_and_inspect(client_for, admin):
    package = H5PPackageFactory()
    client = client_for(admin)
    index = client.get(reverse("wagtailsnippets_h5p_h5ppackage:list"))
    assert package.title in index.content.decode()
    inspect = client.get(
        reverse("wagtailsnippets_h5p_h5ppackage:inspect", args=[package.pk])
    )
    assert package.content_hash in inspect.content.decode()


def test_trainee_cannot_upload(client_for, world):
    response = upload(
        client_for(world.trainee.user),
        "tf.h5p",
        fixture_bytes("lumi-H5P.TrueFalse.h5p"),
    )
    assert response.status_code in (302, 403)
    assert not H5PPackage.objects.exists()
