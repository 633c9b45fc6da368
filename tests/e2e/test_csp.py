"""The Content-Security-Policy in a real browser: the main pages load in Chromium
without a single violation, whether reported to the page ('securitypolicyviolation'
events, in every frame) or only to the console (a refused frame, for instance)."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect
from wagtail.models import Page

from lms.people.constants import Role
from tests.e2e import journeys
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_login import path_is, sign_in
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    QualificationRecordFactory,
    person_with_role,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `in ${event.documentURI} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


class Violations:
    """Collects what the policy blocked on a page and in all its frames."""

    def __init__(self, page):
        self.page = page
        self.console = []
        self.documents = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("response", self._response)

    def _response(self, response):
        if response.request.resource_type == "document":
            self.documents.append(response)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def found(self):
        found = list(self.console)
        for frame in self.page.frames:
            try:
                found += frame.evaluate("window.__cspViolations || []")
            except Exception:  # noqa: S112 - a frame gone or not ours to read
                continue
        return found

    def assert_none(self, where):
        """No violation so far, and every page and frame loaded had a policy (no
        violation without a policy would prove nothing)."""
        self.page.wait_for_load_state("networkidle")
        assert self.found() == [], where
        assert self.documents, where
        for response in self.documents:
            if response.status < 300:
                assert response.header_value("content-security-policy"), (
                    where,
                    response.url,
                )


@pytest.fixture
def watched_phone(phone):
    return phone, Violations(phone)


@pytest.fixture
def watched_desktop(desktop):
    return desktop, Violations(desktop)


@pytest.fixture
def h5p_lesson(live_server, settings):
    """A lesson with the real True/False H5P package, framed from the content origin
    (127.0.0.1, another origin of the live server, as in development)."""
    catalogue = CourseIndexPageFactory(parent=Page.objects.get(depth=2), slug="c")
    course = CoursePageFactory(parent=catalogue, slug="fire", study_hours=Decimal(1))
    return journeys.h5p_lesson(course, live_server, settings)


def test_the_trainee_pages_raise_no_violation(watched_phone, trainee, h5p_lesson):
    page, violations = watched_phone
    record = QualificationRecordFactory(person=trainee)

    page.goto("/login/")
    violations.assert_none("login")
    sign_in(page, TRAINEE_PHONE)
    expect(page).to_have_url(path_is("/"))
    violations.assert_none("home")

    page.goto(h5p_lesson.url)
    player = page.frame_locator("iframe.h5p-activity__frame").frame_locator(
        "iframe.h5p-iframe"
    )
    expect(player.get_by_text("False", exact=True)).to_be_visible(timeout=20_000)
    violations.assert_none("lesson with H5P")

    page.goto("/c/")
    expect(page.locator("input#code")).to_be_visible()
    violations.assert_none("/c/")

    page.goto(f"/v/{record.code}")
    expect(page.locator("[data-verdict-label]")).to_be_visible()
    violations.assert_none("/v/<code>")

    page.goto(f"/certs/records/{record.serial}/certificate/")
    expect(page.locator("[data-certificate]")).to_be_visible()
    violations.assert_none("certificate")


def test_the_api_docs_render_without_violation(watched_desktop):
    page, violations = watched_desktop
    page.goto("/api/v1/docs/")
    operation = page.locator(".opblock").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    violations.assert_none("/api/v1/docs/")


def test_the_admin_raises_no_violation(watched_desktop):
    from wagtail_factories import ImageFactory

    page, violations = watched_desktop
    # A superuser: the test database has no page permissions for the role groups.
    user = person_with_role(Role.SITE_ADMIN, username="siteadmin").user
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    ImageFactory(title="灭火器")
    lesson = LessonPageFactory(
        parent=CoursePageFactory(
            parent=CourseIndexPageFactory(parent=Page.objects.get(depth=2), slug="c"),
            slug="fire",
        ),
        slug="lesson",
        title="认识灭火器",
    )

    page.goto("/login/")
    sign_in(page, "siteadmin")
    expect(page).to_have_url(path_is("/admin/"))
    violations.assert_none("dashboard")

    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    expect(page.locator("form#page-edit-form")).to_be_visible()
    violations.assert_none("page editor")

    # The live preview frames the page rendered through the middleware.
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe#w-preview-iframe")
    expect(preview.locator("main")).to_be_visible(timeout=20_000)
    violations.assert_none("preview panel")

    # A new StreamField block with an image, chosen in the modal chooser.
    page.locator("button.c-sf-add-button").first.click()
    with translation.override("zh-hans"):
        block_label = gettext("Image with caption")
    page.get_by_role("option", name=block_label).click()
    page.locator("[data-chooser-action-choose]").last.click()
    expect(page.locator(".modal-content")).to_be_visible()
    expect(page.locator(".modal-content").get_by_text("灭火器")).to_be_visible()
    violations.assert_none("image chooser")

    page.goto("/admin/snippets/quizzes/quiz/add/")
    expect(page.locator("main")).to_be_visible()
    violations.assert_none("snippet editor")
