"""Boards counted before their readers come back (lms/points/prepared.py): the
readers of the last day are remembered, and their default boards are counted
each night for the new day and after a post changed, so that their next look
starts from kept counts."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.people.constants import Role
from lms.points import board_cache, count_cache, prepared
from tests.factories import person_with_role


def looks(client, url="/points/"):
    """(the page's HTML, how many queries it took)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


@pytest.mark.django_db
def test_a_readers_next_day_is_counted_for_them(points_world, client_for, counting):
    w = points_world
    client = client_for(w.station_staff.user)
    _html, warm = looks(client)
    _html, warm = looks(client)  # the session's first look reads what others keep
    tomorrow = (w.today + timedelta(days=1)).isoformat()
    output = call_command_output("prepare_points_boards", "--day", tomorrow)
    assert output == "boards prepared: 1\n"
    counting.clear()
    html, queries = looks(client, f"/points/?date={tomorrow}")
    assert counting == []  # nothing counted on the reader's request...
    assert queries == warm  # ...and the board itself was kept
    assert "甲点位" in html


@pytest.mark.django_db
def test_after_a_post_changed_the_readers_boards_are_counted_again(
    points_world, client_for, counting, django_capture_on_commit_callbacks
):
    w = points_world
    client = client_for(w.station_staff.user)
    looks(client)
    with django_capture_on_commit_callbacks(execute=True):
        w.gate.name = "大门门卫"
        w.gate.save()  # every kept count dropped; the task runs at once in tests
    assert counting[-1:] == ["all"]  # counted by the task
    counting.clear()
    html, _queries = looks(client)
    assert counting == []
    assert "大门门卫" in html


@pytest.mark.django_db
def test_who_is_prepared_for(points_world, client_for, monkeypatch):
    w = points_world
    looks(client_for(w.station_staff.user))
    looks(client_for(w.org_admin.user))
    assert set(prepared.recent_readers()) == {w.station_staff.user, w.org_admin.user}
    assert prepared.boards_prepare() == 2
    # A reader who may no longer read the points is skipped.
    w.org_admin.user.groups.clear()
    assert prepared.boards_prepare() == 1
    # A reader who has not looked for more than a day is forgotten.
    later = time.time() + prepared.REMEMBER_SECONDS + 1
    monkeypatch.setattr(prepared.time, "time", lambda: later)
    assert list(prepared.recent_readers()) == []


@pytest.mark.django_db
def test_the_readers_kept_are_the_latest(points_world, monkeypatch):
    w = points_world
    monkeypatch.setattr(prepared, "MAX_READERS", 2)
    readers = [
        person_with_role(
            Role.STATION_STAFF, organisation=w.station, username=f"s{n}"
        ).user
        for n in range(3)
    ]
    now = time.time()
    for n, user in enumerate(readers):
        monkeypatch.setattr(prepared.time, "time", lambda n=n: now + n)
        prepared.reader_seen(user)
    assert set(prepared.recent_readers()) == set(readers[1:])


@pytest.mark.django_db
def test_nothing_to_prepare_without_readers(points_world):
    board_cache.board_changed()
    count_cache.everything_changed()
    assert prepared.boards_prepare() == 0


def call_command_output(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
