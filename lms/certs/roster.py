"""Selectors for the roster of deployable guards (docs/certs-roster.md).

A person is deployable for a post on a day when they are active and hold, on that
day, every qualification type the post requires (a record with status ACTIVE and
``valid_from <= day <= valid_until``, an empty ``valid_until`` meaning no expiry).

The budget (DESIGN.md) is a constant number of queries per page whatever the number
of people, so nothing here touches the database per person:

* ``roster_query`` loads the posts and their types (two queries) and builds the
  filtered, ordered people queryset: every filter, "deployable" included, is SQL
  (``EXISTS`` per required type), so the page can be paginated by the database;
* ``roster_rows`` takes one page of people and reads all their records in one
  query, then decides deployable and the reasons in Python;
* ``roster_iter`` walks the whole roster as RosterRows: the people from a
  server-side cursor, their records one query per 2,000 people (bounded memory;
  records matched by person id, so a change meanwhile cannot mismatch them). The
  exports read plain values instead (``lms.certs.roster_export``), ranked by the
  same ``record_rank``;
* ``roster_coverage`` counts people and deployable people per organisation and
  post in one aggregate query.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice

from django.db import connection, models
from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.certs.constants import Status
from lms.certs.models import Post, QualificationRecord
from lms.core.hooks import first_answer
from lms.people.constants import PersonStatus
from lms.people.models import Organisation, Person
from lms.people.selectors import people_visible_to

# Records that say nothing about why someone is not deployable.
IGNORED_STATUSES = (Status.PENDING,)
# How many rows a server-side cursor fetches at a time.
CHUNK_SIZE = 2000
# The roster's order (page, API and exports).
ROSTER_ORDER = ("organisation__code", "name", "pk")
# What the exports read of a person (lms.certs.roster_export and roster_copy).
EXPORT_PERSON_VALUES = (
    "pk",
    "name",
    "id_number_last4",
    "organisation__name",
    "team__name",
    "status",
)


class Reason(models.TextChoices):
    """Why a person is not deployable for a post. Per required type, the first of
    suspended, not yet valid, revoked, expired that applies, else missing."""

    INACTIVE = "inactive", _("Not active")
    SUSPENDED = "suspended", pgettext_lazy("qualification status", "Suspended")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    REVOKED = "revoked", pgettext_lazy("qualification status", "Revoked")
    EXPIRED = "expired", pgettext_lazy("qualification status", "Expired")
    MISSING = "missing", pgettext_lazy("qualification status", "Not held")


@dataclass(frozen=True)
class RosterFilters:
    day: date
    organisation: int | None = None
    team: int | None = None
    point: int | None = None
    post: int | None = None
    qualification_type: int | None = None
    deployable: bool | None = None
    expiring_within: int | None = None


@dataclass(frozen=True)
class PostRule:
    pk: int
    code: str
    name: str
    type_ids: tuple


@dataclass
class RosterQuery:
    filters: RosterFilters
    posts: list  # the PostRules shown (one when filtered by post)
    type_names: dict  # type pk -> (code, name), of every type a post requires
    people: models.QuerySet  # filtered and ordered
    where: models.QuerySet  # the scope with the "where" filters only (coverage)


@dataclass(frozen=True)
class Held:
    type_id: int
    type_code: str
    type_name: str
    serial: str
    valid_until: date | None


@dataclass(frozen=True)
class Missing:
    reason: str  # a Reason value
    type_id: int | None = None  # None for the person's own state (inactive)
    type_name: str = ""

    @property
    def label(self):
        return Reason(self.reason).label


@dataclass
class PostStanding:
    post: PostRule
    deployable: bool
    reasons: list = field(default_factory=list)  # Missing, when not deployable


@dataclass
class RosterRow:
    person: Person
    held: list
    posts: list  # PostStanding, in the order of RosterQuery.posts

    @property
    def deployable_anywhere(self):
        return any(standing.deployable for standing in self.posts)


# --- scope -----------------------------------------------------------------------


def roster_scope_for_user(user):
    """The people a signed-in user's roster covers (DESIGN.md scoping)."""
    return people_visible_to(user)


def roster_scope_for_station(station):
    """A station's people: its own and those of the organisations it supervises.
    An ``IN (subquery)`` on the organisation, not an OR across the join, so that
    PostgreSQL reads the people through their organisation index."""
    organisations = Organisation.objects.filter(
        Q(pk=station.pk) | Q(supervising_station=station)
    )
    return Person.objects.filter(organisation__in=organisations.values("pk"))


# --- the point filter --------------------------------------------------------------

# lms.points (above this app) answers with the people assigned to a point on a day,
# as a queryset of ids: the assignment table stays out of this app (docs/points.md).
POINT_PEOPLE_HOOK = "shouwang_point_people"


def point_people(point_id, day):
    """Who is assigned to ``point_id`` on ``day``; nobody without lms.points."""
    ids = first_answer(POINT_PEOPLE_HOOK, point_id=point_id, day=day)
    return Person.objects.none().values("pk") if ids is None else ids


# --- the query -------------------------------------------------------------------


def held_q(day, via=""):
    """Q over QualificationRecord: held on ``day`` (``QualificationRecord.held_on``
    in SQL). ``via`` reaches the records through a relation (``"qualifications__"``
    from a person), for a FilteredRelation's condition."""
    return Q(**{f"{via}status": Status.ACTIVE, f"{via}valid_from__lte": day}) & (
        Q(**{f"{via}valid_until__isnull": True}) | Q(**{f"{via}valid_until__gte": day})
    )


def holds(type_id, day):
    """EXISTS: the outer person holds ``type_id`` on ``day``."""
    return Exists(
        QualificationRecord.objects.filter(
            held_q(day), person=OuterRef("pk"), qualification_type_id=type_id
        )
    )


def deployable_q(post, day):
    """Q over Person: deployable for ``post`` (a PostRule) on ``day``."""
    q = Q(status=PersonStatus.ACTIVE)
    for type_id in post.type_ids:
        q &= Q(holds(type_id, day))
    return q


def load_posts():
    """Every post with its required types, in two queries."""
    posts = Post.objects.prefetch_related("required_types").order_by(
        "sort_order", "code"
    )
    rules, type_names = [], {}
    for post in posts:
        types = sorted(post.required_types.all(), key=lambda t: t.pk)
        for qtype in types:
            type_names[qtype.pk] = (qtype.code, qtype.name)
        rules.append(
            PostRule(post.pk, post.code, post.name, tuple(t.pk for t in types))
        )
    return rules, type_names


def roster_query(scope, filters):
    """The roster of the people in ``scope`` (a Person queryset) with ``filters``."""
    day = filters.day
    posts, type_names = load_posts()
    if filters.post is not None:
        posts = [post for post in posts if post.pk == filters.post]
    where = scope
    if filters.organisation is not None:
        where = where.filter(organisation_id=filters.organisation)
    if filters.point is not None:
        where = where.filter(pk__in=point_people(filters.point, day))
    if filters.team is not None:
        where = where.filter(team_id=filters.team)
    people = where
    if filters.qualification_type is not None:
        people = people.filter(holds(filters.qualification_type, day))
    if filters.expiring_within is not None:
        expiring = QualificationRecord.objects.filter(
            held_q(day),
            person=OuterRef("pk"),
            valid_until__lte=day + timedelta(days=filters.expiring_within),
        )
        if filters.qualification_type is not None:
            expiring = expiring.filter(qualification_type_id=filters.qualification_type)
        people = people.filter(Exists(expiring))
    if filters.deployable is not None:
        anywhere = Q(pk__in=[])
        for post in posts:
            anywhere |= deployable_q(post, day)
        people = people.filter(anywhere if filters.deployable else ~anywhere)
    people = people.select_related("organisation", "team").order_by(*ROSTER_ORDER)
    return RosterQuery(filters, posts, type_names, people, where)


# --- rows ------------------------------------------------------------------------


def _records_for(query):
    """The records that count for the roster, with their type's code and name as
    plain values (``type_code``, ``type_name``): a type object per record cost more
    than the rest of the row (types are Clusterable models)."""
    return (
        QualificationRecord.objects.exclude(status__in=IGNORED_STATUSES)
        .only(
            "person_id",
            "qualification_type_id",
            "serial",
            "status",
            "valid_from",
            "valid_until",
        )
        .annotate(
            type_code=F("qualification_type__code"),
            type_name=F("qualification_type__name"),
        )
        .order_by()
    )


# Where one record leaves its type on a day, as a rank: held (0), else its reason's
# place in the order "suspended, not yet valid, revoked, expired". The lowest rank
# among a person's records of a type wins, so a type with no record counting (or
# none at all) is missing. Plain values, not Status members: the export ranks
# 400,000 records and a TextChoices comparison costs several times a str one. The
# CSV export on PostgreSQL ranks in SQL, from these same tables (roster_copy.py).
HELD = 0
RANKED = (
    None,
    Reason.SUSPENDED,
    Reason.NOT_YET_VALID,
    Reason.REVOKED,
    Reason.EXPIRED,
    Reason.MISSING,
)
MISSING_RANK = len(RANKED) - 1
_ACTIVE = Status.ACTIVE.value
STATUS_RANK = {
    Status.SUSPENDED.value: RANKED.index(Reason.SUSPENDED),
    Status.REVOKED.value: RANKED.index(Reason.REVOKED),
    Status.EXPIRED.value: RANKED.index(Reason.EXPIRED),
    Status.SUPERSEDED.value: RANKED.index(Reason.EXPIRED),
}
NOT_YET_VALID_RANK = RANKED.index(Reason.NOT_YET_VALID)
EXPIRED_RANK = RANKED.index(Reason.EXPIRED)


def record_rank(status, valid_from, valid_until, day):
    """The rank (above) of one record on ``day``: ``HELD`` when it is held."""
    if status == _ACTIVE:
        if valid_from > day:
            return NOT_YET_VALID_RANK
        if valid_until is not None and valid_until < day:
            return EXPIRED_RANK
        return HELD
    return STATUS_RANK.get(status, MISSING_RANK)


def type_reason(records, day):
    """None when one of ``records`` (one person, one type) is held on ``day``,
    else the Reason."""
    rank = min(
        (record_rank(r.status, r.valid_from, r.valid_until, day) for r in records),
        default=MISSING_RANK,
    )
    return RANKED[rank]


def build_row(person, records, query):
    """One person's row from all their records (no query)."""
    day = query.filters.day
    by_type = defaultdict(list)
    held = []
    for record in records:
        by_type[record.qualification_type_id].append(record)
        if record.held_on(day):
            held.append(
                Held(
                    record.qualification_type_id,
                    record.type_code,
                    record.type_name,
                    record.serial,
                    record.valid_until,
                )
            )
    held.sort(key=lambda h: (h.type_code, h.serial))
    inactive = person.status != PersonStatus.ACTIVE
    standings = []
    for post in query.posts:
        reasons = [Missing(Reason.INACTIVE)] if inactive else []
        for type_id in post.type_ids:
            reason = type_reason(by_type.get(type_id, ()), day)
            if reason is not None:
                reasons.append(Missing(reason, type_id, query.type_names[type_id][1]))
        standings.append(PostStanding(post, not reasons, reasons))
    return RosterRow(person, held, standings)


def roster_rows(query, people):
    """Rows for ``people`` (a page, already loaded): one query for their records."""
    return list(_rows(query, list(people)))


def _rows(query, people):
    records = defaultdict(list)
    for record in _records_for(query).filter(person_id__in=[p.pk for p in people]):
        records[record.person_id].append(record)
    for person in people:
        yield build_row(person, records.pop(person.pk, ()), query)


def roster_iter(query, chunk_size=CHUNK_SIZE):
    """Every row of the roster, streamed: the people from a server-side cursor, and
    for each chunk of them their records by person id. Memory stays bounded (one
    chunk) and an export of n people makes 1 + n / chunk_size queries. The records
    are matched by id, not by walking a second cursor in the same order: two cursors
    read at different moments, and a person renamed in between would have shifted
    every later person onto the wrong records."""
    people = query.people.iterator(chunk_size=chunk_size)
    while chunk := list(islice(people, chunk_size)):
        yield from _rows(query, chunk)


# --- coverage --------------------------------------------------------------------


@dataclass
class Coverage:
    organisation_id: int
    name: str
    kind: str
    people: int
    deployable: list  # counts, in the order of RosterQuery.posts


def roster_coverage(query):
    """People and deployable people per post, per organisation (points included),
    for the scope with the organisation/team/point filters: one query.

    Two levels, as one ``EXISTS`` per person and type made PostgreSQL probe the
    records 5,000 × 7 times for one station (0.5 s): per person, one LEFT JOIN to
    the records held that day (a FilteredRelation) flags each required type; per
    organisation, SUM(CASE …) counts who has every flag of a post. Django's ORM
    cannot group an aggregate again, so the outer level is SQL around the ORM's
    own query, in portable SQL (SQLite and PostgreSQL)."""
    day = query.filters.day
    posts = query.posts
    type_ids = sorted({type_id for post in posts for type_id in post.type_ids})
    people = query.where.order_by()
    if type_ids:
        people = people.annotate(
            held=FilteredRelation(
                "qualifications",
                condition=held_q(day, "qualifications__")
                & Q(qualifications__qualification_type_id__in=type_ids),
            )
        )
    flags = {
        f"h_{type_id}": Max(
            Case(
                When(held__qualification_type_id=type_id, then=Value(1)),
                default=Value(0),
            )
        )
        for type_id in type_ids
    }
    per_person = people.values("id", "organisation_id", "status").annotate(**flags)
    inner_sql, inner_params = per_person.query.sql_with_params()
    sums = "".join(
        ", SUM(CASE WHEN per_person.status = %s"
        + "".join(f" AND per_person.h_{type_id} = 1" for type_id in post.type_ids)
        + " THEN 1 ELSE 0 END)"
        for post in posts
    )
    organisations = Organisation._meta.db_table
    sql = (
        f"SELECT o.id, o.name, o.kind, COUNT(*){sums} "  # noqa: S608 (no user text)
        f"FROM ({inner_sql}) per_person "
        f"JOIN {organisations} o ON o.id = per_person.organisation_id "
        "GROUP BY o.id, o.name, o.kind ORDER BY o.name, o.id"
    )
    params = [PersonStatus.ACTIVE.value] * len(posts) + list(inner_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Coverage(pk, name, kind, people, [int(n or 0) for n in counts])
        for pk, name, kind, people, *counts in rows
    ]
