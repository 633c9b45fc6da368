"""The instructor's live dashboard: its numbers, its lists and the actions on them
(void, excuse, mark present, close), each for the drill's instructors only."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.drills import selectors, services
from lms.drills.constants import AttendanceStatus, CheckinMethod, Flag
from lms.drills.models import Attendance
from tests.factories import DrillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(client_for, world):
    return client_for(world.instructor.user)


def walk_in(drill, person):
    attendance, _ = services.attendance_record(
        drill=drill, person=person, method="qr", scanned_at=timezone.now()
    )
    assert attendance.flags == [Flag.WALK_IN]
    return attendance


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_dashboard_lists_flagged_and_missing(instructor, world, drill):
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    walk_in(drill, world.outsider)
    page = instructor.get(reverse("drill_dashboard", args=[drill.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("drill_attendance", args=[drill.pk]) in html
    assert [a.person for a in page.context["flagged"]] == [world.outsider]
    missing = page.context["missing"]
    assert world.colleague in missing and world.trainee not in missing
    assert world.outsider.name in html and world.colleague.name in html
    part = instructor.get(reverse("drill_dashboard", args=[drill.pk]) + "?part=lists")
    assert "<html" not in part.content.decode()
    assert world.colleague.name in part.content.decode()


def test_the_feed_gives_the_dashboards_numbers(instructor, world, drill):
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    walk_in(drill, world.outsider)
    services.attendance_excuse(
        drill=drill, person=world.colleague, actor=world.instructor.user, reason="病假"
    )
    data = instructor.get(reverse("drill_attendance", args=[drill.pk])).json()
    expected = selectors.invited_people(drill).count()
    assert data["expected"] == expected
    assert (data["present"], data["flagged"], data["excused"]) == (2, 1, 1)
    assert data["missing"] == expected - 2  # the trainee came, the colleague excused
    assert all("id" in row for row in data["attendance"])


def test_void_needs_a_reason(instructor, world, drill):
    attendance = walk_in(drill, world.outsider)
    url = reverse("drill_void", args=[drill.pk])
    response = instructor.post(url, {"attendance": attendance.pk, "reason": " "})
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.voided_at is None
    response = instructor.post(
        url, {"attendance": attendance.pk, "reason": "代签"}, follow=True
    )
    attendance.refresh_from_db()
    assert attendance.voided_at and attendance.void_reason == "代签"
    assert attendance.voided_by == world.instructor.user
    assert world.outsider.name in " ".join(messages_of(response))


def test_void_refuses_another_drills_check_in(instructor, world, drill):
    other = DrillFactory(organisations=[world.company])
    attendance = walk_in(other, world.outsider)
    response = instructor.post(
        reverse("drill_void", args=[drill.pk]),
        {"attendance": attendance.pk, "reason": "x"},
        follow=True,
    )
    attendance.refresh_from_db()
    assert attendance.voided_at is None
    assert messages_of(response)


def test_excuse_needs_a_reason_and_an_invited_person(instructor, world, drill):
    url = reverse("drill_excuse", args=[drill.pk])
    instructor.post(url, {"person": world.colleague.pk, "reason": ""})
    instructor.post(url, {"person": world.outsider.pk, "reason": "病假"})
    instructor.post(url, {"person": "abc", "reason": "病假"})
    assert not Attendance.objects.exists()
    instructor.post(url, {"person": world.colleague.pk, "reason": "病假"})
    attendance = Attendance.objects.get()
    assert (attendance.person, attendance.status, attendance.note) == (
        world.colleague,
        AttendanceStatus.EXCUSED,
        "病假",
    )


def test_mark_present(instructor, world, drill):
    url = reverse("drill_present", args=[drill.pk])
    response = instructor.post(url, {"person": world.colleague.pk}, follow=True)
    attendance = Attendance.objects.get()
    assert attendance.person == world.colleague
    assert attendance.method == CheckinMethod.MANUAL
    assert attendance.recorded_by == world.instructor.user
    assert world.colleague.name in " ".join(messages_of(response))
    again = instructor.post(url, {"person": world.colleague.pk}, follow=True)
    assert Attendance.objects.count() == 1 and messages_of(again)


def test_mark_present_after_check_in_closed_is_refused(instructor, world, drill):
    drill.closed_at = timezone.now() - timedelta(minutes=1)
    drill.save()
    response = instructor.post(
        reverse("drill_present", args=[drill.pk]),
        {"person": world.colleague.pk},
        follow=True,
    )
    assert not Attendance.objects.filter(status=AttendanceStatus.PRESENT).exists()
    assert messages_of(response)


def test_close_needs_confirmation(instructor, world, drill):
    url = reverse("drill_close", args=[drill.pk])
    instructor.post(url, {})
    drill.refresh_from_db()
    assert drill.closed_at is None
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    instructor.post(url, {"confirm": "yes"})
    drill.refresh_from_db()
    assert drill.closed_at is not None and drill.closed_by == world.instructor.user
    absent = Attendance.objects.filter(status=AttendanceStatus.ABSENT)
    assert world.colleague.pk in absent.values_list("person", flat=True)
    count = Attendance.objects.count()
    response = instructor.post(url, {"confirm": "yes"}, follow=True)
    assert Attendance.objects.count() == count and messages_of(response)


@pytest.mark.parametrize(
    "name", ["drill_void", "drill_excuse", "drill_present", "drill_close"]
)
def test_actions_are_for_instructors_only(client_for, world, drill, name):
    attendance = walk_in(drill, world.outsider)
    data = {
        "attendance": attendance.pk,
        "person": world.colleague.pk,
        "reason": "x",
        "confirm": "yes",
    }
    for user in (world.trainee.user, world.org_admin.user):
        response = client_for(user).post(reverse(name, args=[drill.pk]), data)
        assert response.status_code == 403
    assert Attendance.objects.count() == 1
    drill.refresh_from_db()
    assert drill.closed_at is None
    attendance.refresh_from_db()
    assert attendance.voided_at is None


@pytest.mark.parametrize(
    "name", ["drill_void", "drill_excuse", "drill_present", "drill_close"]
)
def test_actions_need_post_and_csrf(world, drill, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.instructor.user)
    url = reverse(name, args=[drill.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"person": world.colleague.pk, "confirm": "yes"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_the_dashboard_is_for_instructors_only(client_for, world, drill):
    url = reverse("drill_dashboard", args=[drill.pk])
    assert client_for(world.trainee.user).get(url).status_code == 403
    assert client_for(world.site_admin.user).get(url).status_code == 200


def test_the_dashboard_makes_constant_queries(instructor, world, drill):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    url = reverse("drill_dashboard", args=[drill.pk])
    walk_in(drill, world.outsider)
    instructor.get(url)
    with CaptureQueriesContext(connection) as before:
        instructor.get(url)
    for _ in range(4):
        PersonFactory(organisation=world.company)
        walk_in(drill, PersonFactory(organisation=world.other_company))
    with CaptureQueriesContext(connection) as after:
        page = instructor.get(url)
    assert len(page.context["flagged"]) == 5 and len(page.context["missing"]) >= 6
    assert len(after) == len(before) <= 8


# -- The trainee's side: "My drills" on the home page -------------------------


def past_drill(world, days, hours="2"):
    from decimal import Decimal

    starts = timezone.now() - timedelta(days=days)
    return DrillFactory(
        organisations=[world.company],
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        practical_hours=Decimal(hours),
    )


def attend(drill, person, actor):
    return services.checkin_by_instructor(
        drill=drill, actor=actor, person=person, scanned_at=drill.starts_at
    )[0]


# Mid-year, so that every attended drill (days ago) falls in this calendar year.
@time_machine.travel("2026-06-15 10:00 +0800", tick=False)
def test_drills_for_lists_upcoming_and_attended_with_hours(
    world, django_assert_num_queries
):
    from decimal import Decimal

    actor = world.instructor.user
    upcoming = DrillFactory(
        organisations=[world.company],
        starts_at=timezone.now() + timedelta(days=2),
    )
    DrillFactory(
        organisations=[world.other_company],
        starts_at=timezone.now() + timedelta(days=2),
    )
    attended = [past_drill(world, 1), past_drill(world, 2, "1.5")]
    for drill in attended:
        attend(drill, world.trainee, actor)
    voided = attend(past_drill(world, 3), world.trainee, actor)
    services.attendance_void(attendance=voided, actor=actor, reason="代签")
    with django_assert_num_queries(2):
        mine = selectors.drills_for(world.trainee)
        items = [(item.drill, item.hours) for item in mine]
    assert items == [
        (upcoming, None),
        (attended[0], Decimal(2)),
        (attended[1], Decimal("1.5")),
    ]
    assert mine.hours_this_year == Decimal("3.5")


def test_home_page_shows_my_drills(client_for, world):
    drill = past_drill(world, 0)
    attend(drill, world.trainee, world.instructor.user)
    from wagtail.models import Page, Site

    from cms.models import HomePage

    if not HomePage.objects.exists():
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="守望", slug="home-test"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home},
        )
    html = client_for(world.trainee.user).get("/").content.decode()
    assert drill.title in html
    assert 'id="my-drills"' in html


def test_the_admin_links_to_the_dashboard_and_the_report(client_for, world, drill):
    client = client_for(world.instructor.user)
    listing = client.get(reverse("wagtailsnippets_drills_drill:list"))
    assert reverse("drill_dashboard", args=[drill.pk]) in listing.content.decode()
    admin_home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("drill_attendance_report") in admin_home
