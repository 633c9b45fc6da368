"""The board (lms.points.selectors): counts, needs, gaps, lapsing, dispatch order,
the roster's point filter hook, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.certs.models import QualificationRecord
from lms.certs.roster import Reason, point_people
from lms.people.models import Person
from lms.points import board_cache, count_cache, scope
from lms.points.constants import Coverage
from lms.points.models import PointAssignment
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
        """Nothing kept: the board laid out and every point counted."""
        board_cache.board_changed()
        count_cache.everything_changed()
        return queries()

    def after_a_change():
        """An assignment ended and a record suspended: the board laid out from
        the kept counts, the changed points recounted (lms/points/count_cache.py:
        one query recounts them, one finds where the person serves)."""
        assignment = PointAssignment.objects.filter(point__in=points).last()
        assignment.valid_until = w.today
        assignment.save(update_fields=["valid_until"])
        record = QualificationRecord.objects.filter(
            person__point_assignments__point__in=points
        ).last()
        record.status = "suspended" if record.status == "active" else "active"
        record.save(update_fields=["status"])
        return queries()

    points = scope.points_of_station(w.station)
    queries()  # the first request of a session reads what later ones cache
    small = cold()
    # The session, permissions, roles, the form's two choices; the posts and
    # their types, the points, the needs and the counts (lms/points/selectors.py).
    assert small <= 11
    assert after_a_change() == small + 1
    warm = queries()
    assert warm <= 6  # the session, permissions, roles, the form's two choices
    _grow(w, 30, 3)
    assert cold() == small
    assert after_a_change() == small + 1
    assert queries() == warm
    _grow(w, 60, 2)
    assert cold() == small
    assert after_a_change() == small + 1
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


# --- the board counted by the database equals a count by hand ---------------------


def counted_by_hand(points, people, day, *, post=None, qualification=None):
    """The board's numbers counted in plain Python over model instances, with the
    roster's rule as the models state it (``QualificationRecord.held_on``): per
    (point code, post code) the need, assigned, deployable and lapsing in 30/60
    days, and per (organisation name, post code) assigned and deployable."""
    from lms.certs.models import Post
    from lms.people.constants import PersonStatus
    from lms.points.models import PointAssignment, PointNeed

    posts = [
        p
        for p in Post.objects.prefetch_related("required_types")
        if post is None or p.pk == post
    ]
    visible = set(people.values_list("pk", flat=True))
    windows = [day + timedelta(days=n) for n in (30, 60)]

    def deployable(person, rule, when):
        types = {t.pk for t in rule.required_types.all()}
        if qualification is not None:
            types.add(qualification)
        return person.status == PersonStatus.ACTIVE and all(
            any(
                r.held_on(when)
                for r in person.qualifications.all()
                if r.qualification_type_id == t
            )
            for t in types
        )

    serving = {}  # (point, post) -> people, each once
    for a in PointAssignment.objects.select_related("person__organisation"):
        in_force = a.valid_from <= day and (
            a.valid_until is None or day <= a.valid_until
        )
        if in_force and a.person_id in visible:
            serving.setdefault((a.point_id, a.post_id), {})[a.person_id] = a.person
    needs = list(PointNeed.objects.all())
    by_point, by_org = {}, {}
    for point in points:
        for rule in posts:
            own = [
                n.guards
                for n in needs
                if (n.point_id, n.post_id) == (point.pk, rule.pk)
            ]
            of_category = [
                n.guards
                for n in needs
                if n.point_id is None
                and (n.category, n.post_id) == (point.point_category, rule.pk)
            ]
            need = (own or of_category or [0])[0]
            people_here = serving.get((point.pk, rule.pk), {}).values()
            ready = [p for p in people_here if deployable(p, rule, day)]
            lapsing = [
                sum(1 for p in ready if not deployable(p, rule, when))
                for when in windows
            ]
            if need or people_here:
                by_point[point.code, rule.code] = (
                    need,
                    len(people_here),
                    len(ready),
                    *lapsing,
                )
            for person in people_here:
                counts = by_org.setdefault(
                    (person.organisation.name, rule.code), [0, 0]
                )
                counts[0] += 1
                counts[1] += deployable(person, rule, day)
    return by_point, {k: tuple(v) for k, v in by_org.items()}


def counted_by_board(board):
    by_point = {
        (row.code, c.post.code): (
            c.need,
            c.assigned,
            c.deployable,
            c.lapsing[30],
            c.lapsing[60],
        )
        for row in board.points
        for c in row.posts
    }
    by_org = {
        (o.name, c.post.code): (c.assigned, c.deployable)
        for o in board.organisations
        for c in o.posts
        if c.assigned
    }
    return by_point, by_org


@pytest.fixture
def edge_cases(points_world):
    """Beside points_world, at PT-A2 (category A) and a new point PT-C (category A,
    its own need for the gate): every case the count must get right."""
    from lms.certs.constants import Status
    from tests.factories import QualificationTypeFactory
    from tests.points.conftest import make_post

    w = points_world
    w.watch = make_post(code="WATCH", name="值守", required_types=[], sort_order=3)
    w.point_c = PointFactory(
        code="PT-C", name="丙点位", point_category="A", supervising_station=w.station
    )
    PointNeedFactory(category="", point=w.point_c, post=w.gate, guards=3)  # not 1
    PointNeedFactory(category="A", post=w.watch, guards=1)
    other_type = QualificationTypeFactory(code="OTHER", name="其他")

    def guard(name, *records, status="active", organisation=None):
        person = PersonFactory(
            organisation=organisation or w.company, name=name, status=status
        )
        for type_, kwargs in records:
            QualificationRecordFactory(
                person=person, qualification_type=type_, **kwargs
            )
        return person

    today = w.today
    cases = [
        # (person, post, assignment kwargs)
        (
            guard("已结束", (w.duty, {})),
            w.gate,
            {"valid_until": today - timedelta(days=1)},
        ),
        (
            guard("明日起", (w.duty, {})),
            w.gate,
            {"valid_from": today + timedelta(days=1)},
        ),
        (guard("今日止", (w.duty, {})), w.gate, {"valid_until": today}),
        (guard("已离职", (w.duty, {}), status="left"), w.gate, {}),
        (guard("停用人", (w.duty, {}), status="suspended"), w.watch, {}),
        (
            guard("证过期", (w.duty, {"valid_until": today - timedelta(days=1)})),
            w.gate,
            {},
        ),
        (guard("证暂停", (w.duty, {"status": Status.SUSPENDED})), w.gate, {}),
        (guard("证未生效", (w.duty, {"days_ago": -3})), w.gate, {}),
        (
            guard("十日到期", (w.duty, {"valid_until": today + timedelta(days=10)})),
            w.gate,
            {},
        ),
        (
            guard("三十日整", (w.duty, {"valid_until": today + timedelta(days=30)})),
            w.gate,
            {},
        ),
        (
            guard(
                "四十五日",
                (w.duty, {}),
                (w.fire, {"valid_until": today + timedelta(days=45)}),
            ),
            w.patrol,
            {},
        ),
        (
            guard(
                "已吊销换新",
                (w.duty, {"status": Status.REVOKED}),
                (w.duty, {"days_ago": 1}),
            ),
            w.gate,
            {},
        ),
        (guard("缺消防", (w.duty, {}), (other_type, {})), w.patrol, {}),
        (guard("无证值守"), w.watch, {}),
        (guard("外站人员", (w.duty, {}), organisation=w.other_company), w.gate, {}),
    ]
    for person, post, kwargs in cases:
        PointAssignmentFactory(person=person, point=w.point_c, post=post, **kwargs)
    # Twice at the same point and post (two starts, both in force): counted once.
    twice = guard("两次分配", (w.duty, {}))
    PointAssignmentFactory(person=twice, point=w.point_c, post=w.gate)
    PointAssignmentFactory(
        person=twice,
        point=w.point_c,
        post=w.gate,
        valid_from=today - timedelta(days=3),
    )
    # The same person on two posts of one point counts on both.
    PointAssignmentFactory(person=twice, point=w.point_c, post=w.watch)
    return w


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"days": 25},
        {"days": -5},
        {"post": "GATE"},
        {"qualification": "FIRE"},
        {"scope": "company"},
    ],
)
def test_the_board_counted_by_the_database_equals_a_count_by_hand(edge_cases, options):
    from lms.certs.models import Post, QualificationType

    w = edge_cases
    day = w.today + timedelta(days=options.get("days", 0))
    post = Post.objects.get(code=options["post"]).pk if "post" in options else None
    qualification = (
        QualificationType.objects.get(code=options["qualification"]).pk
        if "qualification" in options
        else None
    )
    people = (
        Person.objects.filter(organisation=w.company)
        if options.get("scope") == "company"
        else Person.objects.all()
    )
    points = scope.points_of_station(w.station)
    made = point_board(points, people, day=day, post=post, qualification=qualification)
    expected = counted_by_hand(
        points, people, day, post=post, qualification=qualification
    )
    assert counted_by_board(made) == expected
    if not options:  # the cases are there to be counted
        by_point, _by_org = expected
        # Need 3 (its own, not the category's 1). Of the 13 gate assignments 10
        # count (ended yesterday and starting tomorrow do not; twice is once), 6
        # deployable (not: left, expired, suspended, not yet valid); lapsing in
        # 30 days the one ending in 10, in 60 also the one ending on day 30.
        assert by_point["PT-C", "GATE"] == (3, 10, 6, 1, 2)
        assert by_point["PT-C", "WATCH"] == (1, 3, 2, 0, 0)


@pytest.mark.django_db
def test_the_counting_statement_is_built_once_per_scope_posts_and_day(
    points_world, monkeypatch
):
    """Each worker keeps the counting query's SQL (lms.points.selectors._counts):
    the same board again builds nothing; another day, another reader's people or
    another post's types builds its own, and the counts follow."""
    from lms.points import selectors

    w = points_world
    built = []
    make = selectors._counts_statement

    def counting(*args):
        built.append(args[3])  # the day
        return make(*args)

    monkeypatch.setattr(selectors, "_statements", {})
    monkeypatch.setattr(selectors, "_counts_statement", counting)
    first = counts(by_code(board(w))["PT-A"])
    assert counts(by_code(board(w))["PT-A"]) == first == {"GATE": (2, 2, 1, 1)}
    assert built == [w.today]
    earlier = w.today - timedelta(days=11)
    assert counts(by_code(board(w, day=earlier))["PT-A"]) == {"GATE": (2, 0, 0, 2)}
    assert built == [w.today, earlier]
    only_guard = point_board(
        scope.points_of_station(w.station),
        Person.objects.filter(pk=w.guard.pk),
        day=w.today,
    )
    assert counts(by_code(only_guard)["PT-A"]) == {"GATE": (2, 0, 0, 2)}
    assert len(built) == 3
    w.gate.required_types.clear()  # the post now requires nothing
    w.gate.save()  # a ParentalManyToManyField is written on save
    assert counts(by_code(board(w))["PT-A"]) == {"GATE": (2, 2, 2, 0)}
    assert len(built) == 4
