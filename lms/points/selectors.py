"""Reads for the points pages, the dispatch API and the dashboard.

The budget (DESIGN.md): ``/points/`` of a station with 2,000 points and 100,000
people in ≤ 100 ms and a constant number of queries, also when the board is not in
the cache (lms/points/board_cache.py). ``point_board`` therefore reads

1. the posts and their required types (two queries, the roster's ``load_posts``),
2. the points with their location (one query, a LEFT JOIN),
3. the needs (one query),
4. the counts per point, post and employer (one aggregate query, ``_counts``):
   assigned, deployable that day, and deployable that day but no longer in 30 and
   60 days (qualifications lapsing), with the employer's name,

and lays each point out as one flat ``PointRow`` (a tuple), totals per post and
per organisation beside them. "Deployable" is the roster's rule (active, and
holding every type the post requires on the day); tests/points compare the board
with the roster's verdicts and with a count in Python, bench/points.py with
hand-written SQL.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property, reduce
from operator import or_
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, FilteredRelation, FloatField, Q, Value
from django.db.models.functions import Cast

from lms.certs.constants import Status
from lms.certs.models import QualificationRecord
from lms.certs.roster import (
    RosterFilters,
    held_q,
    load_posts,
    roster_query,
    roster_rows,
)
from lms.people.constants import PersonStatus
from lms.points import count_cache
from lms.points.constants import EXPIRY_WINDOWS, Coverage
from lms.points.models import PointAssignment, PointNeed, in_force_q

EARTH_KM = 6371.0088


def assigned_people_ids(point_id, day):
    """The roster's point filter (registered in apps.py): who serves there on
    ``day``, as a subquery of person ids."""
    return PointAssignment.objects.on(day).filter(point_id=point_id).values("person_id")


@dataclass
class PostCount:
    post: object  # a lms.certs.roster.PostRule
    need: int = 0
    assigned: int = 0
    deployable: int = 0
    lapsing: dict = field(default_factory=dict)  # days -> how many drop out

    @property
    def gap(self):
        return max(0, self.need - self.deployable)


# A point's counts for one post, flat in PointRow.counts: the PostRule, need,
# assigned, deployable, then how many drop out in each of EXPIRY_WINDOWS.
COUNT_WIDTH = 4 + len(EXPIRY_WINDOWS)


class PointRow(NamedTuple):
    """One point of a board, as one flat tuple.

    A board of 2,000 points is 2,000 of these, not some 14,000 objects (a row,
    a PostCount per post, their lapsing dicts): building those took longer than
    counting, and unpickling them from the cache longer than the page's budget
    (Python's garbage collector walks the heap as they are made;
    docs/benchmarks.md). The map reads the fields; ``posts`` makes PostCounts for
    the rows a page or the API shows."""

    pk: int
    code: str
    name: str
    category: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    need: int
    deployable: int  # towards the need: per post at most its need
    gap: int
    counts: tuple  # COUNT_WIDTH values per post with a need or people

    @property
    def posts(self):
        counts = self.counts
        return [
            PostCount(
                counts[i],
                need=counts[i + 1],
                assigned=counts[i + 2],
                deployable=counts[i + 3],
                lapsing=dict(
                    zip(EXPIRY_WINDOWS, counts[i + 4 : i + COUNT_WIDTH], strict=True)
                ),
            )
            for i in range(0, len(counts), COUNT_WIDTH)
        ]

    @property
    def post_figures(self):
        """(PostRule, need, deployable) per post: what the list's cards show
        (lms/points/cards.py), without a PostCount each."""
        counts = self.counts
        return [
            (counts[i], counts[i + 1], counts[i + 3])
            for i in range(0, len(counts), COUNT_WIDTH)
        ]

    @property
    def assigned(self):
        return sum(self.counts[2::COUNT_WIDTH])

    @property
    def state(self):
        if self.gap:
            return Coverage.SHORT
        return Coverage.MET if self.need else Coverage.NO_NEED


@dataclass
class OrganisationRow:
    pk: int
    name: str
    posts: list  # PostCount per post of the board


@dataclass
class Board:
    day: object
    posts: list  # PostRules shown
    points: tuple  # PointRow
    totals: list  # PostCount per post
    organisations: list  # OrganisationRow

    def state(self):
        """What the cache keeps (lms/points/board_cache.py), read back by
        ``from_state``: the points as plain tuples, which pickle in a third of the
        time of the NamedTuples (2 ms against 5.5 for 2,000 points)."""
        points = tuple(map(tuple, self.points))
        return self.day, self.posts, points, self.totals, self.organisations

    @classmethod
    def from_state(cls, state):
        day, posts, points, totals, organisations = state
        points = tuple(map(PointRow._make, points))
        return cls(day, posts, points, totals, organisations)

    @cached_property
    def short_points(self):
        # Read three times by a page; a Board is complete when it is returned.
        return [p for p in self.points if p.gap]

    @property
    def need(self):
        return sum(c.need for c in self.totals)

    @property
    def gap(self):
        return sum(p.gap for p in self.points)


def _held(type_id, day):
    """A person's record of ``type_id`` held on ``day`` (the roster's rule,
    ``held_q``), as a LEFT JOIN. A person has at most one active record of a type
    (the ``certs_one_current_record`` constraint), so the join adds no rows."""
    return FilteredRelation(
        "qualifications",
        condition=held_q(day, "qualifications__")
        & Q(qualifications__qualification_type_id=type_id),
    )


_STATEMENTS_MAX = 64
_statements = {}


def _counts(points, people, posts, day, extra_type):
    """Rows of (point, post, employer, employer's name, assigned, deployable,
    no longer deployable after each expiry window): ``_counts_statement``'s
    query, run on a cursor (its rows are plain numbers already; Django's
    converters, an ``int()`` per count, took 4 ms of 5,400 rows).

    The rows are kept in the cache and recounted only for the points changed
    since (lms/points/count_cache.py). The statement is kept in each worker,
    keyed by everything it is made of (the SQL and parameters of the two scopes,
    the posts' required types, the day): building its FilteredRelations and
    filtered aggregates in the ORM took about 10 ms, a tenth of a page that
    counts the board."""
    if not posts:
        return []
    extra = (extra_type,) if extra_type is not None else ()
    needed = {post.pk: tuple(dict.fromkeys(post.type_ids + extra)) for post in posts}

    try:
        key = (
            connection.vendor,
            points.query.sql_with_params(),
            people.query.sql_with_params(),
            tuple(needed.items()),
            day,
        )
        hash(key)
    except TypeError:  # a scope with a parameter that cannot be a key: not kept
        return _run(_counts_statement(points, people, needed, day))
    except EmptyResultSet:  # nobody to count (an empty scope)
        return []

    def count_all():
        statement = _statements.get(key)
        if statement is None:
            statement = _keep(key, _counts_statement(points, people, needed, day))
        return _run(statement)

    def count_points(pks):
        narrowed = _narrowed_statement(key, len(pks), points, people, needed, day)
        return _run(narrowed(pks))

    def changed_between(first, second):
        return _points_changed_between(points, needed, first, second)

    return count_cache.counted(key[:-1], day, count_all, count_points, changed_between)


def _points_changed_between(points, needed, first, second):
    """The pks of ``points`` whose counts may differ between two days for the
    days alone: an assignment there, or a record of a type ``needed`` held by
    someone assigned there, starts or ends between them, or leaves an expiry
    window (lms/points/count_cache.py starts a day's count from another's)."""
    low, high = sorted((first, second))
    starts_or_ends = Q(valid_from__gt=low, valid_from__lte=high) | Q(
        valid_until__gte=low, valid_until__lt=high
    )
    lapses = reduce(
        or_,
        (
            Q(
                valid_until__gte=low + timedelta(days=days),
                valid_until__lt=high + timedelta(days=days),
            )
            for days in EXPIRY_WINDOWS
        ),
    )
    holders = QualificationRecord.objects.filter(
        starts_or_ends | lapses,
        status=Status.ACTIVE,
        qualification_type_id__in={t for types in needed.values() for t in types},
    ).values("person_id")
    return set(
        PointAssignment.objects.filter(point__in=points.values("pk"))
        .filter(starts_or_ends | Q(person_id__in=holders))
        .order_by()
        .values_list("point_id", flat=True)
        .distinct()
    )


def _narrowed_statement(key, size, points, people, needed, day):
    """A function of ``size`` point pks giving the statement that recounts those
    points. Built once per scope and size with stand-ins for the pks (negative
    numbers, which no row has), then kept like the full statement: building it
    took three times as long as running it."""
    made = _statements.get((key, size))
    if made is None:
        stand_ins = range(-1, -size - 1, -1)
        sql, params = _counts_statement(
            points.filter(pk__in=stand_ins), people, needed, day
        )
        at = {i: -p - 1 for i, p in enumerate(params) if type(p) is int and p < 0}
        if sorted(at.values()) != list(range(size)):  # not found as written
            return lambda pks: _counts_statement(
                points.filter(pk__in=pks), people, needed, day
            )
        made = _keep((key, size), (sql, params, at))
    sql, params, at = made

    def statement(pks):
        filled = list(params)
        for i, n in at.items():
            filled[i] = pks[n]
        return sql, filled

    return statement


def _keep(key, statement):
    if len(_statements) >= _STATEMENTS_MAX:
        _statements.clear()
    _statements[key] = statement
    return statement


def _run(statement):
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def _counts_statement(points, people, needed, day):
    """(SQL, parameters) of the one aggregate query that counts, per point, post
    and employer, who is assigned, deployable, and no longer deployable after
    each expiry window. ``needed``: post pk -> the types it requires (and the
    board's extra type).

    From the reader's people (``people``: their scope applies to the person rows
    themselves), joined to their assignments in force at ``points`` on the posts
    shown, and once per type a post requires (plus ``extra_type``) to the record
    of that type they hold on ``day`` (FilteredRelations: LEFT JOINs, each an
    index probe of ``certs_one_current_record``). A row's person is deployable
    for its post when active and every type the post requires is joined: the
    roster's ``deployable_q`` without an ``EXISTS`` per person, post and type
    (10 s on PostgreSQL for 2,000 points). Deployable today but not in n days: a
    required record ends before day + n (a record held today has started; no
    other can take over, there is one active record per type). COUNT(DISTINCT):
    a person assigned twice to the same point and post counts once."""
    type_ids = sorted({t for types in needed.values() for t in types})
    deployable = reduce(
        or_,
        (
            Q(
                assignment__post_id=post_id,
                status=PersonStatus.ACTIVE,
                **{f"held_{t}__isnull": False for t in types},
            )
            for post_id, types in needed.items()
        ),
    )

    def lapsing(days):
        when = day + timedelta(days=days)
        ends = [
            Q(assignment__post_id=post_id)
            & reduce(or_, (Q(**{f"held_{t}__valid_until__lt": when}) for t in types))
            for post_id, types in needed.items()
            if types
        ]
        if not ends:  # no post requires anything: nobody lapses
            return Value(0)
        return Count("pk", distinct=True, filter=deployable & reduce(or_, ends))

    windows = {f"lapsing_{days}": lapsing(days) for days in EXPIRY_WINDOWS}
    group = (
        "assignment__point_id",
        "assignment__post_id",
        "organisation_id",
        "organisation__name",
    )
    counted = (
        people.order_by()
        .alias(
            assignment=FilteredRelation(
                "point_assignments",
                condition=in_force_q(day, "point_assignments__")
                & Q(point_assignments__post_id__in=list(needed)),
            ),
            **{f"held_{t}": _held(t, day) for t in type_ids},
        )
        .filter(assignment__point__in=points.values("pk"))
        .values(*group)
        .annotate(
            assigned=Count("pk", distinct=True),
            deployable=Count("pk", distinct=True, filter=deployable),
            **windows,
        )
        .values_list(*group, "assigned", "deployable", *windows)
    )
    return counted.query.sql_with_params()


def need_figures(points, posts):
    """({(point pk, post pk): guards} set for ``points`` themselves, {(category,
    post pk): guards} of every category), for ``posts``, in one query.
    ``points``: a queryset of points or a list of them (the board's, a page of
    the admin's set-up pages)."""
    by_point, by_category = {}, {}
    rows = PointNeed.objects.filter(post_id__in=[post.pk for post in posts]).filter(
        Q(point__isnull=True) | Q(point__in=points)
    )
    for point_id, category, post_id, guards in rows.values_list(
        "point_id", "category", "post_id", "guards"
    ):
        if point_id:
            by_point[point_id, post_id] = guards
        else:
            by_category[category, post_id] = guards
    return by_point, by_category


def _distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine); plenty for a few kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def _box(near, radius_km):
    """A latitude/longitude box around ``near`` holding the radius: SQL narrows to
    it, Python measures the exact distance."""
    lat, lon = near
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    return {
        "site__latitude__gte": lat - dlat,
        "site__latitude__lte": lat + dlat,
        "site__longitude__gte": lon - dlon,
        "site__longitude__lte": lon + dlon,
    }


def _summed(cells):
    """One counter tuple from the rows of one point and post (one per employer)."""
    return cells[0] if len(cells) == 1 else tuple(map(sum, zip(*cells, strict=True)))


def _post_count(post, cell, need=0):
    """A PostCount from a counter tuple (assigned, deployable, *lapsing)."""
    return PostCount(
        post,
        need=need,
        assigned=cell[0],
        deployable=cell[1],
        lapsing=dict(zip(EXPIRY_WINDOWS, cell[2:], strict=True)),
    )


def point_board(
    points,
    people,
    *,
    day,
    post=None,
    qualification=None,
    near=None,
    radius_km=None,
):
    """The board of ``points`` (an Organisation queryset) counting ``people`` (a
    Person queryset, the reader's scope) on ``day``. ``post`` (a pk) keeps one post;
    ``qualification`` (a type pk) counts only guards who also hold it; ``near``
    ((lat, lon)) keeps the points within ``radius_km``, nearest first."""
    all_posts, _type_names = load_posts()
    posts = [p for p in all_posts if post is None or p.pk == post]
    if near is not None:
        points = points.filter(**_box(near, radius_km))
    point_values = points.order_by("code").values_list(
        "pk",
        "code",
        "name",
        "point_category",
        # Floats from the database: 4,000 Decimals made and converted cost more.
        Cast("site__latitude", FloatField()),
        Cast("site__longitude", FloatField()),
    )
    by_point, by_category = need_figures(points, posts)
    at_point = {}  # (point, post) -> counters, summed over the employers
    per_org = defaultdict(list)  # (organisation, post) -> counters, one per point
    names = {}
    for row in _counts(points, people, posts, day, qualification):
        key, cell = (row[0], row[1]), row[4:]
        found = at_point.get(key)  # most points have one employer per post
        at_point[key] = cell if found is None else _summed((found, cell))
        per_org[row[2], row[1]].append(cell)
        names[row[2]] = row[3]
    nobody = (0,) * (2 + len(EXPIRY_WINDOWS))
    shown = defaultdict(list)  # post -> (need, *counters) of every point shown
    rows = []
    # Local names: this loop runs once per point and post (6,000 times).
    point_need_of, category_need_of = by_point.get, by_category.get
    cells_of, rules = at_point.get, [(rule, rule.pk, shown[rule.pk]) for rule in posts]
    for pk, code, name, category, lat, lon in point_values:
        distance = None
        if near is not None:
            if lat is None:
                continue
            distance = _distance_km(near[0], near[1], lat, lon)
            if distance > radius_km:
                continue
        flat, point_need, point_deployable, point_gap = [], 0, 0, 0
        for rule, post_id, totals_of_post in rules:
            need = point_need_of((pk, post_id))
            if need is None:
                need = category_need_of((category, post_id), 0)
            cell = cells_of((pk, post_id))
            if cell is None:
                if not need:
                    continue
                cell = nobody
            flat += (rule, need, *cell)
            totals_of_post.append((need, *cell))
            if need:
                point_need += need
                deployable = cell[1]
                if deployable < need:
                    point_deployable += deployable
                    point_gap += need - deployable
                else:
                    point_deployable += need
        rows.append(
            PointRow(
                pk,
                code,
                name,
                category,
                lat,
                lon,
                distance,
                point_need,
                point_deployable,
                point_gap,
                tuple(flat),
            )
        )
    if near is not None:
        rows.sort(key=lambda r: (r.distance_km, r.code))
    totals = []
    for rule in posts:
        need, *cell = _summed(shown[rule.pk]) if shown[rule.pk] else (0, *nobody)
        totals.append(_post_count(rule, cell, need))
    organisations = [
        OrganisationRow(
            pk,
            name,
            [_post_count(p, _summed(per_org.get((pk, p.pk), [nobody]))) for p in posts],
        )
        for name, pk in sorted((name, pk) for pk, name in names.items())
    ]
    return Board(day, posts, tuple(rows), totals, organisations)


# --- one point ------------------------------------------------------------------


@dataclass
class AssignedRow:
    assignment: PointAssignment
    row: object  # lms.certs.roster.RosterRow
    standing: object  # the PostStanding of the assigned post


def point_people(point, people, *, day):
    """The people assigned to ``point`` on ``day`` (among ``people``, the reader's
    scope), each with the roster's row: what they hold and, for the post they are
    assigned to, whether they are deployable and why not. Four queries."""
    assignments = list(
        PointAssignment.objects.on(day)
        .filter(point=point, person__in=people.values("pk"))
        .select_related("post", "person")
        .order_by("post__sort_order", "post__code", "person__name", "pk")
    )
    scope = people.filter(pk__in=[a.person_id for a in assignments])
    query = roster_query(scope, RosterFilters(day=day))
    rows = {row.person.pk: row for row in roster_rows(query, query.people)}
    result = []
    for assignment in assignments:
        row = rows.get(assignment.person_id)
        if row is None:
            continue
        standing = next((s for s in row.posts if s.post.pk == assignment.post_id), None)
        result.append(AssignedRow(assignment, row, standing))
    return result


def person_assignments(person):
    """A person's assignments, newest first (their record page)."""
    return (
        PointAssignment.objects.filter(person=person)
        .select_related("point", "post")
        .order_by("-valid_from", "-pk")
    )
