"""The real player in Chromium: a lesson on 127.0.0.1 frames the player on
localhost (another origin), the trainee answers, and the server's verdict shows.

Marked e2e (Debian's Chromium, like tests/e2e/); it checks what unit tests cannot:
that the vendored h5p-standalone runs under the player's Content-Security-Policy
and that statements travel frame → lesson page → server.
"""

import json
import os
import threading
from urllib.parse import urlsplit

import pytest
from django.test import Client

from lms.courses.services import course_enrol
from lms.h5p.models import H5PResult
from lms.people.constants import Role
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    person_with_role,
)
from tests.h5p.conftest import upload_fixture

pytestmark = pytest.mark.e2e
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see tests/e2e/conftest
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def in_browser(steps):
    """Run ``steps(browser)`` in a thread of its own: Playwright's sync API refuses
    to start where an event loop already runs (tests/e2e keeps one for the whole
    session), and a new thread has none."""
    from playwright.sync_api import sync_playwright

    outcome = {}

    def run():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM_PATH,
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-quic"],
                )
                try:
                    outcome["value"] = steps(browser)
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - re-raised in the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def site_home():
    """Wagtail's home page. Transactional tests that ran earlier (tests/e2e) flush
    every table, and the page tree made by the migrations goes with them."""
    from wagtail.models import Locale, Page, Site

    from tests.factories import HomePageFactory

    page = Page.objects.filter(depth=2).first()
    if page is not None:
        return page.specific
    for language_code in ("zh-hans", "en"):
        Locale.objects.get_or_create(language_code=language_code)
    root = Page.objects.filter(depth=1).first() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home_page = HomePageFactory(parent=root, slug="home")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home_page},
    )
    return home_page


@pytest.mark.django_db(transaction=True)
def test_trainee_answers_in_the_player_and_the_server_scores(live_server, settings):
    if not os.path.exists(CHROMIUM_PATH):
        pytest.skip("Chromium is not installed")
    port = urlsplit(live_server.url).port
    settings.H5P_CONTENT_ORIGIN = f"http://localhost:{port}"
    settings.WAGTAILADMIN_BASE_URL = f"http://127.0.0.1:{port}"
    settings.LANGUAGE_CODE = "en"
    package = upload_fixture("h5p-standalone-h5p-test.h5p")  # "Is this false?"
    course = CoursePageFactory(
        parent=CourseIndexPageFactory(parent=site_home(), slug="courses"), slug="fire"
    )
    body = [
        {
            "type": "h5p",
            "value": {"package": package.pk, "title": "T/F", "pass_mark": 100},
        }
    ]
    lesson = LessonPageFactory(parent=course, slug="l1", body=json.dumps(body))
    person = person_with_role(Role.TRAINEE, username="browser-trainee")
    course_enrol(person=person, page=course)
    client = Client()
    client.force_login(person.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    def steps(browser):
        context = browser.new_context()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "domain": "127.0.0.1",
                    "path": "/",
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(f"http://127.0.0.1:{port}{lesson.url}")
        player = page.frame_locator("iframe.h5p-activity__frame").frame_locator(
            "iframe.h5p-iframe"
        )
        player.get_by_text("False", exact=True).click()
        player.get_by_role("button", name="Check").click()
        status = page.locator("[data-h5p-status]")
        status.filter(has_text="Score: 1 / 1, passed").wait_for()
        context.close()
        return errors

    errors = in_browser(steps)
    result = H5PResult.objects.get()
    assert result.passed and result.best_raw == 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
