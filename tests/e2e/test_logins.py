"""An organisation admin gives their imported people logins, in a real browser: the
import of a spreadsheet as offices keep it, the logins, the activation sheet, and a
trainee choosing a password on a 360 px phone; a password and a badge reset from
the person's page."""

import io
import random
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from lms.people import idnumber
from lms.people.constants import PersonStatus, Role
from lms.people.models import Person
from lms.people.services.badges import badge_token, person_from_badge_token
from tests.e2e.test_login import no_horizontal_scroll, path_is, sign_in
from tests.factories import OrganisationFactory, TeamFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = "/tmp/shots-logins"  # noqa: S108 - screenshots to look at, as the rules ask
NEW_PASSWORD = "Guard-Pass-2025"  # noqa: S105
STATUS_WORDS = ["在职", "在岗", "请假", "休假", "停职"]


@pytest.fixture
def company():
    company = OrganisationFactory(name="深圳平安保安服务公司")
    TeamFactory(organisation=company, name="一队")
    return company


@pytest.fixture
def org_admin(company):
    return person_with_role(
        Role.ORG_ADMIN, organisation=company, username="orgadmin1", name="赵经理"
    )


def people_xlsx(count):
    """``count`` people as a company keeps them: a merged title row, the header on
    row 2, status words (在职, 请假...), ID numbers in groups, a 制表人 line under."""
    rng = random.Random(5)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["深圳平安保安服务公司 在职人员花名册"])
    sheet.merge_cells("A1:F1")
    sheet.append(["姓名", "手机号", "身份证号", "人员类别", "队组", "状态"])
    rows = []
    for n in range(count):
        number = idnumber.synthetic(rng=rng)
        if n % 2:
            number = f"{number[:6]} {number[6:14]} {number[14:]}"
        row = [f"队员{n:02d}", f"1390000{n:04d}", number, "保安员", "一队"]
        rows.append([*row, STATUS_WORDS[n % len(STATUS_WORDS)]])
    for row in rows:
        sheet.append(row)
    sheet.append(["制表人：赵经理　　日期：2025年5月1日"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def admin_signs_in(page, username):
    page.goto("/login/")
    sign_in(page, username)
    expect(page).to_have_url(path_is("/admin/"))


def test_org_admin_imports_20_people_gives_logins_and_prints_the_sheet(
    desktop, narrow_phone, org_admin, company, tmp_path
):
    page = desktop
    admin_signs_in(page, "orgadmin1")

    # Import: the menu, the file, the report.
    page.locator("#wagtail-sidebar").get_by_role("link", name="导入人员").click()
    expect(page.locator("h1")).to_contain_text("导入人员")
    upload = tmp_path / "花名册.xlsx"
    upload.write_bytes(people_xlsx(20))
    page.locator('input[name="file"]').set_input_files(upload)
    page.get_by_role("button", name="上传并导入").click()
    result = page.locator('[data-import-result="ok"]')
    expect(result).to_contain_text("导入完成")
    expect(result).to_contain_text("共 20 行：新增 20")
    skipped = page.locator("[data-import-skipped]")
    expect(skipped).to_contain_text("表头在第 2 行")
    expect(page.get_by_text("制表人：赵经理")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/1-import.png", full_page=True)
    assert Person.objects.filter(organisation=company).count() == 21
    assert Person.objects.get(name="队员00").status == PersonStatus.ACTIVE  # 在职
    assert Person.objects.get(name="队员02").status == PersonStatus.ON_LEAVE  # 请假
    assert Person.objects.get(name="队员04").status == PersonStatus.SUSPENDED

    # Logins: everyone imported is ticked; one click gives them and shows the sheet.
    page.get_by_role("link", name="下一步：开通登录并打印激活单").click()
    expect(page.locator("h1")).to_contain_text("登录账号")
    boxes = page.locator('[data-logins-form] input[name="person"]')
    expect(boxes).to_have_count(20)
    for index in range(20):
        expect(boxes.nth(index)).to_be_checked()
    page.screenshot(path=f"{SHOTS}/2-logins.png", full_page=True)
    page.locator("[data-logins-submit]").click()

    slips = page.locator("[data-slip]")
    expect(slips).to_have_count(20)
    expect(page.locator("[data-sheet-toolbar] [role=alert]")).to_contain_text(
        "只在此时显示"
    )
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/3-sheet.png", full_page=True)
    # As printed: A4's width at 96 dpi, print styles; and the PDF Chromium prints.
    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    page.screenshot(path=f"{SHOTS}/4-sheet-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 2, pages  # ten slips to an A4 page
    codes = {
        slip.get_attribute("data-login"): slip.locator("[data-code]").inner_text()
        for slip in slips.all()
    }
    assert len(codes) == 20 and all(
        re.fullmatch(r"\d{4} \d{4} \d{4}", code) for code in codes.values()
    )

    # The trainee, on a 360 px phone: from the login page to their own password.
    phone = narrow_phone
    phone.goto("/login/")
    phone.locator("[data-activation-help] a").click()
    expect(phone).to_have_url(path_is("/activate/"))
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=f"{SHOTS}/5-activate.png", full_page=True)
    login = "13900000007"
    phone.get_by_label("手机号").fill(login)
    phone.get_by_label("激活码").fill(codes[login])
    phone.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="设置密码并登录").click()
    expect(phone).to_have_url(path_is("/"))
    expect(phone.locator("h1.greeting")).to_contain_text("队员07")
    phone.screenshot(path=f"{SHOTS}/6-signed-in.png", full_page=True)
    assert no_horizontal_scroll(phone)
    person = Person.objects.select_related("user").get(name="队员07")
    assert person.user.check_password(NEW_PASSWORD)


def test_a_wrong_code_says_what_to_do_on_a_small_phone(narrow_phone, org_admin):
    page = narrow_phone
    page.goto("/activate/")
    page.get_by_label("手机号").fill("13900000001")
    page.get_by_label("激活码").fill("1234 5678 9012")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="设置密码并登录").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "向本单位管理员领取新的激活码"
    )
    assert no_horizontal_scroll(page)
    page.screenshot(path=f"{SHOTS}/7-activate-refused.png", full_page=True)


def test_org_admin_resets_a_password_and_a_badge_from_the_persons_page(
    desktop, narrow_phone, org_admin, company
):
    guard = person_with_role(
        Role.TRAINEE, organisation=company, username="13912340000", name="钱卫国"
    )
    old_badge = badge_token(guard)
    page = desktop
    admin_signs_in(page, "orgadmin1")
    page.goto("/admin/people/")
    page.get_by_role("link", name="钱卫国").click()
    expect(page.locator("h1")).to_contain_text("钱卫国")

    page.get_by_role("button", name="操作").click()
    page.get_by_role("link", name="重置密码").click()
    expect(page.locator("[data-confirm-login-action]")).to_be_visible()
    page.get_by_role("button", name="重置密码并显示激活码").click()
    expect(page.locator("[data-slip]")).to_have_count(1)
    code = page.locator("[data-code]").inner_text()
    login = page.locator("[data-slip]").get_attribute("data-login")
    page.screenshot(path=f"{SHOTS}/8-reset-sheet.png", full_page=True)

    page.get_by_role("link", name="返回").click()
    page.get_by_role("button", name="操作").click()
    page.get_by_role("link", name="重置身份码").click()
    page.get_by_role("button", name="重置身份码").click()
    expect(page.locator(".messages")).to_contain_text("之前的身份码不再有效")
    assert person_from_badge_token(old_badge) is None

    # The old password no longer works; the code sets a new one.
    phone = narrow_phone
    phone.goto("/login/")
    sign_in(phone, "13912340000")
    expect(phone.locator(".error-summary")).to_be_visible()
    phone.goto("/activate/")
    phone.get_by_label("手机号").fill(login)
    phone.get_by_label("激活码").fill(code)
    phone.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="设置密码并登录").click()
    expect(phone.locator("h1.greeting")).to_contain_text("钱卫国")
