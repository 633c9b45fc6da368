"""Verifying qualifications in a real browser: station staff scan a certificate's QR
code with the phone camera (a fake camera filming the code), and a phone that opened
/v/<code> sees a revocation on reload."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lms.certs.services.issuing import record_revoke
from lms.people.constants import Role
from tests.e2e.test_login import no_horizontal_scroll, sign_in
from tests.factories import (
    OrganisationFactory,
    QualificationRecordFactory,
    StationFactory,
    person_with_role,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def people(transactional_db):
    """A station, a company it supervises, a trainee there and the station's staff.
    (Role groups are ensured here: see tests/certs/test_verification.py.)"""
    from lms.people.services.roles import roles_ensure

    roles_ensure()

    class People:
        pass

    p = People()
    station = StationFactory(name="甲派出所")
    company = OrganisationFactory(name="甲保安公司", supervising_station=station)
    p.holder = person_with_role(
        Role.TRAINEE, organisation=company, username="holder", name="王小明"
    )
    p.staff = person_with_role(
        Role.STATION_STAFF, organisation=station, username="station1"
    )
    p.record = QualificationRecordFactory(person=p.holder)
    return p


def test_station_staff_scan_a_certificate_with_the_phone_camera(
    camera_phone, live_server, people
):
    page = camera_phone(
        live_server.url + reverse("verify", args=[people.record.code]), width=360
    )
    page.goto("/login/?next=/certs/scan/")
    sign_in(page, "station1")
    expect(page).to_have_url(re.compile(r"/certs/scan/$"))
    expect(page.locator("p[data-scanned]")).to_have_attribute(
        "data-scanned", "valid", timeout=15_000
    )
    row = page.locator(f'[data-records] li[data-serial="{people.record.serial}"]')
    expect(row).to_have_attribute("data-verdict", "valid")
    expect(page.locator("[data-name]")).to_have_text("王*明")
    assert no_horizontal_scroll(page)


def test_a_phone_sees_a_revocation_on_reload(phone, people):
    phone.goto(reverse("verify", args=[people.record.code]))
    verdict = phone.locator("[data-verify]")
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(phone.locator("[data-serial]")).to_have_text(people.record.serial)
    expect(phone.locator("[data-holder]")).to_have_text("王*明")
    assert no_horizontal_scroll(phone)

    record_revoke(record=people.record, actor=people.staff.user, reason="伪造")
    phone.reload()
    expect(verdict).to_have_attribute("data-verdict", "revoked")
    expect(phone.locator(".verify__verdict--revoked")).to_be_visible()


def test_station_staff_type_a_code_when_there_is_no_camera(phone, people):
    """No camera in this context: the typed code still works, and a person of
    another station is "not found" like an unknown code."""
    outsider = QualificationRecordFactory()  # another station's company
    phone.goto("/login/?next=/certs/scan/")
    sign_in(phone, "station1")
    expect(phone).to_have_url(re.compile(r"/certs/scan/$"))
    phone.locator("[data-type-code]").fill(people.record.code.lower())
    phone.locator("[data-type-form] button").click()
    expect(phone.locator("p[data-scanned]")).to_have_attribute("data-scanned", "valid")
    phone.locator("[data-type-code]").fill(outsider.code)
    phone.locator("[data-type-form] button").click()
    expect(phone.locator("[data-missing]")).to_be_visible()
    expect(phone.locator("[data-result]")).to_be_hidden()


def test_the_verification_page_shows_the_holders_photo(phone, people):
    """The photo is a private file: the page shows it through /v/<code>/photo, and
    its file name leads nowhere without the code."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.people import photo_bytes

    people.holder.photo = SimpleUploadedFile("wang.png", photo_bytes(size=(160, 200)))
    people.holder.save()
    phone.goto(reverse("verify", args=[people.record.code]))
    photo = phone.locator("img.verify__photo")
    expect(photo).to_have_attribute(
        "src", reverse("verify-photo", args=[people.record.code])
    )
    phone.wait_for_function(
        "document.querySelector('img.verify__photo').naturalWidth === 160"
    )
    assert no_horizontal_scroll(phone)
    private = phone.request.get(people.holder.photo.url, max_redirects=0)
    assert private.status == 302  # to the login page: signed-in users who may see
