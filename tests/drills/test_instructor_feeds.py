"""What the instructor's display and dashboard read: the current code by the
server's clock, and the attendance, for the drill's instructors only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.drills import services, tokens

pytestmark = pytest.mark.django_db


def test_the_display_feed_gives_the_servers_current_code(client_for, world, drill):
    client = client_for(world.instructor.user)
    data = client.get(reverse("drill_token", args=[drill.pk])).json()
    assert data["open"] is True
    assert data["token"] == tokens.token_for(drill, timezone.now())
    assert data["url"].endswith(reverse("checkin", args=[data["token"]]))
    assert data["code"] == tokens.text_code_for(drill, timezone.now())
    assert data["svg"].startswith("<svg") and 0 <= data["seconds_left"] <= 20
    page = client.get(reverse("drill_display", args=[drill.pk])).content.decode()
    assert reverse("drill_token", args=[drill.pk]) in page


def test_two_displays_show_the_same_code(client_for, world, drill):
    """A refreshed or second display never makes its own batch of codes."""
    a = client_for(world.instructor.user).get(reverse("drill_token", args=[drill.pk]))
    b = client_for(world.site_admin.user).get(reverse("drill_token", args=[drill.pk]))
    assert a.json()["token"] == b.json()["token"]


def test_the_attendance_feed_counts(client_for, world, drill):
    services.attendance_record(
        drill=drill, person=world.trainee, method="qr", scanned_at=timezone.now()
    )
    data = (
        client_for(world.instructor.user)
        .get(reverse("drill_attendance", args=[drill.pk]))
        .json()
    )
    from lms.people.models import Person

    # the drill invites world.company: everyone in it is expected
    assert data["expected"] == Person.objects.filter(organisation=world.company).count()
    assert data["present"] == 1 and data["expected"] == 4
    assert data["attendance"][0]["name"] == world.trainee.name


@pytest.mark.parametrize("name", ["drill_token", "drill_attendance", "drill_display"])
def test_trainees_cannot_read_the_feeds(client_for, world, drill, name):
    response = client_for(world.trainee.user).get(reverse(name, args=[drill.pk]))
    assert response.status_code == 403


def test_instructors_list_drills_with_a_link_to_the_display(client_for, world, drill):
    page = client_for(world.instructor.user).get(
        reverse("wagtailsnippets_drills_drill:list")
    )
    assert page.status_code == 200
    assert reverse("drill_display", args=[drill.pk]) in page.content.decode()
