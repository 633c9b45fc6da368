"""An instructor imports a question sheet as a training unit keeps it (a merged
title above the header, a 制表人 line under the data), in a real browser: the
check finds the header, names every row it leaves out, and the import goes in."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from lms.people.constants import Role
from lms.quizzes.models import Question
from tests.e2e.test_login import path_is, sign_in
from tests.factories import CategoryFactory, QuestionBankFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = "/tmp/shots-logins"  # noqa: S108 - screenshots to look at, as the rules ask
HEADER = ["编号", "题型", "分类", "题干", "选项A", "选项B", "选项C", "答案", "难度"]


def office_sheet():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年保安员初任培训题库"])
    sheet.merge_cells("A1:I1")
    sheet.append(["（第一章 法律法规）", None, None, None, None, None, None, "第一版"])
    sheet.append(HEADER)
    sheet.append(
        ["F1", "单选", "法律法规", "保安员证由谁发放？", "公安机关", "保安公司"]
        + [None, "A", "易"]
    )
    sheet.append(
        ["F2", "判断", "法律法规", "保安员可以扣押他人证件。", None, None]
        + [None, "错误", None]
    )
    sheet.append(
        ["F3", "多选", "法律法规", "保安员不得：", "搜身", "扣押证件", "巡逻"]
        + ["AB", "中"]
    )
    sheet.append(["制表人：李教官"])
    sheet.merge_cells("A7:I7")
    sheet.append(
        ["审核：王队长", None, None, None, None, None, None, "日期：2025-05-01"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_sheet_with_a_title_and_notes_is_checked_and_imported(desktop, tmp_path):
    person_with_role(Role.INSTRUCTOR, username="instructor1", name="李教官")
    bank = QuestionBankFactory(name="保安员题库")
    CategoryFactory(bank=bank, name="法律法规")
    upload = tmp_path / "题库.xlsx"
    upload.write_bytes(office_sheet())

    page = desktop
    page.goto("/login/")
    sign_in(page, "instructor1")
    expect(page).to_have_url(path_is("/admin/"))
    page.goto(f"/admin/quizzes-import/?bank={bank.pk}")
    page.locator('input[name="file"]').set_input_files(upload)
    page.get_by_role("button", name="上传并检查").click()

    expect(page.locator('[data-import-result="ok"]')).to_contain_text("3")
    skipped = page.locator("[data-import-skipped]")
    expect(skipped).to_contain_text("表头在第 3 行")
    expect(skipped).to_contain_text("4 行")
    for text in ("2025年保安员初任培训题库", "制表人：李教官", "审核：王队长"):
        expect(page.get_by_role("cell", name=text, exact=False)).to_be_visible()
    page.screenshot(path=f"{SHOTS}/9-question-check.png", full_page=True)

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("第 1、2、7、8 行")
    assert set(Question.objects.values_list("code", flat=True)) == {"F1", "F2", "F3"}
    page.screenshot(path=f"{SHOTS}/10-question-imported.png", full_page=True)
