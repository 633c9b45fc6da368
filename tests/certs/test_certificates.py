"""Printable certificates: /certs/records/<serial>/certificate/ and .pdf."""

import re
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lms.certs.constants import Status
from lms.certs.services.issuing import record_revoke
from lms.people.constants import Role
from tests.factories import QualificationRecordFactory, person_with_role
from tests.factories.people import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles(db):
    """See tests/certs/test_verification.py: role groups while the last installed
    app has no models."""
    from lms.people.services.roles import roles_ensure

    roles_ensure()


@pytest.fixture
def record(world):
    world.trainee.name = "王小明"
    world.trainee.save()
    return QualificationRecordFactory(person=world.trainee)


def pdf_objects(body):
    """The PDF's bytes with every compressed stream inflated: WeasyPrint packs its
    objects (the font descriptors too) into compressed object streams."""
    parts = [body]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def html_url(record):
    return reverse("certificate", args=[record.serial])


def pdf_url(record):
    return reverse("certificate-pdf", args=[record.serial])


def test_the_certificate_shows_the_full_name_serial_and_qr(client_for, world, record):
    response = client_for(world.trainee.user).get(html_url(record))
    html = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in html  # the holder's own document: not masked
    assert record.serial in html and record.qualification_type.name in html
    assert record.code in html
    verify_url = f"http://testserver{reverse('verify', args=[record.code])}"
    assert f'data-url="{verify_url}"' in html
    assert re.search(r'<div class="qr"[^>]*>\s*<svg', html)
    assert record.valid_until.strftime("%Y-%m-%d") in html
    assert "data-watermark" not in html


def test_a_revoked_certificate_is_watermarked(client_for, world, record):
    record_revoke(record=record, actor=world.site_admin.user, reason="伪造")
    html = client_for(world.trainee.user).get(html_url(record)).content.decode()
    assert "data-watermark" in html


def test_the_pdf_embeds_the_chinese_font(client_for, world, record):
    photo = photo_bytes("JPEG", (60, 80))
    world.trainee.photo = SimpleUploadedFile("face.jpg", photo)
    world.trainee.save()
    response = client_for(world.trainee.user).get(pdf_url(record))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    objects = pdf_objects(body)
    # The font's descriptor: /FontName /ABCDEF+WenQuanYi-Micro-Hei (a subset).
    assert re.search(rb"/FontName /[A-Z]{6}\+WenQuanYi", objects)
    assert re.search(rb"/Subtype ?/Image", objects)  # the photo


@pytest.mark.parametrize("kind", ["html", "pdf"])
def test_who_may_open_a_certificate(client, client_for, world, record, kind):
    url = html_url(record) if kind == "html" else pdf_url(record)
    other_staff = person_with_role(
        Role.STATION_STAFF, organisation=world.other_station, username="ss2"
    )
    if kind == "html":  # the PDF is slow: check the refusals on both, the rest once
        assert client_for(world.trainee.user).get(url).status_code == 200
        assert client_for(world.station_staff.user).get(url).status_code == 200
    assert client_for(world.colleague.user).get(url).status_code == 404
    assert client_for(world.outsider.user).get(url).status_code == 404
    assert client_for(other_staff.user).get(url).status_code == 404
    assert client.get(url).status_code == 302  # sign in first
    missing = url.replace(record.serial, "SW-1999-000001")
    assert client_for(world.site_admin.user).get(missing).status_code == 404


def test_an_org_admin_without_the_permission_gets_404(client_for, world, record):
    # Organisation admins see their people but do not read qualification records
    # unless their role gives certs.view_qualificationrecord.
    user = world.org_admin.user
    expected = 200 if user.has_perm("certs.view_qualificationrecord") else 404
    assert client_for(user).get(html_url(record)).status_code == expected


def test_records_of_every_status_render(client_for, world):
    for status in Status:
        record = QualificationRecordFactory(person=world.trainee, status=status)
        response = client_for(world.site_admin.user).get(html_url(record))
        assert response.status_code == 200, status
