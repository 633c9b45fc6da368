"""A check-in answered 503, 502 or 504 (a database restarting, an app server going
away) is sent again by the page with the same scan stamp, saying "正在重试", and
counts at the time of the scan (static/js/checkin.js)."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.drills import tokens
from lms.drills.models import Attendance
from tests.e2e.conftest import TRAINEE_PHONE
from tests.e2e.test_login import sign_in
from tests.factories import DrillFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# static/js/checkin.js RETRY_MS: the waits before the first three retries, each
# spread by up to +/-30 %; the first answer asks for 10 s (Retry-After), which wins.
RETRY_MS = [10_000, 4000, 8000]
JITTER = 0.3
# What the server (or nginx in front of it) answers to the first three posts: the
# app's JSON 503 (database down), then nginx's pages for a dead or slow app server.
REFUSALS = [
    (503, "application/json", '{"error": "service_unavailable"}'),
    (502, "text/html", "<html><body>502 Bad Gateway</body></html>"),
    (504, "text/html", "<html><body>504 Gateway Time-out</body></html>"),
]


def test_a_check_in_answered_5xx_is_retried_with_its_scan_time(narrow_phone, trainee):
    page = narrow_phone
    drill = DrillFactory(organisations=[trainee.organisation], token_seconds=300)
    token = tokens.token_for(drill, timezone.now())
    stamps = []  # the scan stamp of every check-in post, in order

    def server_busy_three_times(route):
        if route.request.method != "POST":
            route.continue_()
            return
        stamps.append(parse_qs(route.request.post_data)["scan"][0])
        if len(stamps) <= len(REFUSALS):
            status, content_type, body = REFUSALS[len(stamps) - 1]
            headers = {"Retry-After": "10"} if len(stamps) == 1 else {}
            route.fulfill(
                status=status, content_type=content_type, body=body, headers=headers
            )
        else:
            route.continue_()

    page.route(re.compile(r".*/c/[^/?]+$"), server_busy_three_times)
    page.goto("/login/")
    sign_in(page, TRAINEE_PHONE)
    expect(page).to_have_url(re.compile(r"/$"))

    # The page's timers run on a clock that only the test moves, so that the
    # backoff costs no real time and a slow machine cannot move it either (with
    # the clock flowing, a loaded machine's pauses between two steps of this
    # test counted toward the page's waits).
    page.clock.install()
    page.clock.pause_at(datetime.now(tz=UTC) + timedelta(seconds=1))
    page.goto(f"/c/{token}")
    page.clock.run_for(400)  # the page posts by itself 300 ms after it opens
    status = page.locator("[data-checkin-status]")
    for attempt in range(len(REFUSALS)):
        for _poll in range(200):  # this post has been answered 503
            if len(stamps) > attempt:
                break
            page.wait_for_timeout(50)
        assert len(stamps) == attempt + 1
        expect(status).to_be_visible()
        expect(status).to_contain_text("正在重试")
        expect(status).to_contain_text("服务器")  # the server's text, not "no signal"
        assert not Attendance.objects.exists()
        # Not before the shortest wait the jitter allows, surely after the longest.
        page.clock.fast_forward(int(RETRY_MS[attempt] * (1 - JITTER)) - 100)
        page.wait_for_timeout(200)
        assert len(stamps) == attempt + 1, "retried before the wait it was asked"
        page.clock.fast_forward(int(RETRY_MS[attempt] * 2 * JITTER) + 200)

    expect(page.locator("[data-checkin]")).to_have_attribute("data-checkin", "ok")
    assert len(stamps) == len(REFUSALS) + 1
    assert len(set(stamps)) == 1  # the same scan, sent again
    attendance = Attendance.objects.get()
    assert attendance.person == trainee
    assert attendance.scanned_at == tokens.read_stamp(stamps[0], token).at
