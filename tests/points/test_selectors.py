"""The board (lms.points.selectors): counts, needs, gaps, lapsing, dispatch order,
the roster's point filter hook, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.certs.roster import Reason, point_people
from lms.people.models import Person
from lms.points import board_cache, scope
from lms.points.constants import Coverage
from lms.points.selectors import point_board
from lms.points.selectors import point_people as people_at
from tests.factories import (
    PersonFactory,
    PointAssignmentFactory,
    PointFactory,
    PointNeedFactory,
    PointSiteFactory,
    QualificationRecordFactory,
)


def board(w, **kwargs):
    kwargs.setdefault("day", w.today)
    return point_board(
        scope.points_of_station(w.station), Person.objects.all(), **kwargs
    )


def by_code(board):
    return {row.code: row for row in board.points}


def counts(row):
    return {c.post.code: (c.need, c.assigned, c.deployable, c.gap) for c in row.posts}


@pytest.mark.django_db
def test_counts_needs_and_gaps(points_world):
    w = points_world
    rows = by_code(board(w))
    assert set(rows) == {"PT-A", "PT-A2"}  # never the other station's point
    assert counts(rows["PT-A"]) == {"GATE": (2, 2, 1, 1)}
    assert rows["PT-A"].state == Coverage.SHORT
    assert counts(rows["PT-A2"]) == {"GATE": (1, 1, 1, 0), "PATROL": (1, 1, 1, 0)}
    assert rows["PT-A2"].state == Coverage.MET


@pytest.mark.django_db
def test_a_point_need_overrides_its_category(points_world):
    w = points_world
    PointNeedFactory(category="", point=w.point, post=w.gate, guards=1)
    assert by_code(board(w))["PT-A"].state == Coverage.MET


@pytest.mark.django_db
def test_the_day_decides_who_counts(points_world):
    w = points_world
    # Before the assignments started nobody is there; after the guard's duty
    # qualification ends, PT-A2 is short on both posts.
    before = by_code(board(w, day=w.today - timedelta(days=11)))
    assert counts(before["PT-A"]) == {"GATE": (2, 0, 0, 2)}
    later = by_code(board(w, day=w.today + timedelta(days=25)))
    assert counts(later["PT-A2"]) == {"GATE": (1, 1, 0, 1), "PATROL": (1, 1, 0, 1)}


@pytest.mark.django_db
def test_lapsing_within_the_windows(points_world):
    w = points_world
    totals = {c.post.code: c for c in board(w).totals}
    assert totals["GATE"].deployable == 2
    assert totals["GATE"].lapsing == {30: 1, 60: 1}  # the guard, not the trainee
    assert totals["PATROL"].lapsing == {30: 1, 60: 1}
    orgs = {o.name: o for o in board(w).organisations}
    assert [c.deployable for c in orgs["甲保安公司"].posts] == [2, 1]


@pytest.mark.django_db
def test_near_keeps_the_radius_nearest_first(points_world):
    w = points_world
    # 22.545,114.049 is 100 m from PT-A2 and 1.9 km from PT-A.
    rows = board(w, near=(22.545, 114.049), radius_km=3).points
    assert [r.code for r in rows] == ["PT-A2", "PT-A"]
    assert rows[0].distance_km == pytest.approx(0.103, abs=0.01)
    assert [r.code for r in board(w, near=(22.545, 114.049), radius_km=1).points] == [
        "PT-A2"
    ]
    rows = board(w, near=(22.5451, 114.0301), radius_km=3).points
    assert [r.code for r in rows] == ["PT-A", "PT-A2"]


@pytest.mark.django_db
def test_post_and_qualification_narrow_the_count(points_world):
    w = points_world
    rows = by_code(board(w, post=w.gate.pk))
    assert set(counts(rows["PT-A2"])) == {"GATE"}
    # Counting only gate guards who also hold FIRE: the trainee drops out.
    rows = by_code(board(w, post=w.gate.pk, qualification=w.fire.pk))
    assert counts(rows["PT-A"]) == {"GATE": (2, 2, 0, 2)}
    assert counts(rows["PT-A2"]) == {"GATE": (1, 1, 1, 0)}


@pytest.mark.django_db
def test_counts_stay_within_the_readers_people(points_world):
    w = points_world
    rows = by_code(
        point_board(
            scope.points_of_station(w.station),
            Person.objects.filter(pk=w.guard.pk),
            day=w.today,
        )
    )
    assert counts(rows["PT-A"]) == {"GATE": (2, 0, 0, 2)}


@pytest.mark.django_db
def test_a_points_people_carry_the_rosters_reasons(points_world):
    w = points_world
    rows = {
        r.row.person.pk: r
        for r in people_at(w.point, Person.objects.all(), day=w.today)
    }
    assert rows[w.trainee.pk].standing.deployable
    colleague = rows[w.colleague.pk].standing
    assert not colleague.deployable
    assert [m.reason for m in colleague.reasons] == [Reason.MISSING]


@pytest.mark.django_db
def test_the_roster_point_filter_is_the_assignment(points_world):
    w = points_world
    ids = set(point_people(w.point.pk, w.today).values_list("person_id", flat=True))
    assert ids == {w.trainee.pk, w.colleague.pk}
    assert not point_people(w.point.pk, w.today - timedelta(days=30)).exists()


def _grow(w, points, people_per_point):
    for n in range(points):
        point = PointFactory(
            supervising_station=w.station, point_category="ABCD"[n % 4]
        )
        PointSiteFactory(point=point, latitude=f"22.5{n:03d}", longitude="114.03")
        PointNeedFactory(category="", point=point, post=w.patrol, guards=2)
        for _m in range(people_per_point):
            PointAssignmentFactory(
                person=PersonFactory(organisation=w.company), point=point, post=w.gate
            )


@pytest.mark.django_db
def test_a_constant_number_of_queries(points_world, client_for):
    w = points_world
    client = client_for(w.station_staff.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/points/")
        assert response.status_code == 200
        return len(captured)

    def cold():
        board_cache.board_changed()  # the board is counted again
        return queries()

    queries()  # the first request of a session reads what later ones cache
    small = cold()
    assert small <= 14
    warm = queries()
    assert warm <= 6  # the session, permissions, roles, the form's two choices
    _grow(w, 30, 3)
    assert cold() == small
    assert queries() == warm
    _grow(w, 60, 2)
    assert cold() == small
    assert queries() == warm


@pytest.mark.django_db
def test_the_board_agrees_with_the_rosters_verdicts(points_world):
    w = points_world
    # A suspended person and a record that starts tomorrow: both not deployable.
    late = PersonFactory(organisation=w.company, status="suspended")
    QualificationRecordFactory(person=late, qualification_type=w.duty)
    PointAssignmentFactory(person=late, point=w.point_a, post=w.gate)
    soon = PersonFactory(organisation=w.company)
    QualificationRecordFactory(person=soon, qualification_type=w.duty, days_ago=-1)
    PointAssignmentFactory(person=soon, point=w.point_a, post=w.gate)
    everyone = Person.objects.all()
    for point in (w.point, w.point_a):
        row = by_code(board(w))[point.code]
        people = people_at(point, everyone, day=w.today)
        for count in row.posts:
            verdicts = [
                p.standing.deployable
                for p in people
                if p.assignment.post_id == count.post.pk
            ]
            assert count.assigned == len(verdicts)
            assert count.deployable == sum(verdicts)
