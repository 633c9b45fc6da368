"""The board kept in the cache (lms/points/board_cache.py): a warm board equals a
fresh count, every kind of change reaches it, a cache that is down only costs the
count, and readers of two stations never share an entry."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.certs.services.issuing import record_suspend
from lms.people.constants import PersonStatus
from lms.people.models import Person
from lms.points import board_cache, scope, services
from lms.points.constants import AssignmentEnd
from lms.points.selectors import point_board
from tests.factories import (
    PersonFactory,
    QualificationRecordFactory,
)


def cached(w, **options):
    options.setdefault("day", w.today)
    return board_cache.board_and_map(
        scope.points_of_station(w.station),
        Person.objects.all(),
        day_query="?date=x",
        **options,
    )[0]


def fresh(w, **options):
    options.setdefault("day", w.today)
    return point_board(
        scope.points_of_station(w.station), Person.objects.all(), **options
    )


def shown(board):
    """Everything the page shows of a board."""
    return (
        board.day,
        [p.pk for p in board.posts],
        [
            (
                p.code,
                p.name,
                p.category,
                p.latitude,
                p.longitude,
                p.state,
                [
                    (c.post.pk, c.need, c.assigned, c.deployable, c.lapsing)
                    for c in p.posts
                ],
            )
            for p in board.points
        ],
        [(c.need, c.assigned, c.deployable, c.lapsing) for c in board.totals],
        [
            (o.name, [(c.assigned, c.deployable) for c in o.posts])
            for o in board.organisations
        ],
    )


def warm(w, **options):
    """The board from the cache: counted once, then read without a query."""
    cached(w, **options)
    with CaptureQueriesContext(connection) as captured:
        board = cached(w, **options)
    assert len(captured) == 0
    return board


def deployable_at(board, code, post_code="GATE"):
    row = next(p for p in board.points if p.code == code)
    return {c.post.code: (c.assigned, c.deployable) for c in row.posts}[post_code]


@pytest.mark.django_db
def test_the_cached_board_equals_a_fresh_count(points_world):
    w = points_world
    for options in (
        {},
        {"post": w.gate.pk},
        {"post": w.gate.pk, "qualification": w.fire.pk},
        {"day": w.today + timedelta(days=25)},
        {"near": (22.545, 114.049), "radius_km": 1.0},
    ):
        assert shown(warm(w, **options)) == shown(fresh(w, **options))
    # The filters are in the key: each has its own entry.
    assert deployable_at(warm(w, post=w.gate.pk, qualification=w.fire.pk), "PT-A") == (
        2,
        0,
    )
    assert deployable_at(warm(w), "PT-A") == (2, 1)


@pytest.mark.django_db
def test_an_assignment_made_and_ended_reaches_the_board(points_world):
    w = points_world
    assert deployable_at(warm(w), "PT-A") == (2, 1)
    newcomer = PersonFactory(organisation=w.company)
    QualificationRecordFactory(person=newcomer, qualification_type=w.duty)
    assignment = services.assignment_create(
        person=newcomer,
        point=w.point,
        post=w.gate,
        valid_from=w.today - timedelta(days=5),
        actor=w.station_staff.user,
    )
    assert deployable_at(warm(w), "PT-A") == (3, 2)
    services.assignment_end(
        assignment=assignment,
        last_day=w.today - timedelta(days=1),
        reason=AssignmentEnd.OTHER,
        actor=w.station_staff.user,
    )
    assert deployable_at(warm(w), "PT-A") == (2, 1)
    assert shown(warm(w)) == shown(fresh(w))


@pytest.mark.django_db
def test_a_suspended_record_reaches_the_board(points_world):
    w = points_world
    assert deployable_at(warm(w), "PT-A") == (2, 1)
    record = w.trainee.qualifications.get(qualification_type=w.duty)
    record_suspend(record=record, actor=w.station_staff.user, reason="核查")
    assert deployable_at(warm(w), "PT-A") == (2, 0)


@pytest.mark.django_db
def test_a_person_who_left_reaches_the_board(points_world):
    w = points_world
    assert deployable_at(warm(w), "PT-A2") == (1, 1)
    w.guard.status = PersonStatus.LEFT
    w.guard.save(update_fields=["status"])
    assert deployable_at(warm(w), "PT-A2") == (1, 0)


@pytest.mark.django_db
def test_a_save_of_other_fields_of_a_person_keeps_the_board(points_world):
    w = points_world
    warm(w)
    before = cache.get(board_cache.GENERATION_KEY)
    w.guard.save(update_fields=["name"])
    assert cache.get(board_cache.GENERATION_KEY) == before


@pytest.mark.django_db
def test_a_changed_need_reaches_the_board(points_world):
    w = points_world
    row = next(p for p in warm(w).points if p.code == "PT-A")
    assert (row.need, row.gap) == (2, 1)
    services.need_set(post=w.gate, guards=1, category="B", actor=w.site_admin.user)
    row = next(p for p in warm(w).points if p.code == "PT-A")
    assert (row.need, row.gap) == (1, 0)


@pytest.mark.django_db
def test_a_cache_that_is_down_counts_every_time(points_world, monkeypatch):
    w = points_world
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    stored = []
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: stored.append(args))
    with CaptureQueriesContext(connection) as captured:
        board = cached(w)
    assert len(captured) > 0
    assert stored == []
    assert shown(board) == shown(fresh(w))


@pytest.mark.django_db
def test_readers_of_two_stations_share_no_entry(points_world, client_for):
    from lms.people.constants import Role
    from tests.factories import person_with_role

    w = points_world
    first = client_for(w.station_staff.user)
    assert "甲点位" in first.get("/points/").content.decode()
    staff = person_with_role(
        Role.STATION_STAFF, organisation=w.other_station, username="ss2"
    )
    html = client_for(staff.user).get("/points/").content.decode()
    assert "乙口岸点位" in html
    assert "甲点位" not in html and "甲商场点位" not in html
    # And the first station's page is still its own, from the cache.
    html = first.get("/points/").content.decode()
    assert "甲点位" in html and "乙口岸点位" not in html


@pytest.mark.django_db
def test_the_admins_coverage_page_reads_the_same_board(points_world, client_for):
    w = points_world
    client = client_for(w.site_admin.user)
    shown = []
    for _ in range(2):  # counted, then from the cache
        response = client.get("/admin/points/coverage/")
        assert response.status_code == 200
        html = response.content.decode()
        shown.append(html[html.index('class="card points-dashboard"') :])
    assert "甲点位" in shown[0]  # PT-A, short, among the gaps by point
    assert shown[0] == shown[1]
