"""The certificate on a 360 px phone: laid out for the screen, with a way back;
printed, still the A4 landscape sheet."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.phone import small_targets, width
from tests.e2e.test_login import sign_in
from tests.factories import QualificationRecordFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
A4_LANDSCAPE_PX = 297 / 25.4 * 96  # 297 mm at 96 px to the inch


def test_the_certificate_fits_the_phone_and_leads_back(narrow_phone, trainee):
    record = QualificationRecordFactory(person=trainee)
    page = narrow_phone
    page.goto("/login/?next=/certs/")
    sign_in(page, TRAINEE_PHONE)
    page.locator(f"#record-{record.serial}").get_by_role(
        "link", name="证书", exact=True
    ).click()
    sheet = page.locator("[data-certificate]")
    expect(sheet).to_contain_text(trainee.name)
    assert width(page) <= 360
    for part in ("[data-qr] svg", "[data-code]", "[data-name]"):
        box = page.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, part
    assert small_targets(page) == []

    page.emulate_media(media="print")
    assert sheet.bounding_box()["width"] == pytest.approx(A4_LANDSCAPE_PX, abs=1)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="返回").click()
    expect(page).to_have_url(re.compile(rf"/certs/#record-{record.serial}$"))
