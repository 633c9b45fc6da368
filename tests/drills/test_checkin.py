"""Checking in: by the QR link, through a login, by the text code; the records it
makes and the ones it refuses."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lms.drills import services, tokens
from lms.drills.constants import (
    AttendanceStatus,
    Flag,
    MyDrillStatus,
    Refusal,
    WalkIns,
)
from lms.drills.models import Attendance, CheckinLog
from tests.concurrency import run_concurrently
from tests.factories import DrillFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(world):
    """Overrides the drill in tests/drills/conftest.py: this one has no instructor."""
    return DrillFactory(organisations=[world.company])


def form_stamp(page):
    """The scan stamp in the check-in page's form, as the phone posts it."""
    found = re.search(r'name="scan" value="([^"]*)"', page.content.decode())
    return html.unescape(found.group(1))


def checkin_url(drill, at=None):
    return reverse("checkin", args=[tokens.token_for(drill, at or timezone.now())])


def test_get_shows_the_drill_and_changes_nothing(client_for, world, drill):
    page = client_for(world.trainee.user).get(checkin_url(drill))
    assert page.status_code == 200 and drill.title in page.content.decode()
    assert 'name="scan"' in page.content.decode()
    assert not Attendance.objects.exists()


def test_posting_checks_in_once(client_for, world, drill):
    client = client_for(world.trainee.user)
    url = checkin_url(drill)
    first = client.post(url)
    assert 'data-checkin="ok"' in first.content.decode()
    again = client.post(url)
    assert 'data-checkin="ok"' in again.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.person, attendance.status) == (world.trainee, "present")
    assert attendance.device and attendance.ip == "127.0.0.1"


def test_the_page_script_gets_the_result_card_as_json(client_for, world, drill):
    """checkin.js posts with Accept: application/json and shows the card it gets;
    a refusal comes the same way, with its status."""
    client = client_for(world.trainee.user)
    done = client.post(checkin_url(drill), HTTP_ACCEPT="application/json")
    assert done.status_code == 200 and done.json()["ok"] is True
    assert 'data-checkin="ok"' in done.json()["html"]
    assert "<html" not in done.json()["html"]
    # UTF-8, not \uXXXX escapes: half the bytes over a weak signal.
    assert drill.title in done.content.decode() and b"\\u" not in done.content
    assert Attendance.objects.filter(person=world.trainee).count() == 1
    stale = checkin_url(drill, timezone.now() - timedelta(minutes=5))
    refused = client.post(stale, HTTP_ACCEPT="application/json")
    assert refused.status_code == 409 and refused.json()["ok"] is False
    assert 'data-checkin="refused"' in refused.json()["html"]
    assert str(Refusal.EXPIRED.label) in refused.json()["html"]


def test_each_json_card_shows_its_own_check_in(client_for, world):
    """The card the script gets is rendered once per drill, status and language and
    reused: each person still sees their own time, status and language, and the
    drill's title escaped."""
    import time_machine

    now = timezone.now().replace(second=0, microsecond=0)
    drill = DrillFactory(
        organisations=[world.company],
        title="<b>夜间</b> drill",
        starts_at=now - timedelta(minutes=30),
    )
    cards = []
    for minute, (person, language) in enumerate(
        [
            (world.trainee, "zh-hans"),
            (world.colleague, "zh-hans"),
            (world.trainee, "en"),
        ]
    ):
        at = now + timedelta(minutes=minute)
        with time_machine.travel(at, tick=False):
            answer = client_for(person.user).post(
                checkin_url(drill),
                HTTP_ACCEPT="application/json",
                HTTP_ACCEPT_LANGUAGE=language,
            )
        cards.append((answer.json()["html"], timezone.localtime(at).strftime("%H:%M")))
    (first, first_at), (second, second_at), (again, _) = cards
    assert first_at in first and second_at in second and second_at not in first
    assert "&lt;b&gt;夜间&lt;/b&gt; drill" in first and "<b>" not in first
    already = "This drill already had your record; nothing changed."
    with translation.override("zh-hans"):
        assert str(MyDrillStatus.LATE.label) in first
        assert str(MyDrillStatus.LATE.label) in second
        assert gettext(already) not in first and gettext(already) not in second
    with translation.override("en"):
        assert str(MyDrillStatus.LATE.label) in again and already in again
        assert first_at in again  # the time of the first check-in, which stands


def test_a_logged_out_scan_counts_at_the_time_it_was_made(client, world, drill):
    """The code on screen is scanned logged out; logging in takes a minute; the
    check-in still counts, at the scan time."""
    from tests.factories.people import PASSWORD

    scanned = timezone.now()
    url = checkin_url(drill, scanned)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    login = client.post(response["Location"], {"username": "t1", "password": PASSWORD})
    next_url = login["Location"]
    # Back to the code's page; the scan is kept in the session, not in the URL.
    assert next_url == url
    page = client.get(next_url)
    stamp = form_stamp(page)
    # the token's windows are long gone by the time the form is sent
    later = scanned + timedelta(minutes=2)
    import time_machine

    with time_machine.travel(later, tick=False):
        done = client.post(url, {"scan": stamp})
    assert 'data-checkin="ok"' in done.content.decode()
    attendance = Attendance.objects.get()
    assert abs((attendance.scanned_at - scanned).total_seconds()) < 1


def test_an_expired_code_is_refused_and_logged(client_for, world, drill):
    old = checkin_url(drill, timezone.now() - timedelta(minutes=2))
    response = client_for(world.trainee.user).post(old)
    assert response.status_code == 409
    assert 'data-checkin="refused"' in response.content.decode()
    assert not Attendance.objects.exists()
    assert CheckinLog.objects.get().reason == Refusal.EXPIRED


@pytest.mark.parametrize("token", ["garbage", "999999-1-0123456789abcdef"])
def test_malformed_and_unknown_tokens(client_for, world, token):
    response = client_for(world.trainee.user).post(reverse("checkin", args=[token]))
    assert response.status_code == 400
    assert not Attendance.objects.exists()
    assert CheckinLog.objects.count() == 1


def test_late_and_closed(client_for, world):
    now = timezone.now()
    late = DrillFactory(
        organisations=[world.company], starts_at=now - timedelta(minutes=30)
    )
    client = client_for(world.trainee.user)
    client.post(checkin_url(late))
    assert Attendance.objects.get(drill=late).status == AttendanceStatus.LATE
    closed = DrillFactory(organisations=[world.company], closed_at=now)
    response = client_for(world.colleague.user).post(checkin_url(closed))
    assert response.status_code == 409
    assert not Attendance.objects.filter(drill=closed).exists()


def test_walk_ins_are_flagged_or_refused_as_the_drill_says(client_for, world, drill):
    client_for(world.outsider.user).post(checkin_url(drill))
    assert Attendance.objects.get().flags == [Flag.WALK_IN]
    strict = DrillFactory(organisations=[world.company], walk_ins=WalkIns.REFUSE)
    response = client_for(world.outsider.user).post(checkin_url(strict))
    assert response.status_code == 409
    assert not Attendance.objects.filter(drill=strict).exists()


def test_one_phone_checks_in_one_person(client_for, world, drill):
    first = client_for(world.trainee.user)
    first.post(checkin_url(drill))
    device_cookie = first.cookies["shouwang_device"].value
    friend = client_for(world.colleague.user)
    friend.cookies["shouwang_device"] = device_cookie  # the same phone
    response = friend.post(checkin_url(drill))
    assert response.status_code == 409
    assert Attendance.objects.count() == 1
    assert CheckinLog.objects.get().reason == Refusal.DEVICE_USED


def test_location_is_coarse_and_far_away_is_flagged(client_for, world, drill):
    client_for(world.trainee.user).post(
        checkin_url(drill),
        {"consent": "yes", "latitude": "22.6012345", "longitude": "114.0209876"},
    )
    attendance = Attendance.objects.get()
    assert str(attendance.latitude) == "22.601"
    assert attendance.distance_m > drill.radius_m
    assert Flag.OUTSIDE_AREA in attendance.flags


def test_no_location_without_consent(client_for, world, drill):
    client_for(world.trainee.user).post(
        checkin_url(drill), {"latitude": "22.6", "longitude": "114.0"}
    )
    assert Attendance.objects.get().latitude is None


def test_the_text_code(client_for, world, drill):
    client = client_for(world.trainee.user)
    code = tokens.text_code_for(drill, timezone.now())
    response = client.post(reverse("checkin_code"), {"code": code.lower()})
    assert 'data-checkin="ok"' in response.content.decode()
    wrong = client_for(world.colleague.user).post(
        reverse("checkin_code"), {"code": "ZZZZZZ"}
    )
    assert wrong.status_code == 409
    assert Attendance.objects.count() == 1


def test_closing_marks_the_missing_absent(world, drill):
    services.attendance_record(
        drill=drill,
        person=world.trainee,
        method="qr",
        scanned_at=timezone.now(),
    )
    marked = services.drill_close(drill=drill, actor=world.instructor.user)
    absent = Attendance.objects.filter(drill=drill, status=AttendanceStatus.ABSENT)
    assert marked == absent.count() >= 1
    assert world.colleague in {a.person for a in absent}
    assert Attendance.objects.get(drill=drill, person=world.trainee).status == "present"


def test_voiding_keeps_the_row_with_who_and_why(world, drill):
    attendance, _ = services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    services.attendance_void(
        attendance=attendance, actor=world.instructor.user, reason="代签"
    )
    attendance.refresh_from_db()
    assert attendance.voided_by == world.instructor.user and not attendance.counts


@pytest.mark.django_db(transaction=True)
def test_the_check_in_path_makes_two_queries(
    client_for, world, django_assert_num_queries
):
    """The session and the INSERT (the issue allows three): the drill comes from
    the cache, warmed by the page's GET, and the user with person too when any
    page loaded them in the last minutes (here /c/, typing the code). The page's
    GET itself reads only the session. A transactional test, so that the INSERT
    runs outside any transaction, as in production (no savepoint queries)."""
    drill = DrillFactory(organisations=[world.company])
    client = client_for(world.trainee.user)
    client.get(reverse("checkin_code"))
    client.get(checkin_url(drill))
    with django_assert_num_queries(2):
        response = client.post(checkin_url(drill), HTTP_ACCEPT="application/json")
    assert response.json()["ok"] is True
    # The user not in the cache: one more, the user with person; still three.
    other = DrillFactory(organisations=[world.company])
    colleague = client_for(world.colleague.user)
    colleague.get(checkin_url(other))
    with django_assert_num_queries(3):
        response = colleague.post(checkin_url(other), HTTP_ACCEPT="application/json")
    assert response.json()["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_scans_make_one_row():
    drill = DrillFactory()
    person = PersonFactory()

    def scan():
        services.checkin_by_token(
            token=tokens.token_for(drill, timezone.now()), person=person
        )

    errors = run_concurrently(*[scan] * 8)
    assert not errors
    assert Attendance.objects.filter(drill=drill, person=person).count() == 1


def test_an_instructor_checks_in_a_badge_even_later_from_an_offline_queue(world, drill):
    from lms.people.services.badges import badge_token

    scanned = timezone.now() - timedelta(minutes=3)
    attendance, created = services.checkin_by_instructor(
        drill=drill,
        actor=world.instructor.user,
        badge=badge_token(world.trainee),
        scanned_at=scanned,
    )
    assert created and attendance.scanned_at == scanned
    assert attendance.method == "badge" and attendance.recorded_by_id
    # the queue is sent again after a timeout: accepted once
    again, created = services.checkin_by_instructor(
        drill=drill,
        actor=world.instructor.user,
        badge=badge_token(world.trainee),
        scanned_at=scanned,
    )
    assert not created and again.pk == attendance.pk
    with pytest.raises(services.CheckinRefused):
        services.checkin_by_instructor(
            drill=drill, actor=world.instructor.user, badge="SWB1:forged"
        )


@pytest.mark.django_db(transaction=True)
def test_the_post_reads_the_cache_once(client_for, world, settings, cache_calls):
    """With production's session engine the post reads the session, the drill and
    the user in one cache round trip (they were three); a stamp made for someone
    else costs the user's read apart, and the session still decides who posts."""
    settings.SESSION_ENGINE = "lms.core.sessions"
    drill = DrillFactory(organisations=[world.company])
    client = client_for(world.trainee.user)
    client.get(reverse("checkin_code"))  # any page: the user in the cache
    page = client.get(checkin_url(drill))  # the drill in the cache
    cache_calls.clear()
    response = client.post(
        checkin_url(drill), {"scan": form_stamp(page)}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["ok"] is True
    assert cache_calls == ["get_many"]

    colleague = client_for(world.colleague.user)
    colleague.get(reverse("checkin_code"))
    cache_calls.clear()
    response = colleague.post(
        checkin_url(drill), {"scan": form_stamp(page)}, HTTP_ACCEPT="application/json"
    )
    assert cache_calls == ["get_many", "get_many"]
    # Within the code's window it counts as the colleague's own scan made now.
    assert response.json()["ok"] is True
    assert Attendance.objects.filter(drill=drill).count() == 2
    assert Attendance.objects.filter(drill=drill, person=world.colleague).exists()
