"""长辈版 on a 360 px phone, measured in the browser against MIIT's numbers: a
trainee turns it on from the home page; on the home, lesson and exam pages every
piece of text is at least 18 px with a line height of at least 1.3, the main
controls are at least 60x60 px and everything else 44x44 px, nothing is wider than
the screen; it survives a reload and is on in another browser signed in as the
same person. Without it, pages scaled to 200 % text still fit 360 px."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import TRAINEE_PHONE, _phone_context
from tests.e2e.elder_pages import elder_pages, start_exam
from tests.e2e.phone import small_targets
from tests.e2e.speech import speech_stub
from tests.e2e.test_login import no_horizontal_scroll, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

MIN_TEXT_PX = 18
MIN_LINE_HEIGHT = 1.3
MAIN_CONTROL_PX = 60
# $ELDER_SHOTS=docs/screenshots keeps the after pictures for the docs.
SHOTS = os.environ.get("ELDER_SHOTS")

# Every visible element with text of its own in <main> and the header: its font
# size and line height. Text inside a hidden control (read aloud with no voice)
# is not shown, so not measured.
TEXT = """() => {
  const rows = [];
  for (const el of document.querySelectorAll("header *, main *")) {
    const own = [...el.childNodes].some(
      (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!own || el.closest("[hidden]")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = style.lineHeight === "normal" ? 0 : parseFloat(style.lineHeight);
    rows.push({tag: el.tagName.toLowerCase(), text: el.textContent.trim().slice(0, 20),
               size, ratio: line / size});
  }
  return rows;
}"""

# The main controls: buttons and the answers of an exam question.
MAIN_CONTROLS = """() => [...document.querySelectorAll("main .button, main .option")]
  .filter((el) => !el.closest("[hidden]"))
  .map((el) => {
    const box = el.getBoundingClientRect();
    return {name: el.textContent.trim().slice(0, 20), width: box.width,
            height: box.height};
  })"""

# Paragraphs of running text in a lesson: from the bottom of each to the top of
# the next block, at least 1.3 times its line height.
PARAGRAPHS = """() => [...document.querySelectorAll(".lesson .rich-text p")]
  .map((p) => {
    const next = p.nextElementSibling || p.parentElement.nextElementSibling;
    return {text: p.textContent.slice(0, 10),
            gap: next.getBoundingClientRect().top - p.getBoundingClientRect().bottom,
            line: parseFloat(getComputedStyle(p).lineHeight)};
  })"""

OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
          && !el.closest("[hidden]"))
  .map((el) => el.tagName.toLowerCase() + "." + el.className)
  .slice(0, 10)"""


def problems(page, *, main_controls=True):
    """What keeps the page ``page`` shows from MIIT's numbers for the elders'
    version: {rule: offending elements}, empty when it reads well."""
    rows = page.evaluate(TEXT)
    found = {
        "not the elders' version": []
        if "elder" in page.evaluate("document.documentElement.className")
        else ["<html> is not marked"],
        "no text": [] if rows else ["nothing measured"],
        "text under 18 px": [row for row in rows if row["size"] < MIN_TEXT_PX - 0.01],
        "line height under 1.3": [
            row for row in rows if row["ratio"] < MIN_LINE_HEIGHT - 0.01
        ],
        "main controls under 60 px": [
            c
            for c in page.evaluate(MAIN_CONTROLS)
            if c["width"] < MAIN_CONTROL_PX - 0.5 or c["height"] < MAIN_CONTROL_PX - 0.5
        ],
        "targets under 44 px": small_targets(page),
        "wider than the screen": []
        if no_horizontal_scroll(page)
        else page.evaluate(OVERFLOWING),
    }
    if main_controls and not page.evaluate(MAIN_CONTROLS):
        found["no main control"] = ["none measured"]
    return {rule: rows for rule, rows in found.items() if rows}


def assert_reads_well(page, name):
    """MIIT's numbers on the page ``page`` shows, and a title larger than its text.
    Measured once its style sheets have loaded: after a sign-in's redirect the
    elements can be there before elder.css is (seen on a loaded machine)."""
    page.wait_for_load_state("load")
    assert not problems(page), (name, problems(page))
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    h1 = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
    )
    assert h1 > body >= MIN_TEXT_PX, (name, h1, body)


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/elder-{name}.png", full_page=True, scale="css")


def test_the_elders_version_from_the_home_page(
    narrow_phone, trainee, browser, live_server, request
):
    paths = elder_pages(trainee)
    page = narrow_phone
    # A phone with a Chinese voice: the read-aloud controls show, and are measured.
    page.context.add_init_script(speech_stub())
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    switch = page.locator("[data-elder-switch]")
    expect(switch).to_have_attribute("data-elder-switch", "on")
    expect(page.locator("html")).not_to_have_class("elder")
    shoot(page, "before-home")
    page.goto(paths["lesson"])
    shoot(page, "before-lesson")
    start_exam(page, paths["exam"])
    shoot(page, "before-exam")
    attempt_url = page.url

    page.goto("/")
    switch.click()
    expect(page.locator(".message--success")).to_have_text("长辈版已开启。")
    expect(switch).to_have_attribute("data-elder-switch", "off")
    assert_reads_well(page, "home")
    shoot(page, "after-home")
    page.reload()
    assert_reads_well(page, "home after a reload")

    page.goto(paths["lesson"])
    expect(page.locator("[data-read-aloud]")).to_be_visible()
    assert_reads_well(page, "lesson")
    paragraphs = page.evaluate(PARAGRAPHS)
    assert len(paragraphs) == 2
    for paragraph in paragraphs:
        assert paragraph["gap"] >= 1.3 * paragraph["line"] - 0.5, paragraph
    shoot(page, "after-lesson")

    page.goto(attempt_url)
    expect(page.locator("fieldset [data-read-aloud]:visible")).to_have_count(2)
    assert_reads_well(page, "exam")
    # Whole minutes, so the time left does not tick every second.
    expect(page.locator("[data-countdown]")).to_have_text("30 分钟")
    shoot(page, "after-exam")

    # Another phone, signed in as the same person: the same version.
    context = _phone_context(browser, live_server, 360, 780)
    try:
        other = context.new_page()
        other.goto("/login/")
        sign_in(other, TRAINEE_PHONE)
        expect(other.locator("[data-elder-switch]")).to_have_attribute(
            "data-elder-switch", "off"
        )
        assert_reads_well(other, "home on another phone")
    finally:
        context.close()


def test_it_can_be_turned_off_in_the_settings(narrow_phone, trainee):
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    page.locator("[data-elder-switch=on]").click()
    expect(page.locator("html")).to_have_class("elder")
    page.get_by_role("link", name="设置").click()
    expect(page.locator("h1")).to_have_text("设置")
    page.locator("[data-elder-switch=off]").click()
    expect(page.locator(".message--success")).to_have_text("长辈版已关闭。")
    expect(page.locator("html")).not_to_have_class("elder")
    page.goto("/")
    expect(page.locator("[data-elder-switch]")).to_have_attribute(
        "data-elder-switch", "on"
    )


def at_200_percent(page):
    """Text at twice the browser's size, as a phone's largest font setting or
    WeChat's gives it: every size in rem follows the root's."""
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 36


def test_pages_at_200_percent_text_fit_a_360_px_phone(narrow_phone, trainee):
    paths = elder_pages(trainee)
    page = narrow_phone
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    page.wait_for_url("**/")
    overflowing = {}
    for name in ("home", "lesson"):
        page.goto(paths[name])
        at_200_percent(page)
        overflowing[name] = page.evaluate(OVERFLOWING)
    start_exam(page, paths["exam"])
    at_200_percent(page)
    overflowing["exam"] = page.evaluate(OVERFLOWING)
    assert not any(overflowing.values()), overflowing


def test_every_trainee_page_reads_well_in_the_elders_version(narrow_phone, trainee):
    """Beyond the three pages above: the course, the quiz, its result, my
    qualifications and a record, the scanners, the typed code, the badge and the
    settings page."""
    from django.utils import timezone

    from lms.people.services.preferences import elder_mode_set
    from lms.quizzes.models import Attempt
    from tests.factories import QualificationRecordFactory

    paths = elder_pages(trainee)
    record = QualificationRecordFactory(person=trainee)
    elder_mode_set(user=trainee.user, on=True)
    page = narrow_phone
    page.context.add_init_script(speech_stub())
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    page.wait_for_url("**/")
    start_exam(page, paths["exam"])
    page.locator("fieldset.question").first.locator("input").first.check()
    page.on("dialog", lambda dialog: dialog.accept())  # "some are not answered"
    page.locator("[data-submit]").click()
    page.locator("[data-score]").wait_for()
    assert Attempt.objects.filter(submitted_at__lte=timezone.now()).exists()
    found = {page.url: problems(page)}
    lesson = paths["lesson"]
    course = lesson.rsplit("/", 2)[0] + "/"
    for path in (
        course,
        "/courses/",
        paths["exam"],
        "/certs/",
        f"/certs/records/{record.serial}/",
        "/drills/scan/",
        "/c/",
        "/me/badge/",
        "/me/settings/",
    ):
        page.goto(path)
        found[path] = problems(page, main_controls=False)
    assert not any(found.values()), {path: rows for path, rows in found.items() if rows}
