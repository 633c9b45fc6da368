"""A training manager writes "any drill within the last 12 months" as a rule of a
qualification type in the admin, leaving the drill type empty; the trainee's
"what I still need" then names a drill of any type."""

import pytest
from playwright.sync_api import expect

from lms.certs.constants import RequirementKind
from lms.certs.models import Requirement
from lms.people.constants import Role
from tests.e2e.conftest import TRAINEE_PHONE, screenshot
from tests.e2e.test_login import sign_in
from tests.factories import QualificationTypeFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_a_rule_for_a_drill_of_any_type(desktop, phone, trainee):
    qtype = QualificationTypeFactory(code="DRILL-ANY", name="演练常态化资格")
    person_with_role(
        Role.TRAINING_MANAGER, organisation=trainee.organisation, username="manager"
    )
    page = desktop
    page.goto("/login/?next=/admin/")
    sign_in(page, "manager")
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="资格").click()
    sidebar.get_by_role("link", name="资格类型").click()
    page.get_by_role("link", name="演练常态化资格").click()

    page.locator("#id_requirements-ADD").click()
    page.locator('select[name="requirements-0-kind"]').select_option(
        RequirementKind.DRILL_ATTENDED
    )
    expect(page.locator('select[name="requirements-0-drill_type"]')).to_have_value("")
    page.locator('input[name="requirements-0-within_months"]').fill("12")
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".messages")).to_contain_text("演练常态化资格")
    screenshot(page, "rule-any-drill-saved")

    rule = Requirement.objects.get(qualification_type=qtype)
    assert (rule.kind, rule.drill_type, rule.within_months) == (
        RequirementKind.DRILL_ATTENDED,
        "",
        12,
    )

    phone.goto("/login/?next=/certs/")
    sign_in(phone, TRAINEE_PHONE)
    needed = phone.locator("#still-needed").locator("xpath=..")
    expect(needed).to_contain_text("演练常态化资格")
    expect(needed).to_contain_text("参加一次任意类型的演练（近 12 个月内）")
    screenshot(phone, "rule-any-drill-still-needed")
