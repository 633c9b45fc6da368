"""The H5P exercise on a 360 px phone in WeChat's browser, with the player's storage
blocked as third-party storage (tests/e2e/conftest.py ``h5p_content_origin``): it
starts, is sized to fit, its buttons can be reached, and passing it moves the
lesson page on at once."""

import socket
import socketserver
import threading
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from lms.certs.constants import RequirementKind
from lms.courses import services
from lms.courses.models import Enrolment
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_login import sign_in
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
)
from tests.factories.certs import QualificationTypeFactory, RequirementFactory
from tests.factories.courses import home

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
FRAME = "iframe.h5p-activity__frame"
SHOTS = "/tmp/shots-h5p"  # noqa: S108 - screenshots the author looks at


def h5p_block(package, title="判断题：电器起火"):
    return (
        "h5p",
        {"package": package, "title": title, "pass_mark": 100, "required": True},
    )


@pytest.fixture
def package():
    """The demo's package: the bundled True/False, in Chinese (对, 错, 检查)."""
    from lms.courses.demo_h5p import chinese_true_false_package

    return chinese_true_false_package()


@pytest.fixture
def course():
    catalogue = CourseIndexPageFactory(parent=home(), slug="courses")
    return CoursePageFactory(
        parent=catalogue, slug="fire", title="消防安全基础", study_hours=Decimal(2)
    )


def frames(page):
    """The player page and the frame H5P runs the content in."""
    player = page.frame_locator(FRAME)
    return player, player.frame_locator("iframe.h5p-iframe")


def fits_its_frame(locator):
    """Whether the element lies wholly inside the viewport of the frame it is in:
    nothing of it cut off by the frame's edge. Measured inside the frame, so a
    scrolling page around it changes nothing."""
    return locator.evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && box.top >= -1
                && box.left >= -1 && box.bottom <= window.innerHeight + 1
                && box.right <= window.innerWidth + 1;
        }"""
    )


def wait_until_they_fit(page, *locators):
    """Whether every locator fits its frame within five seconds: the frames follow
    the content's height by a message from the player (h5p-player.js), so after
    the content grows (the feedback of a check) they catch up a moment later."""
    for _attempt in range(20):
        if all(fits_its_frame(locator) for locator in locators):
            return True
        page.wait_for_timeout(250)
    return all(fits_its_frame(locator) for locator in locators)


def storage_fallbacks(page):
    """What h5p-storage.js replaced in the player page and in the content's frame:
    ["localStorage", "sessionStorage"] where the browser refused storage."""
    player = next(f for f in page.frames if "/h5p/play/" in f.url)
    content = player.child_frames[0]
    return [
        f.evaluate("window.shouwangStorageFallback || null") for f in (player, content)
    ]


def open_lesson(page, lesson):
    """Sign the trainee in and open ``lesson``; returns the page's script errors,
    collected from then on."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    page.goto(lesson.url)
    return errors


def test_the_exercise_fits_and_works_on_a_360px_phone_with_storage_blocked(
    narrow_phone, trainee, course, package, h5p_content_origin
):
    lesson = LessonPageFactory(
        parent=course,
        slug="first-response",
        title="初起火灾扑救",
        body=[h5p_block(package)],
    )
    course.open_enrolment = True
    course.save()
    errors = open_lesson(narrow_phone, lesson)

    player, content = frames(narrow_phone)
    wrong = content.get_by_role("radio", name="错")
    check = content.get_by_role("button", name="检查")
    expect(check).to_be_visible(timeout=20_000)
    # The content origin may not use storage here (third-party), so both frames
    # run on the in-memory storage, and nothing failed for want of it.
    assert storage_fallbacks(narrow_phone) == [["localStorage", "sessionStorage"]] * 2
    assert errors == []
    # Sized to fit: 错 and 检查 lie wholly inside the content's frame, which lies
    # wholly inside the lesson page's frame (nothing cut off, nothing to scroll:
    # the frames cannot scroll).
    expect(player.locator("iframe.h5p-iframe")).not_to_have_css("height", "150px")
    assert fits_its_frame(player.locator("iframe.h5p-iframe"))
    assert fits_its_frame(wrong) and fits_its_frame(check)
    # The fullscreen button no longer lies over the question's first line.
    assert not content.locator(".h5p-question-introduction p").evaluate(
        """question => {
            const b = document.querySelector(".h5p-enable-fullscreen")
                .getBoundingClientRect();
            const text = document.createRange();
            text.selectNodeContents(question);  // the lines, not the block
            return Array.from(text.getClientRects()).some(a =>
                a.left < b.right && b.left < a.right
                && a.top < b.bottom && b.top < a.bottom);
        }"""
    )
    narrow_phone.screenshot(path=f"{SHOTS}/h5p-360-before-answer.png", full_page=True)

    wrong.tap()
    check.tap()
    status = narrow_phone.locator("[data-h5p-status]")
    expect(status).to_have_attribute("data-state", "passed", timeout=20_000)
    # The feedback H5P shows after checking is still inside the frames.
    feedback = content.get_by_text("得分 1 / 1", exact=True).first
    expect(feedback).to_be_visible()
    assert wait_until_they_fit(
        narrow_phone, player.locator("iframe.h5p-iframe"), feedback
    )
    assert errors == []


class _Forward(socketserver.BaseRequestHandler):
    """Pipes one connection to the live server, both ways, byte for byte."""

    def handle(self):
        upstream = socket.create_connection(("127.0.0.1", self.server.target_port))

        def pipe(source, sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                sink.close()

        back = threading.Thread(target=pipe, args=(upstream, self.request))
        back.start()
        pipe(self.request, upstream)
        back.join()


@pytest.fixture
def same_site_content_origin(live_server, settings):
    """Production's set-up, where the content has a host name of the site's own
    domain (h5p.example.cn beside shouwang.example.cn): the same site, so the
    browser lets the player keep storage. Here: another port of localhost (a site
    ignores the port), forwarded to the live server."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Forward)
    server.daemon_threads = True
    server.target_port = urlsplit(live_server.url).port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.H5P_CONTENT_ORIGIN = f"http://localhost:{server.server_address[1]}"
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    yield settings.H5P_CONTENT_ORIGIN
    server.shutdown()
    server.server_close()


def test_the_exercise_works_where_the_player_may_keep_storage(
    narrow_phone, trainee, course, package, same_site_content_origin
):
    lesson = LessonPageFactory(
        parent=course, slug="first-response", body=[h5p_block(package)]
    )
    open_lesson(narrow_phone, lesson)
    player, content = frames(narrow_phone)
    check = content.get_by_role("button", name="检查")
    expect(check).to_be_visible(timeout=20_000)
    assert storage_fallbacks(narrow_phone) == [[], []]  # the real storage, kept
    assert fits_its_frame(player.locator("iframe.h5p-iframe"))
    assert fits_its_frame(check)
    content.get_by_role("radio", name="错").tap()
    check.tap()
    status = narrow_phone.locator("[data-h5p-status]")
    expect(status).to_have_attribute("data-state", "passed", timeout=20_000)


def without_storage_fallback(route):
    """The response without js/h5p-storage.js, wherever it is inlined."""
    import re

    response = route.fetch()
    body = response.text()
    body = re.sub(
        r"<script>(?:(?!</script>).)*shouwangStorageFallback.*?</script>",
        "",
        body,
        flags=re.DOTALL,
    )
    body = body.split("/* js/h5p-storage.js */")[0]
    route.fulfill(response=response, body=body)


def test_the_frames_fit_even_when_the_activity_fails_to_start(
    narrow_phone, trainee, course, package, h5p_content_origin
):
    """Sizing does not depend on H5P starting: without the storage fallback the
    activity throws while starting (as it did in WeChat) and H5P never sizes its
    frame, yet the player grows it to its content."""
    lesson = LessonPageFactory(
        parent=course, slug="first-response", body=[h5p_block(package)]
    )
    # The fallback is written into the player page and ends the package's bundle
    # (lms/h5p/light.py): take it out of both.
    narrow_phone.route("**/h5p/play/**", without_storage_fallback)
    narrow_phone.route("**/bundle.js", without_storage_fallback)
    errors = open_lesson(narrow_phone, lesson)
    player, content = frames(narrow_phone)
    check = content.get_by_role("button", name="检查")
    expect(check).to_be_attached(timeout=20_000)
    inner = player.locator("iframe.h5p-iframe")
    expect(inner).not_to_have_css("height", "150px")
    assert any("Access is denied" in error for error in errors)  # it did fail
    assert wait_until_they_fit(narrow_phone, inner, check)


def test_the_storage_fallback_leaves_working_storage_alone(narrow_phone, trainee):
    """Where storage works (here the site's own origin) the real one is kept."""
    narrow_phone.goto("/login/")
    narrow_phone.add_script_tag(url="/static/js/h5p-storage.js")
    assert narrow_phone.evaluate("window.shouwangStorageFallback") == []
    assert narrow_phone.evaluate("window.localStorage instanceof Storage")


def test_passing_the_exercise_moves_the_lesson_page_on_at_once(
    narrow_phone, trainee, course, package, h5p_content_origin
):
    first = LessonPageFactory(parent=course, slug="extinguisher", title="认识灭火器")
    lesson = LessonPageFactory(
        parent=course,
        slug="first-response",
        title="初起火灾扑救",
        body=[h5p_block(package)],
    )
    after = LessonPageFactory(
        parent=course, slug="evacuation", title="火场疏散引导", required=False
    )
    qualification = QualificationTypeFactory(code="FIRE-T", name="消防安全上岗资格")
    RequirementFactory(
        qualification_type=qualification,
        kind=RequirementKind.COURSE_COMPLETED,
        course=course,
        drill_type="",
    )
    services.lesson_complete(person=trainee, lesson=first)
    open_lesson(narrow_phone, lesson)
    panel = narrow_phone.locator("main")
    expect(panel).to_contain_text("通过上方练习即可完成本课")
    narrow_phone.evaluate("window.notReloaded = true")

    _player, content = frames(narrow_phone)
    content.get_by_role("radio", name="错").tap()
    content.get_by_role("button", name="检查").tap()

    # At once, on the same page: the lesson is done, and what it earned is said.
    expect(panel.locator("[data-lesson-completed]")).to_have_text("本课已完成")
    expect(panel).to_contain_text("“消防安全基础”已完成：计入 2 学时。")
    expect(panel).to_contain_text("获得资格：消防安全上岗资格")
    next_lesson = panel.get_by_role("link", name="下一课：火场疏散引导")
    expect(next_lesson).to_be_visible()
    expect(panel).not_to_contain_text("通过上方练习")
    assert narrow_phone.evaluate("window.notReloaded === true")
    # "Next lesson" sticks to the bottom of the screen: in view at once.
    expect(next_lesson).to_be_in_viewport()
    narrow_phone.screenshot(path=f"{SHOTS}/h5p-360-passed.png")
    assert Enrolment.objects.get(person=trainee, page=course).completed_at
    next_lesson.tap()
    expect(narrow_phone.locator("h1")).to_have_text(after.title)
