"""The scanner pages and the instructor's batch endpoint: badges and hand marks
queued offline on the instructor's phone, sent when it is online."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lms.drills.constants import AttendanceStatus, CheckinMethod, Refusal, WalkIns
from lms.drills.models import Attendance, CheckinLog
from lms.drills.scanning import MAX_BATCH
from lms.people.services.badges import badge_token

pytestmark = pytest.mark.django_db


def item(**fields):
    return {"id": str(uuid.uuid4()), **fields}


def send(client, drill, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(
        reverse("drill_checkins", args=[drill.pk]),
        body,
        content_type="application/json",
    )


def test_a_badge_and_a_hand_mark(client_for, world, drill):
    badge = item(badge=badge_token(world.trainee))
    hand = item(person=world.colleague.pk, scanned_at=timezone.now().isoformat())
    response = send(client_for(world.instructor.user), drill, [badge, hand])
    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first["id"] == badge["id"] and second["id"] == hand["id"]
    assert first["ok"] and first["created"] and first["name"] == world.trainee.name
    assert first["status"] == AttendanceStatus.PRESENT and first["message"]
    assert second["ok"] and second["name"] == world.colleague.name
    rows = {a.person_id: a for a in Attendance.objects.all()}
    assert rows[world.trainee.pk].method == CheckinMethod.BADGE
    assert rows[world.colleague.pk].method == CheckinMethod.MANUAL
    assert rows[world.colleague.pk].recorded_by == world.instructor.user


@pytest.mark.parametrize("who", ["trainee", "outsider"])
def test_only_the_drills_instructors(client_for, world, drill, who):
    user = getattr(world, who).user
    response = send(client_for(user), drill, [item(person=world.trainee.pk)])
    assert response.status_code == 403
    page = client_for(user).get(reverse("drill_instructor_scan", args=[drill.pk]))
    assert page.status_code == 403
    assert not Attendance.objects.exists()


def test_training_managers_may_too(client_for, world, drill):
    response = send(client_for(world.site_admin.user), drill, [item(person=1)])
    assert response.status_code == 200


def test_csrf_is_required(world, drill):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.instructor.user)
    response = send(client, drill, [item(person=world.trainee.pk)])
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_a_forged_badge_is_refused_and_logged(client_for, world, drill):
    forged = badge_token(world.trainee)[:-2] + "xx"
    response = send(client_for(world.instructor.user), drill, [item(badge=forged)])
    (result,) = response.json()["results"]
    assert not result["ok"] and result["status"] == Refusal.FORGED
    assert result["message"]
    assert not Attendance.objects.exists()
    log = CheckinLog.objects.get()
    assert (log.reason, log.drill, log.detail) == (Refusal.FORGED, drill, "badge")


def test_an_item_sent_twice_is_accepted_once(client_for, world, drill):
    """The answer was lost on the way back: the phone sends the item again."""
    client = client_for(world.instructor.user)
    again = item(badge=badge_token(world.trainee))
    first = send(client, drill, [again]).json()["results"][0]
    second = send(client, drill, [again, again]).json()["results"]
    assert first["created"] is True
    assert [r["ok"] for r in second] == [True, True]
    assert [r["created"] for r in second] == [False, False]
    assert Attendance.objects.count() == 1


def test_a_scan_time_in_the_future_is_capped_at_now(client_for, world, drill):
    future = (timezone.now() + timedelta(hours=3)).isoformat()
    before = timezone.now()
    send(
        client_for(world.instructor.user),
        drill,
        [item(person=world.trainee.pk, scanned_at=future)],
    )
    attendance = Attendance.objects.get()
    assert before <= attendance.scanned_at <= timezone.now()
    assert attendance.status == AttendanceStatus.PRESENT


def test_an_offline_scan_keeps_its_time_and_the_window_decides(
    client_for, world, drill
):
    client = client_for(world.instructor.user)
    earlier = timezone.now() - timedelta(minutes=2)
    before_opening = drill.checkin_opens_at - timedelta(minutes=1)
    results = send(
        client,
        drill,
        [
            item(person=world.trainee.pk, scanned_at=earlier.isoformat()),
            item(person=world.colleague.pk, scanned_at=before_opening.isoformat()),
        ],
    ).json()["results"]
    assert results[0]["ok"] and not results[1]["ok"]
    assert results[1]["status"] == Refusal.NOT_OPEN
    attendance = Attendance.objects.get()
    assert abs((attendance.scanned_at - earlier).total_seconds()) < 1


def test_walk_ins_refused_when_the_drill_says_so(client_for, world, drill):
    drill.walk_ins = WalkIns.REFUSE
    drill.save()
    results = send(
        client_for(world.instructor.user), drill, [item(person=world.outsider.pk)]
    ).json()["results"]
    assert results[0]["status"] == Refusal.NOT_INVITED
    assert results[0]["name"] == world.outsider.name


@pytest.mark.parametrize(
    "body",
    ["{not json", json.dumps({"id": "x", "person": 1}), "[]"],
    ids=["bad-json", "not-a-list", "empty"],
)
def test_unusable_batches(client_for, world, drill, body):
    response = send(client_for(world.instructor.user), drill, body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Attendance.objects.exists()


def test_too_many_items(client_for, world, drill):
    batch = [item(person=world.trainee.pk) for _ in range(MAX_BATCH + 1)]
    response = send(client_for(world.instructor.user), drill, batch)
    assert response.status_code == 400
    assert str(MAX_BATCH) in response.json()["error"]
    assert not Attendance.objects.exists()


def test_bad_items_are_answered_without_holding_up_the_rest(client_for, world, drill):
    bad = [
        item(),  # neither badge nor person
        item(badge="SWB1:x", person=world.trainee.pk),  # both
        item(person="12"),
        item(person=10**9),  # nobody
        item(person=world.trainee.pk, scanned_at="yesterday"),
        item(person=world.trainee.pk, scanned_at="2026-01-01T10:00:00"),  # naive
        {"id": "x" * 65, "person": world.trainee.pk},
        "just a string",
    ]
    good = item(person=world.colleague.pk)
    results = send(client_for(world.instructor.user), drill, [*bad, good]).json()[
        "results"
    ]
    assert len(results) == len(bad) + 1
    assert all(not r["ok"] and r["status"] == Refusal.MALFORMED for r in results[:-1])
    assert [r["id"] for r in results[:6]] == [b["id"] for b in bad[:6]]
    assert results[-1]["ok"] and results[-1]["id"] == good["id"]
    assert list(Attendance.objects.values_list("person", flat=True)) == [
        world.colleague.pk
    ]


def test_the_scanner_pages(client, client_for, world, drill):
    assert client.get(reverse("drill_scanner")).status_code == 302
    page = client_for(world.trainee.user).get(reverse("drill_scanner"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "vendor/jsqr/jsQR.js" in html and reverse("checkin_code") in html
    send(client_for(world.instructor.user), drill, [item(person=world.trainee.pk)])
    page = client_for(world.instructor.user).get(
        reverse("drill_instructor_scan", args=[drill.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("drill_checkins", args=[drill.pk]) in html
    assert world.trainee.name in html and world.colleague.name in html
    assert world.outsider.name not in html  # not invited
    assert 'class="is-done"' in html


def test_searching_anyone_by_name_or_phone(client_for, world, drill):
    world.outsider.phone = "13800001234"
    world.outsider.save()
    client = client_for(world.instructor.user)
    url = reverse("drill_people_search", args=[drill.pk])
    by_phone = client.get(url, {"q": "1234"}).json()["people"]
    assert [p["id"] for p in by_phone] == [world.outsider.pk]
    assert by_phone[0]["phone"] == "1234"
    by_name = client.get(url, {"q": world.outsider.name}).json()["people"]
    assert world.outsider.pk in [p["id"] for p in by_name]
    assert client.get(url, {"q": "x"}).json()["people"] == []
    assert client_for(world.trainee.user).get(url, {"q": "1234"}).status_code == 403


def test_a_scan_arriving_after_closing_does_not_undo_absent(client_for, world, drill):
    """Scanned while open, sent after the drill was closed and the person marked
    absent: the dashboard changes that, not a late sync."""
    from lms.drills import services

    scanned = timezone.now() - timedelta(minutes=1)
    services.drill_close(drill=drill, actor=world.instructor.user)
    results = send(
        client_for(world.instructor.user),
        drill,
        [item(person=world.trainee.pk, scanned_at=scanned.isoformat())],
    ).json()["results"]
    assert results[0]["ok"] is False and results[0]["created"] is False
    assert results[0]["status"] == AttendanceStatus.ABSENT
    assert Attendance.objects.get(person=world.trainee).status == "absent"


def test_thousands_of_nested_brackets_are_refused_not_a_server_error(
    client_for, world, drill
):
    """100,000 ``[`` (under the size cap) made the JSON parser recurse out."""
    client = client_for(world.instructor.user)
    client.raise_request_exception = False
    response = send(client, drill, "[" * 100_000)
    assert response.status_code == 400
    assert (
        "nested" in response.json()["error"].lower()
        or "嵌套" in (response.json()["error"])
    )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_a_batch_that_is_not_sent_as_json_is_refused(
    client_for, world, drill, content_type
):
    """Valid JSON sent as text or as a form (what a cross-site form can send) is
    not processed: 415."""
    body = json.dumps([item(person=world.trainee.pk)])
    response = client_for(world.instructor.user).generic(
        "POST",
        reverse("drill_checkins", args=[drill.pk]),
        body,
        content_type=content_type,
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["error"]
    assert not Attendance.objects.exists()


def test_a_body_too_large_says_so_in_kilobytes(client_for, world, drill):
    """One item of 300 KB: not "at most 200 items", but the body's size (413)."""
    from lms.drills.scanning import MAX_BODY_BYTES

    body = json.dumps([item(badge="SWB1:" + "x" * 300_000)])
    client = client_for(world.instructor.user)
    with translation.override("en"):
        response = send(client, drill, body)
    assert response.status_code == 413
    error = response.json()["error"]
    assert "KB" in error and str(MAX_BODY_BYTES // 1024) in error
    assert str(MAX_BATCH) not in error
    assert not Attendance.objects.exists()


def test_batch_errors_are_in_the_users_language(client_for, world, drill):
    client = client_for(world.instructor.user)
    response = client.generic(
        "POST",
        reverse("drill_checkins", args=[drill.pk]),
        "[]",
        content_type="text/plain",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 415
    with translation.override("zh-hans"):
        assert response.json()["error"] == gettext(
            "Send the check-ins as JSON (Content-Type: application/json)."
        )
    assert response.json()["error"] != (
        "Send the check-ins as JSON (Content-Type: application/json)."
    )
