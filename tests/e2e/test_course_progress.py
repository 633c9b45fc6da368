"""A training manager at a desk opens the course progress report from the admin
menu: everyone assigned is listed (not only those who started), with the due date,
the status and an overdue flag, and the spreadsheet shows Beijing time."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.courses import services
from lms.courses.models import Enrolment
from lms.people.constants import Role
from tests.e2e.conftest import screenshot
from tests.e2e.test_login import sign_in
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    OrganisationFactory,
    PersonFactory,
    person_with_role,
)
from tests.factories.courses import home

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_manager_sees_everyone_assigned_and_exports_local_times(desktop):
    company = OrganisationFactory(name="深圳平安保安服务公司")
    manager = person_with_role(
        Role.TRAINING_MANAGER, organisation=company, username="manager"
    )
    course = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=home(), slug="courses"),
        slug="fire",
        title="消防安全基础",
    )
    first = LessonPageFactory(parent=course, slug="l1")
    LessonPageFactory(parent=course, slug="l2")
    due = timezone.localdate() - datetime.timedelta(days=3)
    guards = PersonFactory.create_batch(20, organisation=company)
    services.assignment_create(
        page=course,
        organisation=company,
        actor=manager.user,
        due_date=due,
    )
    started, finished = guards[0], guards[1]
    services.lesson_complete(person=started, lesson=first)
    Enrolment.objects.create(
        person=finished,
        page=course,
        completed_at=datetime.datetime(2026, 1, 20, 17, 5, tzinfo=datetime.UTC),
    )
    assigned = 21  # the twenty guards and the manager, all in the company

    page = desktop
    page.goto("/login/?next=/admin/")
    sign_in(page, "manager")
    page.locator("#wagtail-sidebar").get_by_role("link", name="学习进度").click()
    page.locator('select[name="page"]').select_option(label="消防安全基础")
    page.get_by_role("button", name="查看进度").click()

    people = page.locator("[data-progress-people] tbody tr")
    expect(people).to_have_count(assigned)
    never = page.locator(f'[data-person="{guards[5].pk}"]')
    expect(never).to_contain_text(due.isoformat())
    expect(never).to_contain_text("未开始")
    expect(never).to_contain_text("已逾期")
    expect(page.locator(f'[data-person="{started.pk}"]')).to_contain_text("学习中")
    done = page.locator(f'[data-person="{finished.pk}"]')
    expect(done).to_contain_text("已完成")
    expect(done).not_to_contain_text("已逾期")
    expect(done).to_contain_text("2026-01-21 01:05")  # 17:05 UTC is 01:05 in Beijing
    screenshot(page, "course-progress")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出（XLSX）").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(sheet.active.values)
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert len(by_name) == assigned
    assert by_name[finished.name]["完成时间"] == "2026-01-21 01:05"
    assert by_name[guards[5].name]["已逾期"] == "是"
