"""Scan stamps serve only whoever scanned: the signed-in user, or the browser
session that scanned logged out and signed in. A forwarded link, or a page left
open for the next person on the same phone, does not pass on a scan time."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lms.drills import services, tokens
from lms.drills.constants import Refusal
from lms.drills.models import Attendance, CheckinLog
from tests.drills.test_checkin import form_stamp
from tests.factories import DrillFactory
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def drill(world):
    # Check-in opens well before the test's clock moves (20 s codes).
    now = timezone.now()
    return DrillFactory(
        organisations=[world.company],
        starts_at=now + timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
    )


def url_at(drill, at):
    return reverse("checkin", args=[tokens.token_for(drill, at)])


def page_stamp(client, url, at=None):
    """The stamp of the check-in page opened at ``at`` (the clock stopped)."""
    with time_machine.travel(at or timezone.now(), tick=False):
        page = client.get(url)
    assert page.status_code == 200
    return form_stamp(page)


def log_in(client, username):
    client.post(reverse("login"), {"username": username, "password": PASSWORD})


# --- the service ----------------------------------------------------------------


def test_a_stamp_gives_its_scan_time_only_to_its_own_user(world, drill):
    scanned = timezone.now()
    token = tokens.token_for(drill, scanned)
    stamp = tokens.scan_stamp(token, scanned, world.trainee.user_id)
    with time_machine.travel(scanned + timedelta(minutes=10), tick=False):
        with pytest.raises(tokens.TokenError) as refused:
            services.checkin_by_token(token=token, person=world.colleague, stamp=stamp)
        assert refused.value.reason == Refusal.NOT_YOUR_SCAN
        assert not Attendance.objects.exists()
        attendance, created = services.checkin_by_token(
            token=token, person=world.trainee, stamp=stamp
        )
    assert created and attendance.scanned_at == scanned


def test_someone_elses_stamp_while_the_code_is_valid_is_a_scan_made_now(world, drill):
    scanned = timezone.now()
    token = tokens.token_for(drill, scanned)
    stamp = tokens.scan_stamp(token, scanned, world.trainee.user_id)
    later = scanned + timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        attendance, created = services.checkin_by_token(
            token=token, person=world.colleague, stamp=stamp
        )
    assert created and attendance.scanned_at == later


def test_a_session_stamp_copied_out_of_its_session_serves_nobody(world, drill):
    """A stamp with no user is only honoured where the view finds it: in the
    session that scanned. Posted by anyone, it is someone else's."""
    scanned = timezone.now()
    token = tokens.token_for(drill, scanned)
    stamp = tokens.scan_stamp(token, scanned)
    with (
        time_machine.travel(scanned + timedelta(minutes=2), tick=False),
        pytest.raises(tokens.TokenError) as refused,
    ):
        services.checkin_by_token(token=token, person=world.trainee, stamp=stamp)
    assert refused.value.reason == Refusal.NOT_YOUR_SCAN


def test_an_old_or_forged_stamp_is_an_expired_code(world, drill):
    scanned = timezone.now()
    token = tokens.token_for(drill, scanned)
    stamp = tokens.scan_stamp(token, scanned, world.trainee.user_id)
    with time_machine.travel(scanned + timedelta(minutes=16), tick=False):
        for bad in (stamp, stamp[:-2] + "xx"):
            with pytest.raises(tokens.TokenError) as refused:
                services.checkin_by_token(token=token, person=world.trainee, stamp=bad)
            assert refused.value.reason == Refusal.EXPIRED


# --- the views ------------------------------------------------------------------


def test_a_forwarded_stamp_does_not_check_in_someone_else(client_for, world, drill):
    """B opens the code's page and sends the link with B's stamp to D; ten minutes
    later D's phone opens it and posts: refused, logged, nothing recorded."""
    scanned = timezone.now()
    url = url_at(drill, scanned)
    b_stamp = page_stamp(client_for(world.trainee.user), url, scanned)
    forwarded = f"{url}?scan={b_stamp}"
    d = client_for(world.colleague.user)
    with time_machine.travel(scanned + timedelta(minutes=10), tick=False):
        stamp = page_stamp(d, forwarded, scanned + timedelta(minutes=10))
        refused = d.post(url, {"scan": stamp}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 409 and refused.json()["ok"] is False
    assert escape(str(Refusal.NOT_YOUR_SCAN.label)) in refused.json()["html"]
    assert not Attendance.objects.exists()
    log = CheckinLog.objects.get()
    assert (log.reason, log.drill_id, log.user) == (
        Refusal.NOT_YOUR_SCAN,
        drill.pk,
        world.colleague.user,
    )


def test_the_owner_retries_with_the_same_stamp_after_the_code_changed(
    client_for, world, drill
):
    """The page's script posts the same stamp again after a lost connection."""
    scanned = timezone.now()
    url = url_at(drill, scanned)
    client = client_for(world.trainee.user)
    stamp = page_stamp(client, url, scanned)
    with time_machine.travel(scanned + timedelta(minutes=3), tick=False):
        done = client.post(url, {"scan": stamp}, HTTP_ACCEPT="application/json")
        again = client.post(url, {"scan": stamp}, HTTP_ACCEPT="application/json")
    assert done.json()["ok"] and again.json()["ok"]
    assert Attendance.objects.get().scanned_at == scanned


def test_the_login_url_holds_no_stamp(client, drill):
    url = url_at(drill, timezone.now())
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query) == {"next": [url]}
    assert "scan" not in response["Location"]


def test_a_forwarded_stamp_opened_logged_out_is_refused_after_login(
    client, client_for, world, drill
):
    scanned = timezone.now()
    url = url_at(drill, scanned)
    b_stamp = page_stamp(client_for(world.trainee.user), url)
    with time_machine.travel(scanned + timedelta(minutes=1), tick=False):
        assert client.get(f"{url}?scan={b_stamp}").status_code == 302
        log_in(client, "t2")
        stamp = page_stamp(client, url)
        refused = client.post(url, {"scan": stamp})
    assert refused.status_code == 409
    assert not Attendance.objects.exists()
    assert CheckinLog.objects.get().reason == Refusal.NOT_YOUR_SCAN


def test_the_next_person_on_the_same_phone_does_not_get_the_first_ones_scan(
    client, world, drill
):
    """A scans logged out, signs in and checks in, signs out; B signs in on the
    same phone: neither the page nor A's stamp gives B A's scan time."""
    scanned = timezone.now()
    url = url_at(drill, scanned)
    client.get(url)
    with time_machine.travel(scanned + timedelta(minutes=1), tick=False):
        log_in(client, "t1")
        a_stamp = page_stamp(client, url)
        assert client.post(url, {"scan": a_stamp}).status_code == 200
        client.post(reverse("logout"))
        log_in(client, "t2")
        own = client.post(url, {"scan": page_stamp(client, url)})
        assert own.status_code == 409  # a scan made now, of a code long gone
        replayed = client.post(url, {"scan": a_stamp})
        assert replayed.status_code == 409
    assert list(Attendance.objects.values_list("person", flat=True)) == [
        world.trainee.pk
    ]
    assert list(CheckinLog.objects.values_list("reason", flat=True)) == [
        Refusal.EXPIRED,
        Refusal.NOT_YOUR_SCAN,
    ]


def test_a_logged_out_scan_not_used_before_sign_out_does_not_pass_on(
    client, world, drill
):
    """A scans logged out and signs in, but signs out without checking in; B signs
    in on the same phone and opens the code's page: B's scan is now."""
    scanned = timezone.now()
    url = url_at(drill, scanned)
    client.get(url)
    with time_machine.travel(scanned + timedelta(minutes=1), tick=False):
        log_in(client, "t1")
        client.post(reverse("logout"))
        log_in(client, "t2")
        refused = client.post(url, {"scan": page_stamp(client, url)})
    assert refused.status_code == 409
    assert CheckinLog.objects.get().reason == Refusal.EXPIRED
    assert not Attendance.objects.exists()


def test_a_session_that_ended_before_the_post_keeps_the_users_scan(
    client, client_for, world, drill
):
    """The page was open, the session ended (expired, cleared): the post leads
    through the login and back, and the user's own stamp still counts."""
    scanned = timezone.now()
    url = url_at(drill, scanned)
    stamp = page_stamp(client_for(world.trainee.user), url, scanned)
    with time_machine.travel(scanned + timedelta(minutes=2), tick=False):
        assert client.post(url, {"scan": stamp}).status_code == 302
        log_in(client, "t1")
        done = client.post(url, {"scan": page_stamp(client, url)})
    assert done.status_code == 200
    assert Attendance.objects.get().scanned_at == scanned
