"""Bad input to the drills pages is answered with a message, never a server error
or a half-written row."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.drills import selectors, services, tokens
from lms.drills.constants import AttendanceStatus, Refusal
from lms.drills.models import Attendance, CheckinLog
from tests.factories import DrillFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture
def instructor(client_for, world):
    return client_for(world.instructor.user)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    "token",
    [
        "²-1-" + "a" * 16,  # str.isdigit() but not int()
        "１２-３-" + "a" * 16,  # full-width digits
        f"{HUGE}-1-" + "a" * 16,
        "1-2-" + "a" * 5000,
        "é" * 3000,
    ],
)
def test_odd_tokens_are_refused_as_unreadable(client_for, world, drill, token):
    client = client_for(world.trainee.user)
    for method in (client.get, client.post):
        response = method(reverse("checkin", args=[token]))
        assert response.status_code == 400
        assert str(Refusal.MALFORMED.label) in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("code", ["", "   ", "²²²²²²", "x" * 5000, "码" * 6])
def test_odd_text_codes_are_refused(client_for, world, drill, code):
    response = client_for(world.trainee.user).post(
        reverse("checkin_code"), {"code": code}
    )
    assert response.status_code == 409
    assert response.context["message"] and response.context["next_step"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "-1", "abc", "", "1.5", "²"])
def test_odd_ids_in_dashboard_posts(instructor, world, drill, value):
    for name, data in [
        ("drill_void", {"attendance": value, "reason": "x"}),
        ("drill_excuse", {"person": value, "reason": "x"}),
        ("drill_present", {"person": value}),
        ("drill_skills", {"attendance": value}),
    ]:
        response = instructor.post(reverse(name, args=[drill.pk]), data, follow=True)
        assert response.status_code == 200, name
        assert messages_of(response), name
    assert not Attendance.objects.exists()


def test_missing_fields_in_dashboard_posts(instructor, drill):
    for name in ("drill_void", "drill_excuse", "drill_present", "drill_close"):
        response = instructor.post(reverse(name, args=[drill.pk]), follow=True)
        assert response.status_code == 200 and messages_of(response), name
    drill.refresh_from_db()
    assert drill.closed_at is None


def test_a_huge_drill_id_is_not_found(instructor):
    assert instructor.get(f"/drills/{HUGE}/dashboard/").status_code == 404


def test_another_drills_attendance_is_not_voided(instructor, world, drill):
    other = DrillFactory(organisations=[world.company])
    attendance, _ = services.attendance_record(
        drill=other, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    response = instructor.post(
        reverse("drill_void", args=[drill.pk]),
        {"attendance": attendance.pk, "reason": "proxy"},
        follow=True,
    )
    assert len(messages_of(response)) == 1
    attendance.refresh_from_db()
    assert attendance.voided_at is None


def test_a_long_void_reason_is_cut_not_refused(instructor, world, drill):
    attendance, _ = services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    instructor.post(
        reverse("drill_void", args=[drill.pk]),
        {"attendance": attendance.pk, "reason": "长" * 1000},
    )
    attendance.refresh_from_db()
    assert attendance.voided_at is not None and len(attendance.void_reason) == 200


def send(client, drill, items):
    return client.post(
        reverse("drill_checkins", args=[drill.pk]),
        json.dumps(items),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    "scanned_at",
    [
        "2026-13-45T25:61:00+08:00",  # the right shape, impossible values
        "2026-02-30T10:00:00Z",
        "not a time",
        "2026-01-01T10:00:00",  # no time zone
        12345,
    ],
)
def test_malformed_offline_scan_times(instructor, world, drill, scanned_at):
    item = {"id": str(uuid.uuid4()), "person": world.trainee.pk}
    item["scanned_at"] = scanned_at
    response = send(instructor, drill, [item])
    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert result["id"] == item["id"]
    assert not result["ok"] and result["status"] == Refusal.MALFORMED
    assert not Attendance.objects.exists()


def test_huge_person_ids_in_the_batch(instructor, drill):
    items = [{"id": "a", "person": 10**30}, {"id": "b", "person": -(10**30)}]
    response = send(instructor, drill, items)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["malformed"] * 2


def test_the_batch_reads_people_in_one_query(instructor, world, drill):
    people = [world.trainee, world.colleague, world.outsider]
    items = [{"id": str(p.pk), "person": p.pk} for p in people]
    selectors.drill_for_checkin(drill.pk)  # the invitations, cached
    with CaptureQueriesContext(connection) as queries:
        response = send(instructor, drill, items)
    assert len(response.json()["results"]) == 3
    assert Attendance.objects.count() == 3
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "people_person"')
    ]
    assert len(reads) == 1, reads


def test_a_drill_without_invitations(instructor, world):
    drill = DrillFactory()
    drill.instructors.add(world.instructor.user)
    for name in ("drill_dashboard", "drill_instructor_scan", "drill_skills"):
        assert instructor.get(reverse(name, args=[drill.pk])).status_code == 200
    feed = instructor.get(reverse("drill_attendance", args=[drill.pk])).json()
    assert feed["expected"] == 0 and feed["missing"] == 0
    response = instructor.post(
        reverse("drill_close", args=[drill.pk]), {"confirm": "yes"}, follow=True
    )
    assert len(messages_of(response)) == 1
    drill.refresh_from_db()
    assert drill.closed_at is not None and not Attendance.objects.exists()
    assert not CheckinLog.objects.exists()


def test_excusing_does_not_overwrite_a_check_in(instructor, world, drill):
    attendance, _ = services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    response = instructor.post(
        reverse("drill_excuse", args=[drill.pk]),
        {"person": world.trainee.pk, "reason": "sick"},
        follow=True,
    )
    attendance.refresh_from_db()
    assert attendance.status == AttendanceStatus.PRESENT
    assert messages_of(response)


def test_the_code_form_sets_the_same_device_cookie_as_the_qr_link(
    client_for, world, drill
):
    code = tokens.text_code_for(drill, timezone.now())
    response = client_for(world.trainee.user).post(
        reverse("checkin_code"), {"code": code.lower()}
    )
    assert response.status_code == 200
    cookie = response.cookies["shouwang_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_dashboard_reads_only_flagged_check_ins(world, drill):
    present, _ = services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    walk_in, _ = services.attendance_record(
        drill=drill, person=world.outsider, method="qr", scanned_at=timezone.now()
    )
    assert selectors.dashboard_of(drill)["flagged"] == [walk_in]
    services.attendance_void(
        attendance=walk_in, actor=world.instructor.user, reason="x"
    )
    assert selectors.dashboard_of(drill)["flagged"] == []
    assert present.flags == []
