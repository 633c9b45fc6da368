"""An instructor writes a lesson with a picture and a document in the Wagtail admin,
uploading both from the choosers; submits the course once; a training manager
approves it once, and course and lesson are live; a trainee on a 360-px phone sees
the picture in its responsive rendition and the download."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Page

from lms.courses.authoring import courses_authoring_setup
from lms.courses.models import LessonPage
from lms.people.constants import Role
from tests.e2e.conftest import RESULTS_DIR, TRAINEE_PHONE
from tests.e2e.test_login import no_horizontal_scroll, sign_in
from tests.factories import CourseIndexPageFactory, CoursePageFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def course(settings):
    settings.ROOT_URLCONF = "tests.e2e.media_urls"  # uploads are in memory
    catalogue = CourseIndexPageFactory(parent=Page.objects.get(depth=2), slug="courses")
    courses_authoring_setup(catalogue=catalogue)
    instructor = person_with_role(Role.INSTRUCTOR, username="instructor1").user
    person_with_role(Role.TRAINING_MANAGER, username="manager1")
    course = CoursePageFactory(
        parent=catalogue, slug="fire", title="消防安全基础", live=False
    )
    course.save_revision(user=instructor)
    return course


def picture(path):
    from PIL import Image

    Image.new("RGB", (1600, 1000), (200, 40, 30)).save(path)
    return path


def upload_in_chooser(page, block_label, chooser_button, fields, path):
    """Add a block to the lesson's body, open its chooser, upload in its 上传 tab.

    The new block is inserted after the menu closes: its chooser button is waited
    for by count, since a chosen block keeps a hidden button of the same name."""
    body = page.locator("[data-contentpath=body]")
    choose = body.locator("button[data-chooser-action-choose]", has_text=chooser_button)
    before = choose.count()
    body.locator("button.c-sf-add-button").last.click()
    page.get_by_text(block_label, exact=True).first.click()
    expect(choose).to_have_count(before + 1)
    choose.last.click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="上传").click()
    for name, value in fields.items():
        modal.locator(f"#id_{name}").fill(value)
    modal.locator("input[type=file]").set_input_files(path)
    modal.get_by_role("button", name="上传").click()
    expect(modal).to_be_hidden()
    return body


def open_footer_menu(page):
    page.locator("footer [data-w-dropdown-target=toggle]").last.click()


def test_an_instructor_writes_a_lesson_with_a_picture_and_a_document_approved_once(
    desktop, narrow_phone, trainee, course, tmp_path
):
    page = desktop
    add_lesson = reverse(
        "wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]
    )
    page.goto(f"/login/?next={add_lesson}")
    sign_in(page, "instructor1")
    page.locator("#id_title").fill("灭火器图解")

    body = upload_in_chooser(
        page,
        "图片（带说明）",
        "选择",
        {"image-chooser-upload-title": "干粉灭火器"},
        picture(tmp_path / "extinguisher.png"),
    )
    expect(body).to_contain_text("干粉灭火器")
    pdf = tmp_path / "rules.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    upload_in_chooser(
        page,
        "可下载文件",
        "选择",
        {"document-chooser-upload-title": "保安服务管理条例"},
        pdf,
    )
    expect(body).to_contain_text("保安服务管理条例")
    page.screenshot(path=RESULTS_DIR / "authoring-lesson-editor.png", full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/edit/")
    lesson = LessonPage.objects.get(title="灭火器图解")
    assert not lesson.live

    # One submission: the course, and the lesson with it.
    page.goto(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    open_footer_menu(page)
    page.locator("footer button", has_text="提交给").first.click()
    expect(page.locator(".messages")).to_contain_text("消防安全基础")
    assert lesson.workflow_in_progress

    # One approval by the training manager: both live.
    page.context.clear_cookies()
    edit_course = reverse("wagtailadmin_pages:edit", args=[course.pk])
    page.goto(f"/login/?next={edit_course}")
    sign_in(page, "manager1")
    page.wait_for_url(f"**{edit_course}")
    open_footer_menu(page)
    page.locator("footer button", has_text="批准").first.click()
    expect(page.locator(".messages")).to_contain_text("消防安全基础")
    lesson.refresh_from_db()
    course.refresh_from_db()
    assert course.live and lesson.live and not lesson.has_unpublished_changes

    # The trainee, on the narrowest phone.
    phone = narrow_phone
    phone.goto("/login/")
    sign_in(phone, TRAINEE_PHONE)
    phone.goto(lesson.url)
    image = phone.locator("figure.lesson-figure img")
    image.scroll_into_view_if_needed()
    phone.wait_for_function(
        "() => { const i = document.querySelector('figure.lesson-figure img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    current, srcset, shown = image.evaluate(
        "i => [i.currentSrc, i.srcset, i.getBoundingClientRect().width]"
    )
    # A rendition of the responsive set (width-400/800/1200), not the original.
    assert ".width-" in current and current.split("/media/")[1] in srcset
    assert 0 < shown <= 360
    expect(phone.get_by_role("link", name="保安服务管理条例")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=RESULTS_DIR / "authoring-lesson-360.png", full_page=True)
