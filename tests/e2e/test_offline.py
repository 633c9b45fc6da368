"""Study offline (issue 18, docs/offline.md) on a 360 px phone: a trainee
downloads their course, loses the network, opens its lessons from the phone,
completes one and answers a quiz question; when the network is back, both reach
the server, once each. Also: the list of downloaded courses, and removing one."""

import pytest
from playwright.sync_api import expect

from lms.courses.models import LessonCompletion
from lms.quizzes.models import Attempt, AttemptQuestion
from tests.e2e.conftest import TRAINEE_PHONE, screenshot
from tests.e2e.journeys import demo_fire_course
from tests.e2e.test_login import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def posts_to(page, ending):
    """POSTs to an address ending with ``ending`` that the server answered."""
    finished = []
    page.context.on(
        "requestfinished",
        lambda r: r.method == "POST" and r.url.endswith(ending) and finished.append(r),
    )
    return finished


def until(page, expression, seconds=15):
    """Wait for ``expression`` to be true in the page. Playwright's
    wait_for_function polls with eval(), which the site's policy refuses."""
    for _attempt in range(seconds * 4):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never true: {expression}")


def download(page, course):
    page.goto(course.url)
    block = page.locator("[data-offline-course]")
    block.get_by_role("button", name="下载离线学习").tap()
    expect(block).to_have_attribute("data-downloaded", "true", timeout=20_000)
    expect(block.locator("[data-offline-status]")).to_contain_text("已存到本机")
    # The worker now answers for the site's pages.
    until(page, "navigator.serviceWorker.controller !== null")


def test_a_course_studied_offline_reaches_the_server_once_back_online(
    narrow_phone, trainee, h5p_content_origin
):
    page = narrow_phone
    course = demo_fire_course(trainee)
    extinguisher, _exercise, evacuation = course.lessons_in_order
    completions = posts_to(page, f"/learn/lessons/{extinguisher.pk}/complete/")
    answers = posts_to(page, "/answer/")
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    download(page, course)
    screenshot(page, "offline-course-downloaded")

    # The quiz is started while online (the server draws its questions).
    page.goto(evacuation.url)
    page.get_by_role("link", name="进入测验").tap()
    page.get_by_role("button", name="开始测验").tap()
    expect(page.locator("fieldset.question")).to_have_count(2)
    attempt_url = page.url
    page.context.set_offline(True)
    # A phone's browser may drop its own cache at any time (WeChat does; here a
    # minute is enough for the static files): the attempt's script must come
    # from what the service worker kept. (Cleared once offline: a CDP session
    # opened before Playwright's offline switch escapes it.)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    cdp.detach()
    page.goto(course.url)
    expect(page.locator("h1")).to_have_text("消防安全基础")
    # Truly offline, the worker's own requests included: a page that was not
    # downloaded fails.
    assert page.evaluate("fetch('/healthz').then(() => 'got', () => 'failed')") == (
        "failed"
    )
    page.get_by_role("link", name="认识灭火器", exact=True).tap()
    expect(page.locator("h1")).to_have_text("认识灭火器")
    page.get_by_role("button", name="完成本课").tap()
    queued = page.locator("[data-offline-completion]")
    expect(queued).to_have_attribute("data-state", "queued")
    expect(queued).to_contain_text("联网后自动提交")
    screenshot(page, "offline-lesson-completion-queued")

    page.goto(attempt_url)
    expect(page.locator("fieldset.question")).to_have_count(2)
    attempt = Attempt.objects.get(person=trainee)
    first = AttemptQuestion.objects.get(attempt=attempt, position=1)
    choice = first.snapshot["answer"][0]
    page.locator(f'#q1 input[value="{choice}"]').check()
    expect(page.locator("[data-save-status]")).to_have_attribute(
        "data-state", "offline"
    )
    screenshot(page, "offline-quiz-answer-waiting")
    assert not LessonCompletion.objects.filter(person=trainee).exists()
    first.refresh_from_db()
    assert not first.response

    # Back online: the open attempt sends its answer; the next page sends the
    # completion.
    page.context.set_offline(False)
    expect(page.locator("[data-save-status]")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    page.goto(course.url)
    until(page, "localStorage.getItem('shouwang:completions') === '{}'")
    page.reload()
    expect(page.locator(".lessons__item--done")).to_have_count(1)
    page.wait_for_timeout(500)  # room for a second send, should there be one
    assert len(completions) == 1
    assert len(answers) == 1
    assert (
        LessonCompletion.objects.filter(person=trainee, lesson=extinguisher).count()
        == 1
    )
    first.refresh_from_db()
    assert first.response == [choice]


def test_the_downloaded_courses_are_listed_and_one_can_be_removed(
    narrow_phone, trainee, h5p_content_origin
):
    page = narrow_phone
    course = demo_fire_course(trainee)
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    download(page, course)
    page.get_by_role("link", name="本机上的课程").tap()
    items = page.locator("[data-offline-items] li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("消防安全基础")
    screenshot(page, "offline-courses-list")

    items.first.get_by_role("button", name="移除").tap()
    expect(items).to_have_count(0)
    expect(page.locator("[data-offline-empty]")).to_be_visible()
    assert (
        page.evaluate(
            "caches.keys().then(k => k.filter(n => n.startsWith('shouwang-course-')))"
        )
        == []
    )
