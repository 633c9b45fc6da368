"""What a trainee reads about their own drills: their own status on the home page
(checked in, late, absent, excused) whether or not they were invited, and
refusals of a typed code that say what happened and what to do next."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.drills import selectors, services, tokens
from lms.drills.constants import (
    REFUSAL_NEXT_STEP,
    AttendanceStatus,
    MyDrillStatus,
    Refusal,
)
from lms.drills.models import Attendance, CheckinLog
from tests.factories import DrillFactory

pytestmark = pytest.mark.django_db


def status_of(person, drill):
    (item,) = [i for i in selectors.drills_for(person) if i.drill == drill]
    return item.status


def test_an_invited_trainee_who_checked_in_reads_checked_in(world, drill):
    assert status_of(world.trainee, drill) == MyDrillStatus.OPEN
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    assert status_of(world.trainee, drill) == MyDrillStatus.CHECKED_IN


def test_a_walk_in_reads_the_same_as_an_invited_trainee(world, drill):
    services.attendance_record(
        drill=drill, person=world.outsider, method="qr", scanned_at=timezone.now()
    )
    assert status_of(world.outsider, drill) == MyDrillStatus.CHECKED_IN


def test_late_excused_and_absent_read_as_such(world):
    now = timezone.now()
    late = DrillFactory(
        organisations=[world.company], starts_at=now - timedelta(minutes=30)
    )
    services.attendance_record(
        drill=late, person=world.trainee, method="qr", scanned_at=now
    )
    excused = DrillFactory(organisations=[world.company])
    services.attendance_excuse(
        drill=excused, person=world.trainee, actor=world.instructor.user, reason="病假"
    )
    closed = DrillFactory(
        organisations=[world.company], starts_at=now - timedelta(days=2)
    )
    services.drill_close(drill=closed, actor=world.instructor.user)
    assert status_of(world.trainee, late) == MyDrillStatus.LATE
    assert status_of(world.trainee, excused) == MyDrillStatus.EXCUSED
    assert status_of(world.trainee, closed) == MyDrillStatus.ABSENT


def test_a_drill_before_check_in_opens_is_upcoming_and_after_it_closes_missed(world):
    soon = DrillFactory(
        organisations=[world.company],
        starts_at=timezone.now() + timedelta(days=1),
    )
    assert status_of(world.trainee, soon) == MyDrillStatus.UPCOMING
    item = selectors.MyDrillItem(soon, None, soon.ends_at + timedelta(minutes=1))
    assert item.status == MyDrillStatus.NOT_CHECKED_IN


def test_a_voided_check_in_no_longer_shows(world, drill):
    attendance, _ = services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    services.attendance_void(
        attendance=attendance, actor=world.instructor.user, reason="代签"
    )
    assert status_of(world.trainee, drill) == MyDrillStatus.OPEN


def test_the_home_page_says_checked_in_after_the_check_in(client_for, world, drill):
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    html = client_for(world.trainee.user).get("/").content.decode()
    assert f'data-drill="{drill.pk}" data-my-status="present"' in html
    assert str(MyDrillStatus.CHECKED_IN.label) in html
    assert str(MyDrillStatus.UPCOMING.label) not in html


def post_code(client, code):
    return client.post(reverse("checkin_code"), {"code": code})


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("AB", Refusal.CODE_SHORT), ("ABCDEFG", Refusal.CODE_SHORT)],
)
def test_a_short_or_long_code_says_so(client_for, world, drill, typed, reason):
    response = post_code(client_for(world.trainee.user), typed)
    assert response.status_code == 409
    assert response.context["reason"] == reason
    html = response.content.decode()
    assert str(reason.label) in html and str(REFUSAL_NEXT_STEP[reason]) in html
    assert str(Refusal.EXPIRED.label) not in html
    assert CheckinLog.objects.get().reason == reason


def test_a_wrong_code_says_wrong_not_expired(client_for, world, drill):
    code = tokens.text_code_for(drill, timezone.now())
    wrong = "".join("A" if ch != "A" else "B" for ch in code)
    response = post_code(client_for(world.trainee.user), wrong)
    assert response.context["reason"] == Refusal.CODE_WRONG
    assert str(Refusal.EXPIRED.label) not in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_code_typed_full_width_or_spaced_counts(client_for, world, drill):
    code = tokens.text_code_for(drill, timezone.now())
    full_width = " ".join(chr(ord(ch) + 0xFEE0) for ch in code.lower())
    response = post_code(client_for(world.trainee.user), full_width)
    assert 'data-checkin="ok"' in response.content.decode()
    assert Attendance.objects.get().person == world.trainee


def test_a_second_person_on_the_same_phone_is_shown_the_way_in(
    client_for, world, drill
):
    """The phone already checked in its owner: rescanning cannot help the
    colleague, so the answer says why and offers the colleague's badge."""
    first = client_for(world.trainee.user)
    code = tokens.text_code_for(drill, timezone.now())
    post_code(first, code)
    second = client_for(world.colleague.user)
    second.cookies["shouwang_device"] = first.cookies["shouwang_device"].value
    response = post_code(second, code)
    assert response.context["reason"] == Refusal.DEVICE_USED
    html = response.content.decode()
    assert str(REFUSAL_NEXT_STEP[Refusal.DEVICE_USED]) in html
    assert reverse("my_badge") in html
    assert str(REFUSAL_NEXT_STEP[Refusal.EXPIRED]) not in html


def test_every_refusal_has_a_next_step():
    assert set(REFUSAL_NEXT_STEP) == set(Refusal)


def test_figures_add_up_with_walk_ins_apart(world, drill):
    now = timezone.now()
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=now
    )
    services.attendance_excuse(
        drill=drill, person=world.colleague, actor=world.instructor.user, reason="病假"
    )
    services.attendance_record(
        drill=drill, person=world.outsider, method="qr", scanned_at=now
    )
    invited = set(selectors.invited_people(drill).values_list("pk", flat=True))
    rows = [
        {"person": a.person_id, "status": a.status, "voided": a.voided_at is not None}
        for a in Attendance.objects.filter(drill=drill)
    ]
    figures = selectors.attendance_figures(rows, invited)
    assert figures["walk_ins"] == 1 and figures["excused"] == 1
    assert figures["attended"] == 1 and figures["late"] == 0
    assert figures["expected"] == len(invited)
    assert (
        figures["attended"] + figures["excused"] + figures["missing"]
        == figures["expected"]
    )


def test_the_feed_gives_the_figures(client_for, world, drill):
    now = timezone.now()
    for person in (world.trainee, world.outsider):
        services.attendance_record(
            drill=drill, person=person, method="qr", scanned_at=now
        )
    data = (
        client_for(world.instructor.user)
        .get(reverse("drill_attendance", args=[drill.pk]))
        .json()
    )
    figures = data["figures"]
    assert figures["attended"] == 1 and figures["walk_ins"] == 1
    assert (
        figures["attended"] + figures["excused"] + figures["missing"]
        == (data["expected"])
    )
    assert Attendance.objects.filter(status=AttendanceStatus.PRESENT).count() == 2
