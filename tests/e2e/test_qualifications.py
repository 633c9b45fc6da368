"""A trainee on a phone: the home page shows the qualification, "my
qualifications" lists it with its dates and what is still missing, and the badge
opens full screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_login import sign_in
from tests.factories import QualificationRecordFactory, QualificationTypeFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_my_qualifications_on_a_phone(phone, trainee):
    record = QualificationRecordFactory(
        person=trainee,
        qualification_type=QualificationTypeFactory(
            code="JB-DUTY", name="警保联勤上岗资格"
        ),
    )
    phone.goto("/login/")
    sign_in(phone, TRAINEE_PHONE)
    section = phone.locator("#my-qualifications").locator("xpath=..")
    expect(section).to_contain_text("警保联勤上岗资格")
    section.get_by_role("link", name="警保联勤上岗资格").click()
    card = phone.locator(f"#record-{record.serial}")
    expect(card).to_contain_text(record.serial)
    expect(card.locator(".verdict-chip--valid")).to_be_visible()
    expect(card).to_contain_text(record.valid_until.strftime("%Y-%m-%d"))
    # Nothing overflows a 390-px screen.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone.get_by_role("link", name="出示我的身份码").click()
    expect(phone.locator("svg").first).to_be_visible()


def test_a_manager_revokes_and_the_verification_page_turns_revoked(
    desktop, phone, trainee
):
    from lms.certs.constants import Status
    from lms.people.constants import Role
    from tests.factories import person_with_role

    record = QualificationRecordFactory(person=trainee)
    person_with_role(
        Role.TRAINING_MANAGER, organisation=trainee.organisation, username="manager"
    )
    phone.goto(f"/v/{record.code}")
    expect(phone.locator("[data-verify]")).to_have_attribute("data-verdict", "valid")

    desktop.goto(f"/login/?next=/certs/records/{record.serial}/")
    sign_in(desktop, "manager")
    revoke = desktop.locator("form", has=desktop.locator('[data-action="revoke"]'))
    revoke.locator("textarea").fill("冒名顶替")
    revoke.locator('[data-action="revoke"]').click()
    expect(desktop.locator("[data-verdict]")).to_have_attribute(
        "data-verdict", "revoked"
    )
    record.refresh_from_db()
    assert (record.status, record.status_reason) == (Status.REVOKED, "冒名顶替")

    phone.reload()
    expect(phone.locator("[data-verify]")).to_have_attribute("data-verdict", "revoked")
