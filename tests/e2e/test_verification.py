"""Verifying qualifications in a real browser: station staff scan a certificate's QR
code with the phone camera (a fake camera filming the code), and a phone that opened
/v/<code> sees a revocation on reload."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lms.certs.services.issuing import record_revoke
from lms.people.constants import Role
from tests.e2e.conftest import RESULTS_DIR
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


def test_station_staff_suspend_and_reinstate_from_the_scan_result(narrow_phone, people):
    """One tap from the scan result to the record page's 暂停 form (reason
    focused); the change is in the record's history with its actor and reason,
    and the next scan offers 恢复."""
    page = narrow_phone
    serial = people.record.serial
    page.goto("/login/?next=/certs/scan/")
    sign_in(page, "station1")

    def scan():
        page.locator("[data-type-code]").fill(people.record.code)
        page.locator("[data-type-form] button[type=submit]").tap()
        return page.locator(f'[data-records] li[data-serial="{serial}"]')

    row = scan()
    expect(row.locator("[data-record-link]")).to_have_attribute(
        "href", reverse("certs_record", args=[serial])
    )
    suspend = row.locator('[data-record-action="suspend"]')
    expect(suspend).to_have_text("暂停")
    assert no_horizontal_scroll(page)
    suspend.tap()

    reason = page.locator("#action-suspend textarea")
    expect(reason).to_be_focused()
    reason.fill("证件涂改")
    page.locator('[data-action="suspend"]').tap()
    expect(page.locator("[data-verdict]")).to_have_attribute(
        "data-verdict", "suspended"
    )
    change = page.locator('[data-changes] [data-change$=".suspend"]')
    expect(change).to_contain_text("证件涂改")
    staff = people.staff.user
    expect(change).to_contain_text(staff.get_full_name() or staff.get_username())
    assert no_horizontal_scroll(page)
    page.screenshot(path=RESULTS_DIR / "record-suspended-360.png", full_page=True)

    page.goto("/certs/scan/")
    reinstate = scan().locator('[data-record-action="reinstate"]')
    expect(reinstate).to_have_text("恢复")
    page.screenshot(path=RESULTS_DIR / "scan-result-360.png", full_page=True)
    reinstate.tap()
    page.locator("#action-reinstate textarea").fill("核实无误")
    page.locator('[data-action="reinstate"]').tap()
    expect(page.locator("[data-verdict]")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("[data-changes] li")).to_have_count(2)
