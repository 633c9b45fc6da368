"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live
server. One browser for the whole session, a fresh context (cookies, viewport) per
test; a full-page screenshot lands in ``test-results/`` when a test fails."""

import os
import re
import warnings
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test's thread, so Django's
# async-safety check would see a running loop and refuse every ORM call made by the
# test itself (factories, assertions on rows). The calls are in fact synchronous;
# this only switches the check off for the browser tests' process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# An Android phone's WeChat browser, where most trainees open the site.
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 "
    "Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560"
    "(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
DEFAULT_TIMEOUT_MS = 10_000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (``rep_setup``, ``rep_call``...) so the
    page fixtures can tell, while tearing down, whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            pytest.fail(
                f"Could not start Chromium at {CHROMIUM_PATH}: {exc}\n"
                "The browser tests need Debian's Chromium: run "
                "'sudo apt-get install chromium fonts-wqy-microhei' (or 'make "
                "system-deps'), or set CHROMIUM_PATH to a Chromium binary. "
                "Do not run 'playwright install'.",
                pytrace=False,
            )
        yield browser
        browser.close()


def _failed(item):
    return any(
        getattr(item, f"rep_{when}", None) is not None
        and getattr(item, f"rep_{when}").failed
        for when in ("setup", "call")
    )


def _screenshot_name(item, kind):
    name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
    return RESULTS_DIR / f"{name}-{kind}.png"


def _page_in(context, request, kind):
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    if _failed(request.node):
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=_screenshot_name(request.node, kind), full_page=True)
        except Exception as exc:  # a screenshot must never hide the real failure
            warnings.warn(f"No failure screenshot: {exc}", stacklevel=1)
    context.close()


def _phone_context(browser, live_server, width, height):
    """A phone's browser context: touch, 3x pixels, Chinese, WeChat's agent."""
    return browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=PHONE_USER_AGENT,
    )


@pytest.fixture
def phone(browser, live_server, request):
    """A page in a phone-sized context: 390x844 at 3x, touch, Chinese."""
    context = _phone_context(browser, live_server, 390, 844)
    yield from _page_in(context, request, "phone")


@pytest.fixture
def narrow_phone(browser, live_server, request):
    """The narrowest phone the site supports: 360 px wide at 3x, touch, Chinese."""
    context = _phone_context(browser, live_server, 360, 780)
    yield from _page_in(context, request, "narrow_phone")


@pytest.fixture
def desktop(browser, live_server, request):
    """A page in a desktop-sized context: 1366x900, Chinese."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1366, "height": 900},
        locale="zh-CN",
    )
    yield from _page_in(context, request, "desktop")


@pytest.fixture(autouse=True)
def _site_tree(transactional_db):
    """Make sure the Wagtail tree serves "/" before each browser test: the live
    server runs in another thread, so browser tests use a transactional database,
    and each one ends with a flush that empties every table."""
    from tests.factories.cms import site_tree

    site_tree(refresh=True)


TRAINEE_PHONE = "13912345678"


@pytest.fixture
def trainee():
    """A trainee who signs in with a phone number."""
    from lms.people.constants import Role
    from tests.factories import OrganisationFactory, person_with_role

    person = person_with_role(
        Role.TRAINEE,
        organisation=OrganisationFactory(name="深圳平安保安服务公司"),
        username="trainee1",
        name="王小明",
    )
    person.user.phone = TRAINEE_PHONE
    person.user.save(update_fields=["phone"])
    return person


FRAME_WIDTH, FRAME_HEIGHT = 640, 480


def write_y4m(path, text):
    """One frame of a camera filming a QR code of ``text``, in the YUV4MPEG2 format
    Chromium's fake capture device plays in a loop."""
    import qrcode
    from PIL import Image

    code = qrcode.QRCode(border=4, box_size=10)
    code.add_data(text)
    code.make(fit=True)
    qr = code.make_image().get_image().convert("L")
    side = min(FRAME_HEIGHT - 60, qr.size[0])
    qr = qr.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (FRAME_WIDTH, FRAME_HEIGHT), 255)
    frame.paste(qr, ((FRAME_WIDTH - side) // 2, (FRAME_HEIGHT - side) // 2))
    chroma = bytes([128]) * ((FRAME_WIDTH // 2) * (FRAME_HEIGHT // 2))
    with open(path, "wb") as out:
        header = f"YUV4MPEG2 W{FRAME_WIDTH} H{FRAME_HEIGHT} F30:1 Ip A1:1 C420jpeg\n"
        out.write(header.encode())
        for _frame in range(2):
            out.write(b"FRAME\n")
            out.write(frame.tobytes())  # Y: the grey levels
            out.write(chroma)  # U
            out.write(chroma)  # V


@pytest.fixture
def camera_phone(browser, live_server, tmp_path):
    """``camera_phone(text, width=390)``: a phone page whose camera films a QR code
    of ``text``. A browser of its own: the fake camera is chosen when Chromium
    starts; it is closed after the test."""
    launched = []

    def open_page(text, width=390):
        video = tmp_path / f"camera{len(launched)}.y4m"
        write_y4m(video, text)
        camera_browser = browser.browser_type.launch(
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        launched.append(camera_browser)
        context = camera_browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": 844},
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            user_agent=PHONE_USER_AGENT,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        return context.new_page()

    yield open_page
    for camera_browser in launched:
        camera_browser.close()


def screenshot(page, name):
    """Keep a picture of what a test built for a person to look at, in the folder
    named by $E2E_SHOTS (nothing is written when it is not set)."""
    folder = os.environ.get("E2E_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def h5p_content_origin(live_server, settings):
    """H5P on its own origin, as in the demo and in production. The live server
    answers as localhost and the player is framed from 127.0.0.1: another site, so
    Chromium treats the player's storage as third-party storage and blocks it, as
    WeChat and many privacy settings do. Keep it that way: the player must work
    without it."""
    from urllib.parse import urlsplit

    port = urlsplit(live_server.url).port
    settings.H5P_CONTENT_ORIGIN = f"http://127.0.0.1:{port}"
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    return settings.H5P_CONTENT_ORIGIN
