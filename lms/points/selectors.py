"""Reads for the points pages, the dispatch API and the dashboard.

The budget (DESIGN.md): ``/points/`` of a station with 2,000 points and 100,000
people in a constant number of queries. ``point_board`` therefore reads

1. the points with their location (one query, a LEFT JOIN),
2. the posts and their required types (two queries, the roster's ``load_posts``),
3. the needs (one query),
4. the assignments in force on the day (one row each), which of their people the
   reader may see, and the active records of the people assigned (three queries),
   from which Python counts per point, post
   and employer: assigned, deployable that day, and deployable that day but no
   longer in 30 and 60 days (qualifications lapsing),
5. the employers' names (one query),

and rolls the counts up per point, per organisation and per post in Python.
"Deployable" is the roster's rule (active, and holding every type the post
requires on the day); tests/points compare the board with the roster's verdicts
and bench/points.py with hand-written SQL.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.db.models import Q

from lms.certs.constants import Status
from lms.certs.models import QualificationRecord
from lms.certs.roster import (
    RosterFilters,
    load_posts,
    roster_query,
    roster_rows,
)
from lms.people.constants import PersonStatus
from lms.people.models import Organisation
from lms.points.constants import EXPIRY_WINDOWS, Coverage
from lms.points.models import PointAssignment, PointNeed

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

    def add(self, other):
        self.need += other.need
        self.assigned += other.assigned
        self.deployable += other.deployable
        for days, count in other.lapsing.items():
            self.lapsing[days] = self.lapsing.get(days, 0) + count


@dataclass
class PointRow:
    pk: int
    code: str
    name: str
    category: str
    latitude: float | None
    longitude: float | None
    posts: list = field(default_factory=list)  # PostCount with a need or people
    distance_km: float | None = None

    @property
    def need(self):
        return sum(c.need for c in self.posts)

    @property
    def deployable(self):
        return sum(min(c.deployable, c.need) if c.need else 0 for c in self.posts)

    @property
    def gap(self):
        return sum(c.gap for c in self.posts)

    @property
    def assigned(self):
        return sum(c.assigned for c in self.posts)

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
    points: list  # PointRow
    totals: list  # PostCount per post
    organisations: list  # OrganisationRow

    @cached_property
    def short_points(self):
        # Read three times by a page; a Board is complete when it is returned.
        return [p for p in self.points if p.state == Coverage.SHORT]

    @property
    def need(self):
        return sum(c.need for c in self.totals)

    @property
    def gap(self):
        return sum(p.gap for p in self.points)


def _counts(points, people, posts, day, extra_type):
    """Per (point, post, employer): the people assigned on ``day``, how many are
    deployable, and how many of those no longer are after each expiry window.

    Two queries whatever the size: the assignments in force (one row each), and
    the active records of the assigned people for the types that matter. The
    verdicts are then made in Python with the roster's rule (a person is
    deployable for a post when active and holding every type it requires, a
    record being held on a day as ``QualificationRecord.held_on`` says). An
    ``EXISTS`` per assignment, post and day made PostgreSQL take 10 s for 2,000
    points; this takes milliseconds (docs/benchmarks.md)."""
    if not posts:
        return {}
    assignments = (
        PointAssignment.objects.on(day)
        .filter(point__in=points.values("pk"))
        .filter(post_id__in=[post.pk for post in posts])
    )
    # The reader's scope as its own query over the assigned people only: as a
    # subquery of the assignments, PostgreSQL hashed every person of the scope
    # (100,000) for a few thousand assignments.
    allowed = set(
        people.filter(pk__in=assignments.values("person_id"))
        .order_by()
        .values_list("pk", flat=True)
    )
    rows = [
        row
        for row in assignments.values_list(
            "point_id",
            "post_id",
            "person_id",
            "person__organisation_id",
            "person__status",
        ).order_by()
        if row[2] in allowed
    ]
    days = [day] + [day + timedelta(days=d) for d in EXPIRY_WINDOWS]
    type_ids = {t for post in posts for t in post.type_ids}
    if extra_type is not None:
        type_ids.add(extra_type)
    # (person, type) -> bit i set when held on days[i].
    held = defaultdict(int)
    records = QualificationRecord.objects.filter(
        person__in=assignments.values("person_id"),
        qualification_type_id__in=type_ids,
        status=Status.ACTIVE,
        valid_from__lte=days[-1],
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    for person_id, type_id, start, end in records.values_list(
        "person_id", "qualification_type_id", "valid_from", "valid_until"
    ).order_by():
        bits = 0
        for i, when in enumerate(days):
            if start <= when and (end is None or when <= end):
                bits |= 1 << i
        held[person_id, type_id] |= bits
    every_day = (1 << len(days)) - 1
    needed = {
        post.pk: post.type_ids + ((extra_type,) if extra_type is not None else ())
        for post in posts
    }
    width = len(days) + 1
    cells = {}
    # set(): a person assigned twice to the same point and post counts once.
    for point_id, post_id, person_id, organisation_id, status in set(rows):
        bits = every_day if status == PersonStatus.ACTIVE else 0
        for type_id in needed[post_id]:
            bits &= held.get((person_id, type_id), 0)
        key = (point_id, post_id, organisation_id)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = [0] * width
        cell[0] += 1
        if bits & 1:
            cell[1] += 1
            for i in range(1, len(days)):
                if not bits & (1 << i):
                    cell[i + 1] += 1
    return cells


def _needs(points, posts):
    """(category needs {(category, post): n}, point needs {(point, post): n})."""
    by_category, by_point = {}, {}
    rows = PointNeed.objects.filter(post_id__in=[post.pk for post in posts]).filter(
        Q(point__isnull=True) | Q(point__in=points.values("pk"))
    )
    for need in rows.values("category", "point_id", "post_id", "guards"):
        if need["point_id"]:
            by_point[need["point_id"], need["post_id"]] = need["guards"]
        else:
            by_category[need["category"], need["post_id"]] = need["guards"]
    return by_category, by_point


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
    point_values = list(
        points.order_by("code").values(
            "pk", "code", "name", "point_category", "site__latitude", "site__longitude"
        )
    )
    by_category, by_point = _needs(points, posts)
    counts = {}  # (point, post) -> [assigned, deployable, lapsing...]
    per_org = defaultdict(dict)  # organisation -> post -> the same
    for (point_id, post_id, org_id), cell in _counts(
        points, people, posts, day, qualification
    ).items():
        for table, key in ((counts, (point_id, post_id)), (per_org[org_id], post_id)):
            total = table.get(key)
            if total is None:
                table[key] = list(cell)
            else:
                for i, n in enumerate(cell):
                    total[i] += n
    rows, totals = [], {p.pk: PostCount(p) for p in posts}
    for value in point_values:
        lat, lon = value["site__latitude"], value["site__longitude"]
        row = PointRow(
            value["pk"],
            value["code"],
            value["name"],
            value["point_category"],
            float(lat) if lat is not None else None,
            float(lon) if lon is not None else None,
        )
        if near is not None:
            if lat is None:
                continue
            row.distance_km = _distance_km(
                near[0], near[1], row.latitude, row.longitude
            )
            if row.distance_km > radius_km:
                continue
        for post_rule in posts:
            need = by_point.get(
                (row.pk, post_rule.pk),
                by_category.get((row.category, post_rule.pk), 0),
            )
            cell = counts.get((row.pk, post_rule.pk))
            if not need and cell is None:
                continue
            count = _post_count(post_rule, cell, need)
            row.posts.append(count)
            totals[post_rule.pk].add(count)
        rows.append(row)
    if near is not None:
        rows.sort(key=lambda r: (r.distance_km, r.code))
    names = (
        dict(
            Organisation.objects.filter(pk__in=list(per_org)).values_list("pk", "name")
        )
        if per_org
        else {}
    )
    organisations = [
        OrganisationRow(
            pk,
            names.get(pk, ""),
            [_post_count(p, by_post.get(p.pk)) for p in posts],
        )
        for pk, by_post in sorted(per_org.items(), key=lambda i: names.get(i[0], ""))
    ]
    return Board(day, posts, rows, [totals[p.pk] for p in posts], organisations)


def _post_count(post, cell, need=0):
    """A PostCount from a counter list (or None: nobody)."""
    if cell is None:
        return PostCount(post, need=need, lapsing=dict.fromkeys(EXPIRY_WINDOWS, 0))
    return PostCount(
        post,
        need=need,
        assigned=cell[0],
        deployable=cell[1],
        lapsing=dict(zip(EXPIRY_WINDOWS, cell[2:], strict=True)),
    )


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
