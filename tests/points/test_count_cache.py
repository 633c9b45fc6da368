"""The board's counts kept between changes (lms/points/count_cache.py): a change
recounts the points it touches and nothing else, the kept counts always equal a
fresh count, a day not counted yet starts from the day before's, and whatever
cannot be applied change by change (a post changed, a lost mark, too many marks,
a cache that cannot count atomically) recounts everything."""

import random
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from lms.certs.constants import Source, Status
from lms.certs.services.engine import qualifications_issue
from lms.certs.services.issuing import record_reinstate, record_suspend, records_expire
from lms.people.constants import CredentialKind, PersonStatus
from lms.people.selectors import people_visible_to
from lms.points import board_cache, count_cache, scope, services
from lms.points.constants import AssignmentEnd
from lms.points.selectors import _points_changed_between, point_board
from tests.factories import (
    ExternalCredentialFactory,
    PersonFactory,
    PointAssignmentFactory,
    PointFactory,
    QualificationRecordFactory,
)
from tests.points.test_board_cache import shown


def board(w, people=None, **options):
    """The station's board as the page reads it (the board's own entry dropped,
    so that the counts are read from their cache)."""
    board_cache.board_changed()
    return point_board(
        scope.points_of_station(w.station),
        people_visible_to(w.station_staff.user) if people is None else people,
        day=options.pop("day", w.today),
        **options,
    )


def read(w, counting, **options):
    """(the board read through the kept counts, what was counted for it); the
    board is asserted equal to a fresh count of everything."""
    counting.clear()
    kept = board(w, **options)
    done = list(counting)
    counting.fresh = True
    try:
        assert shown(kept) == shown(board(w, **options))
    finally:
        counting.fresh = False
    return kept, done


def at(board, code, post_code="GATE"):
    row = next(p for p in board.points if p.code == code)
    return {c.post.code: (c.assigned, c.deployable) for c in row.posts}[post_code]


@pytest.mark.django_db
def test_nothing_changed_counts_nothing(points_world, counting):
    w = points_world
    assert read(w, counting)[1] == ["all"]
    assert read(w, counting)[1] == []
    # A need is the board's, not the counts'.
    services.need_set(post=w.gate, guards=1, category="B", actor=w.site_admin.user)
    assert read(w, counting)[1] == []


@pytest.mark.django_db
def test_an_assignment_recounts_its_point(points_world, counting):
    w = points_world
    read(w, counting)
    newcomer = PersonFactory(organisation=w.company)
    QualificationRecordFactory(person=newcomer, qualification_type=w.duty)
    made = services.assignment_create(
        person=newcomer,
        point=w.point,
        post=w.gate,
        valid_from=w.today - timedelta(days=5),
        actor=w.station_staff.user,
    )
    kept, done = read(w, counting)
    assert done == [{w.point.pk}]  # the record issued before: nowhere yet
    assert at(kept, "PT-A") == (3, 2)
    services.assignment_end(
        assignment=made,
        last_day=w.today - timedelta(days=1),
        reason=AssignmentEnd.OTHER,
        actor=w.station_staff.user,
    )
    kept, done = read(w, counting)
    assert done == [{w.point.pk}]
    assert at(kept, "PT-A") == (2, 1)


@pytest.mark.django_db
def test_an_assignment_moved_recounts_both_points(points_world, counting):
    w = points_world
    read(w, counting)
    assignment = w.trainee.point_assignments.get()
    assignment.point = w.point_a
    assignment.save()
    kept, done = read(w, counting)
    assert done == [{w.point.pk, w.point_a.pk}]
    assert at(kept, "PT-A") == (1, 0)
    assert at(kept, "PT-A2") == (2, 2)
    # One made here, counted, then moved without being read from the database.
    made = PointAssignmentFactory(person=w.colleague, point=w.point_a, post=w.patrol)
    assert read(w, counting)[1] == [{w.point_a.pk}]
    made.point = w.point
    made.save()
    kept, done = read(w, counting)
    assert done == [{w.point.pk, w.point_a.pk}]


@pytest.mark.django_db
def test_a_record_recounts_where_its_holder_serves(points_world, counting):
    w = points_world
    read(w, counting)
    record = w.trainee.qualifications.get(qualification_type=w.duty)
    record_suspend(record=record, actor=w.station_staff.user, reason="核查")
    kept, done = read(w, counting)
    assert done == [{w.point.pk}]
    assert at(kept, "PT-A") == (2, 0)
    record_reinstate(record=record, actor=w.station_staff.user, reason="核查完毕")
    kept, done = read(w, counting)
    assert done == [{w.point.pk}]
    assert at(kept, "PT-A") == (2, 1)


@pytest.mark.django_db
def test_a_person_who_left_or_changed_employer_is_recounted(points_world, counting):
    w = points_world
    read(w, counting)
    w.guard.status = PersonStatus.LEFT
    w.guard.save(update_fields=["status"])
    kept, done = read(w, counting)
    assert done == [{w.point_a.pk}]
    assert at(kept, "PT-A2") == (1, 0)
    # Moved to the other station's company: out of this station's people.
    w.trainee.organisation = w.other_company
    w.trainee.save()
    kept, done = read(w, counting)
    assert done == [{w.point.pk}]
    assert at(kept, "PT-A") == (1, 0)
    # A save of other fields changes no count.
    w.colleague.save(update_fields=["name"])
    assert read(w, counting)[1] == []


@pytest.mark.django_db
def test_a_company_changed_recounts_where_its_people_serve(points_world, counting):
    w = points_world
    read(w, counting)
    w.company.name = "甲保安服务公司"
    w.company.save()
    kept, done = read(w, counting)
    assert len(done) == 1 and {w.point.pk, w.point_a.pk} <= done[0]
    assert "甲保安服务公司" in [o.name for o in kept.organisations]
    # Moved under the other station: its people leave this station's scope.
    w.company.supervising_station = w.other_station
    w.company.save()
    kept, done = read(w, counting)
    assert "all" not in done
    assert not kept.organisations


@pytest.mark.django_db
def test_a_point_moved_in_or_out_of_a_dispatch_radius(points_world, counting):
    w = points_world
    near = {"near": (22.545, 114.03), "radius_km": 1.0}
    kept, _done = read(w, counting, **near)
    assert [p.code for p in kept.points] == ["PT-A"]
    site = w.point_a.site
    site.longitude = "114.031000"  # PT-A2 moved next to PT-A
    site.save()
    kept, done = read(w, counting, **near)
    assert done == [{w.point_a.pk}]
    assert at(kept, "PT-A2") == (1, 1)
    site.longitude = "114.050000"  # and back, 2 km away
    site.save()
    kept, done = read(w, counting, **near)
    assert done == [{w.point_a.pk}]
    assert [p.code for p in kept.points] == ["PT-A"]
    assert [o.posts[0].assigned for o in kept.organisations] == [2]


@pytest.mark.django_db
def test_a_new_point_is_counted_and_a_post_recounts_everything(points_world, counting):
    w = points_world
    read(w, counting)
    point = PointFactory(code="PT-NEW", supervising_station=w.station)
    PointAssignmentFactory(person=w.colleague, point=point, post=w.gate)
    kept, done = read(w, counting)
    assert done == [{point.pk}]
    assert at(kept, "PT-NEW") == (1, 0)
    w.gate.name = "大门门卫"
    w.gate.save()
    assert read(w, counting)[1] == ["all"]


@pytest.mark.django_db
def test_the_next_days_count_starts_from_the_days_before(points_world, counting):
    w = points_world
    tomorrow = w.today + timedelta(days=1)
    # The guard's duty record ends today: held today, not tomorrow.
    ending = PersonFactory(organisation=w.company)
    QualificationRecordFactory(
        person=ending, qualification_type=w.duty, valid_until=w.today
    )
    PointAssignmentFactory(person=ending, point=w.point_a, post=w.gate)
    assert at(read(w, counting)[0], "PT-A2") == (2, 2)
    kept, done = read(w, counting, day=tomorrow)
    assert done == [{w.point_a.pk}]
    assert at(kept, "PT-A2") == (2, 1)
    # And back, and to a day too far to start from: everything.
    assert read(w, counting)[1] == []  # today's entry is still there
    assert read(w, counting, day=w.today + timedelta(days=30))[1] == ["all"]


@pytest.mark.django_db
def test_what_changes_between_two_days(points_world):
    w = points_world
    today, tomorrow = w.today, w.today + timedelta(days=1)
    points = scope.points_of_station(w.station)
    needed = {w.gate.pk: (w.duty.pk,), w.patrol.pk: (w.duty.pk, w.fire.pk)}

    def changed():
        found = _points_changed_between(points, needed, today, tomorrow)
        assert found == _points_changed_between(points, needed, tomorrow, today)
        return found

    assert changed() == set()
    cases = [
        # An assignment starting tomorrow, one ending today.
        lambda p: PointAssignmentFactory(
            person=PersonFactory(), point=p, post=w.gate, valid_from=tomorrow
        ),
        lambda p: PointAssignmentFactory(
            person=PersonFactory(),
            point=p,
            post=w.gate,
            valid_from=today - timedelta(days=3),
            valid_until=today,
        ),
        # Records of someone serving there: starting tomorrow, ending today,
        # entering the 30- and the 60-day window.
        lambda p: _serving(w, p, days_ago=-1),
        lambda p: _serving(w, p, valid_until=today),
        lambda p: _serving(w, p, valid_until=today + timedelta(days=30)),
        lambda p: _serving(w, p, valid_until=today + timedelta(days=60)),
    ]
    for case in cases:
        point = PointFactory(supervising_station=w.station)
        case(point)
        assert point.pk in changed()
    # Not a boundary: a record ending in 20 days, an other station's point, a
    # type no post requires.
    quiet = PointFactory(supervising_station=w.station)
    _serving(w, quiet, valid_until=today + timedelta(days=20))
    elsewhere = PointFactory(supervising_station=w.other_station)
    _serving(w, elsewhere, valid_until=today)
    other_type = PointFactory(supervising_station=w.station)
    _serving(w, other_type, valid_until=today, qualification_type=None)
    assert not {quiet.pk, elsewhere.pk, other_type.pk} & changed()


def _serving(w, point, qualification_type=False, **record):
    person = PersonFactory(organisation=w.company)
    if qualification_type is False:
        qualification_type = w.duty
    if qualification_type is None:
        record_of = QualificationRecordFactory(person=person, **record)
    else:
        record_of = QualificationRecordFactory(
            person=person, qualification_type=qualification_type, **record
        )
    PointAssignmentFactory(person=person, point=point, post=w.gate)
    return record_of


@pytest.mark.django_db
def test_records_changed_in_bulk_are_announced(points_world, counting):
    w = points_world
    late = PersonFactory(organisation=w.company)
    QualificationRecordFactory(
        person=late,
        qualification_type=w.duty,
        days_ago=400,
        valid_until=w.today - timedelta(days=1),
    )
    PointAssignmentFactory(person=late, point=w.point_a, post=w.gate)
    yesterday = w.today - timedelta(days=1)
    # The guard's record starts today: only the late one is held yesterday.
    assert at(read(w, counting, day=yesterday)[0], "PT-A2") == (2, 1)
    assert at(read(w, counting)[0], "PT-A2") == (2, 1)
    assert records_expire(w.today) == 1  # an update(): no model signal
    # Today's count stays: a record past its last day was not held today anyway.
    kept, done = read(w, counting)
    assert done == []
    assert at(kept, "PT-A2") == (2, 1)
    kept, done = read(w, counting, day=yesterday)
    assert done == ["all"]
    assert at(kept, "PT-A2") == (2, 0)  # expired, so no longer held yesterday


@pytest.mark.django_db
def test_records_of_a_voided_credential_recount_their_holders(points_world, counting):
    w = points_world
    w.duty.source = Source.EXTERNAL
    w.duty.credential_kind = CredentialKind.SECURITY_GUARD_CERTIFICATE
    w.duty.save()
    credential = ExternalCredentialFactory(
        person=w.guard,
        kind=CredentialKind.SECURITY_GUARD_CERTIFICATE,
        verified_at=timezone.now(),
    )
    w.guard.qualifications.filter(qualification_type=w.duty).update(
        external_credential=credential
    )
    read(w, counting)
    credential.voided_at = timezone.now()
    credential.void_reason = "伪造"
    credential.save()
    assert qualifications_issue(codes=[w.duty.code], person_ids=[w.guard.pk]).revoked
    kept, done = read(w, counting)
    assert {w.point_a.pk} in done and "all" not in done
    assert at(kept, "PT-A2") == (1, 0)


@pytest.mark.django_db
def test_a_change_during_a_count_is_recounted_by_the_next_reader(
    points_world, counting, monkeypatch
):
    w = points_world
    read(w, counting)
    count_cache.everything_changed()
    real = count_cache.counted

    def with_a_change_midway(scope, day, count_all, *others):
        def count_then_change():
            rows = count_all()  # counted before the change below...
            w.guard.status = PersonStatus.SUSPENDED  # ...made as it is returned
            w.guard.save(update_fields=["status"])
            return rows

        return real(scope, day, count_then_change, *others)

    monkeypatch.setattr(count_cache, "counted", with_a_change_midway)
    assert at(board(w), "PT-A2") == (1, 1)  # what was counted, and stamped before
    monkeypatch.setattr(count_cache, "counted", real)
    assert at(board(w), "PT-A2") == (1, 0)


@pytest.mark.django_db
def test_the_commit_marks_again(points_world, django_capture_on_commit_callbacks):
    w = points_world
    token = count_cache._structure()
    before = cache.get(count_cache.SEQ_KEY.format(token))
    with django_capture_on_commit_callbacks(execute=True):
        PointAssignmentFactory(person=w.colleague, point=w.point_a, post=w.gate)
        # At once, for reads later in the same transaction...
        assert cache.get(count_cache.SEQ_KEY.format(token)) == before + 1
    # ...and again after the commit, for a count read before it.
    assert cache.get(count_cache.SEQ_KEY.format(token)) == before + 2
    for number in (before + 1, before + 2):
        mark = cache.get(count_cache.LOG_KEY.format(token, number))
        assert mark == (count_cache.POINTS, frozenset({w.point_a.pk}))


def _lose_the_last_mark():
    token = count_cache._structure()
    number = cache.get(count_cache.SEQ_KEY.format(token))
    cache.delete(count_cache.LOG_KEY.format(token, number))


def _lose_the_sequence():
    cache.delete(count_cache.SEQ_KEY.format(count_cache._structure()))


@pytest.mark.parametrize(
    "break_it",
    [
        pytest.param(
            lambda mp: mp.setattr(count_cache, "MAX_MARKS", 1), id="too-many-marks"
        ),
        pytest.param(
            lambda mp: mp.setattr(count_cache, "MAX_DIRTY", 0), id="too-many-points"
        ),
        pytest.param(None, id="a-mark-lost"),
        pytest.param(None, id="the-sequence-lost"),
        pytest.param(
            lambda mp: mp.setattr(count_cache, "_atomic", lambda: False),
            id="no-atomic-counter",
        ),
    ],
)
@pytest.mark.django_db
def test_what_cannot_be_applied_mark_by_mark_recounts_everything(
    points_world, counting, monkeypatch, request, break_it
):
    w = points_world
    read(w, counting)
    if break_it is not None:
        break_it(monkeypatch)
    record = w.trainee.qualifications.get(qualification_type=w.duty)
    record_suspend(record=record, actor=w.station_staff.user, reason="核查")
    record_reinstate(record=record, actor=w.station_staff.user, reason="完毕")
    case = request.node.callspec.id
    if case == "a-mark-lost":
        _lose_the_last_mark()
    elif case == "the-sequence-lost":
        _lose_the_sequence()
    assert read(w, counting)[1] == ["all"]


@pytest.mark.django_db
def test_a_cache_that_is_down_counts_everything_every_time(
    points_world, counting, monkeypatch
):
    w = points_world
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "get_many", lambda *args, **kwargs: {})
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    board(w)
    board(w)
    assert counting == ["all", "all"]


@pytest.mark.django_db
def test_kept_counts_equal_a_fresh_count_after_any_changes(points_world, counting):
    """Random changes of every kind, each read through the kept counts and
    compared with a fresh count (``read``)."""
    w = points_world
    rng = random.Random(17)
    people = [w.trainee, w.colleague, w.guard]
    for _n in range(4):
        person = PersonFactory(organisation=w.company)
        QualificationRecordFactory(person=person, qualification_type=w.duty)
        people.append(person)
    points, posts = [w.point, w.point_a], [w.gate, w.patrol]
    read(w, counting)
    read(w, counting, post=w.gate.pk)
    recounted_in_part = 0
    for _step in range(25):
        person = rng.choice(people)
        change = rng.choice(("assign", "end", "move", "record", "status"))
        assignments = list(person.point_assignments.filter(valid_until__isnull=True))
        if change == "assign" or not assignments and change in ("end", "move"):
            PointAssignmentFactory(
                person=person,
                point=rng.choice(points),
                post=rng.choice(posts),
                valid_from=w.today - timedelta(days=rng.randint(0, 30)),
            )
        elif change == "end":
            assignment = rng.choice(assignments)
            assignment.valid_until = max(assignment.valid_from, w.today - timedelta(1))
            assignment.save()
        elif change == "move":
            assignment = rng.choice(assignments)
            assignment.point = rng.choice(points)
            assignment.save()
        elif change == "record":
            record = person.qualifications.filter(qualification_type=w.duty).first()
            if record is None:
                QualificationRecordFactory(person=person, qualification_type=w.duty)
            else:
                active = record.status == Status.ACTIVE
                record.status = Status.SUSPENDED if active else Status.ACTIVE
                record.save()
        else:
            person.status = rng.choice([PersonStatus.ACTIVE, PersonStatus.SUSPENDED])
            person.save(update_fields=["status"])
        day = w.today + timedelta(days=rng.choice((0, 0, 1, 2)))
        for options in ({"day": day}, {"day": day, "post": w.gate.pk}):
            _kept, done = read(w, counting, **options)
            assert "all" not in done
            recounted_in_part += bool(done)
    assert recounted_in_part > 10
