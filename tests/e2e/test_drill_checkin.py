"""Checking in to a drill in a real browser: a trainee scans the code on the
display with the in-app scanner (a fake camera that films the QR code), a trainee
scans while logged out and signs in, and an instructor marks someone by hand while
the phone is offline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lms.drills import tokens
from lms.drills.constants import CheckinMethod
from lms.drills.models import Attendance
from lms.people.constants import Role
from tests.e2e.conftest import (
    TRAINEE_PHONE,
)
from tests.e2e.test_login import sign_in
from tests.factories import DrillFactory, person_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def drill(trainee):
    # Codes that last five minutes: the fake camera films one code for the whole
    # test, whatever the window.
    return DrillFactory(organisations=[trainee.organisation], token_seconds=300)


def checkin_path(drill):
    return f"/c/{tokens.token_for(drill, timezone.now())}"


def test_a_trainee_scans_the_display_with_the_in_app_scanner(
    camera_phone, live_server, trainee, drill
):
    page = camera_phone(live_server.url + checkin_path(drill))
    page.goto("/login/?next=/drills/scan/")
    sign_in(page, TRAINEE_PHONE)
    expect(page).to_have_url(re.compile(r"/drills/scan/$"))
    # The scanner finds the code and opens the /c/ link, which checks in.
    expect(page.locator("[data-checkin]")).to_have_attribute(
        "data-checkin", "ok", timeout=15_000
    )
    attendance = Attendance.objects.get()
    assert attendance.person == trainee and attendance.drill == drill
    assert attendance.method == CheckinMethod.QR


def test_a_logged_out_trainee_scans_then_signs_in(phone, trainee, drill):
    path = checkin_path(drill)
    phone.goto(path)
    expect(phone).to_have_url(re.compile(r"/login/\?next="))
    sign_in(phone, TRAINEE_PHONE)
    expect(phone.locator("[data-checkin]")).to_have_attribute("data-checkin", "ok")
    assert Attendance.objects.get().person == trainee


def test_a_logged_out_scan_counts_at_the_scan_after_the_code_changed(
    phone, live_server, trainee
):
    """The phone scans a 20-second code logged out; signing in takes two minutes.
    The scan travels in the session, not in any URL the trainee could forward, and
    the check-in counts at the time of the scan."""
    import time_machine

    drill = DrillFactory(organisations=[trainee.organisation], token_seconds=20)
    scanned = timezone.now()
    path = f"/c/{tokens.token_for(drill, scanned)}"
    with time_machine.travel(scanned, tick=True):
        phone.goto(path)
        expect(phone).to_have_url(re.compile(r"/login/\?next="))
    assert "scan" not in phone.url
    with time_machine.travel(scanned + timedelta(minutes=2), tick=True):
        sign_in(phone, TRAINEE_PHONE)
        expect(phone.locator("[data-checkin]")).to_have_attribute("data-checkin", "ok")
        assert "scan" not in phone.url
    attendance = Attendance.objects.get()
    assert attendance.person == trainee
    assert abs((attendance.scanned_at - scanned).total_seconds()) < 5


def test_a_check_in_lost_to_the_network_is_sent_again(phone, trainee, drill):
    """The first post never reaches the server (no signal): the page says so,
    keeps the scan and sends it again by itself."""
    path = checkin_path(drill)
    dropped = []

    def drop_first_post(route):
        if route.request.method == "POST" and not dropped:
            dropped.append(route.request.url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    phone.route(re.compile(r".*/c/[^/?]+(\?.*)?$"), drop_first_post)
    phone.goto(path)
    sign_in(phone, TRAINEE_PHONE)
    expect(phone.locator("[data-checkin-status]")).to_be_visible()
    expect(phone.locator("[data-checkin]")).to_have_attribute(
        "data-checkin", "ok", timeout=10_000
    )
    assert dropped and Attendance.objects.get().person == trainee


QUEUED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("shouwang-drills");
  open.onerror = reject;
  open.onsuccess = () => {
    const all = open.result.transaction("checkin-queue").objectStore("checkin-queue")
      .getAll();
    all.onsuccess = () => resolve(all.result.map((item) => item.person));
  };
})"""


def queued_in_indexeddb(page):
    return page.evaluate(QUEUED)


def test_an_instructor_marks_someone_by_hand_while_offline(phone, trainee, drill):
    instructor = person_with_role(Role.INSTRUCTOR, username="instructor1")
    drill.instructors.add(instructor.user)
    phone.goto("/login/")
    sign_in(phone, "instructor1")
    expect(phone).to_have_url(re.compile(r"/admin/"))
    phone.goto(f"/drills/{drill.pk}/scan/")
    queue = phone.locator("[data-queue]")
    expect(queue).to_have_attribute("data-count", "0")

    phone.context.set_offline(True)
    phone.locator("[data-search]").fill(trainee.name)
    row = phone.locator(f'[data-people] [data-person="{trainee.pk}"]')
    expect(phone.locator("[data-people] [data-person]:visible")).to_have_count(1)
    row.locator("[data-mark]").click()
    entry = phone.locator("[data-results] li").first
    expect(entry).to_have_attribute("data-state", "waiting")
    expect(queue).to_have_attribute("data-count", "1")
    expect(queue).to_have_attribute("data-state", "waiting")
    assert queued_in_indexeddb(phone) == [trainee.pk]  # kept across a reload
    assert not Attendance.objects.exists()

    phone.context.set_offline(False)
    expect(entry).to_have_attribute("data-state", "ok", timeout=15_000)
    expect(entry).to_contain_text(trainee.name)
    expect(queue).to_have_attribute("data-count", "0")
    assert queued_in_indexeddb(phone) == []
    attendance = Attendance.objects.get()
    assert attendance.person == trainee
    assert attendance.method == CheckinMethod.MANUAL
    assert attendance.recorded_by == instructor.user
    expect(phone.locator("[data-results] li")).to_have_count(1)
