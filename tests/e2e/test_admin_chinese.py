"""An organisation admin works in the Chinese admin: a search that finds nobody and
the form for a new person say so in Chinese (Wagtail 8's own catalogue left
"No 人员 match your query." and "New: 人员" in English)."""

import re

import pytest
from playwright.sync_api import expect

from lms.people.constants import Role
from tests.e2e.conftest import screenshot
from tests.e2e.test_login import sign_in
from tests.factories import OrganisationFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ENGLISH = re.compile(r"\b(New|No|match|your|query)\b")


def test_an_organisation_admin_reads_chinese_when_nobody_matches(desktop):
    from lms.people.services.roles import roles_ensure

    roles_ensure()  # the browser tests' flush empties the role groups' permissions
    company = OrganisationFactory(name="深圳平安保安服务公司")
    person_with_role(Role.ORG_ADMIN, organisation=company, username="orgadmin")
    page = desktop
    page.goto("/login/?next=/admin/")
    sign_in(page, "orgadmin")
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="人员").click()
    sidebar.get_by_role("link", name="人员", exact=True).click()

    search = page.locator('input[name="q"]').first
    search.fill("不存在的人")
    search.press("Enter")
    results = page.locator("#listing-results")
    expect(results).to_contain_text("没有与查询相符的人员。")
    assert not ENGLISH.search(results.inner_text())
    screenshot(page, "admin-no-match-chinese")

    page.get_by_role("link", name=re.compile("添加")).first.click()
    expect(page.locator("main")).to_contain_text("新建：人员")
    assert not ENGLISH.search(page.locator("main").inner_text())
    screenshot(page, "admin-new-person-chinese")
