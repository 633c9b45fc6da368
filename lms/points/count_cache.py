"""The board's counts kept per reader's scope and day, and recounted only for the
points a change touches (issue 17: ``/points/`` in ≤ 100 ms also when a change
has just made the board's entry unreachable).

The board's entry (lms/points/board_cache.py) is dropped by any change it
counts, and counting a station's board again (``_counts`` in
lms/points/selectors.py: every assignment in force, the records of everyone
assigned) costs as much as the hand-written SQL that computes the same figures,
45–90 ms of a 2-CPU host for 2,000 points and 100,000 people. A change touches a
few points, so the count's rows (one per point, post and employer) are kept here
with a *stamp*, and a reader recounts only the points changed since:

- Every change is *marked* in a log: an assignment marks its point (and the
  point it was read at, when moved); a record or a person (status, employer)
  marks the person, and an organisation (a point or company renamed, moved to
  another station) itself, both resolved when read into the points where those
  people serve. A mark takes the next number of ``SEQ_KEY`` (an atomic
  ``INCR``) and is stored under it. It is made at once (reads later in the same
  transaction) and again after the commit, as the board's generation is bumped.
- A reader reads the sequence *before* the database. An entry is (that number,
  the rows). The next reader with a higher number reads the marks between,
  recounts the points they name (the same query, its points narrowed to them)
  and keeps the rest of the rows. A mark made while a count ran has a number
  above the entry's stamp, so it is applied by the next reader: a race can cost
  a recount, never keep a stale row.
- An entry is a scope's (the SQL of the reader's two scopes, the posts'
  required types) on a day. A day not counted yet starts from the last day
  counted for that scope (up to ``MAX_DAYS_APART`` away): beside the marks, it
  recounts the points where an assignment, or a record of someone serving
  there, starts, ends or enters an expiry window between the two days
  (``_points_changed_between`` in lms/points/selectors.py). The evening's
  counts are the morning's start: ``TIMEOUT`` is a day and some.
- What cannot be applied mark by mark makes the reader count everything: no
  entry to start from, a mark missing (evicted, or its number taken but not
  yet stored), more than ``MAX_MARKS`` marks, or more than ``MAX_DIRTY`` points
  to recount.
- Records expired by the nightly run are one mark, the day: a count of that
  day or later stays (a record past its last day is held on no later day,
  expired or not), an earlier day's is counted again.
- A post or the types it requires, and records changed in bulk without naming
  their people, replace the *structure token*, which is in the key of every
  entry and of the sequence: every entry is then unreachable.
- Writes that send no signal at all (SQL outside the application) are not
  seen until the entries expire (``TIMEOUT``) or the cache is flushed
  (docs/points.md).

Why our own: django-cachalot and cacheops invalidate whole tables, which here is
what the board's generation already does; a materialized view would recount
everything on refresh. What is needed is the count of the few points a write
touches, and the mark log is the small piece of code that knows which.

The marks need an atomic counter: Redis (production) and the in-process memory
cache (tests) have one; Django's database and file caches read and then write,
so two marks could take one number and one be lost. With those backends every
mark replaces the structure token instead: every change recounts everything,
as before the log.
"""

import hashlib
import uuid
from collections import defaultdict

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import Q

from lms.points.models import PointAssignment

STRUCTURE_KEY = "shouwang:points-counts-structure"
SEQ_KEY = "shouwang:points-counts-seq:{}"  # per structure token
LOG_KEY = "shouwang:points-counts-log:{}:{}"  # token, number
# The rows' layout is in the key: a deploy that changes it never reads an old one.
ENTRY_KEY = "shouwang:points-counts:v2:{}:{}:{}"  # token, scope's digest, day
LAST_DAY_KEY = "shouwang:points-counts-day:v2:{}:{}"  # token, scope's digest
# Long enough for the evening's counts to be there for the morning's first read.
TIMEOUT = 26 * 60 * 60
# A mark outlives every entry stamped before it.
LOG_TIMEOUT = TIMEOUT + 10 * 60
STRUCTURE_TIMEOUT = 7 * 24 * 60 * 60
# Beyond these, one count of everything is cheaper than reading the marks and
# recounting point by point.
MAX_MARKS = 200
MAX_DIRTY = 300
MAX_DAYS_APART = 7
# Person fields the count reads (their status, their employer); a save naming
# only others (a phone number, the last sign-in) changes no count.
PERSON_FIELDS = {"status", "organisation", "organisation_id"}
POINTS, PEOPLE, ORGANISATIONS = "points", "people", "organisations"
DAYS_BEFORE = "days-before"


def _atomic():
    """Whether the cache counts atomically (see the module's docstring)."""
    return isinstance(caches["default"], RedisCache | LocMemCache)


def _new_structure():
    token = uuid.uuid4().hex
    cache.set(STRUCTURE_KEY, token, STRUCTURE_TIMEOUT)
    cache.set(SEQ_KEY.format(token), 0, STRUCTURE_TIMEOUT)
    return token


def _structure():
    """The structure token (made when missing), or None when the cache is down."""
    token = cache.get(STRUCTURE_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if cache.add(STRUCTURE_KEY, token, STRUCTURE_TIMEOUT):
            cache.add(SEQ_KEY.format(token), 0, STRUCTURE_TIMEOUT)
        token = cache.get(STRUCTURE_KEY)
    return token


def _log(kind, ids):
    if not _atomic():
        _new_structure()
        return
    token = _structure()
    if token is None:
        return  # the cache is down: lms/core/redis_cache.py flushes it on return
    try:
        number = cache.incr(SEQ_KEY.format(token))
    except ValueError:  # the sequence is gone (evicted): nothing can be trusted
        _new_structure()
        return
    cache.set(LOG_KEY.format(token, number), (kind, ids), LOG_TIMEOUT)


def _now_and_on_commit(write):
    """``write`` now, for reads later in the same transaction, and after the
    commit (outside a transaction, once)."""
    if transaction.get_connection().in_atomic_block:
        write()
    transaction.on_commit(write)


def _mark(kind, ids):
    ids = frozenset(pk for pk in ids if pk is not None)
    if ids:
        _now_and_on_commit(lambda: _log(kind, ids))


def points_changed(point_ids):
    """The counts of these points changed (an assignment made, ended, moved)."""
    _mark(POINTS, point_ids)


def people_changed(person_ids):
    """The counts of the points where these people serve changed (a record, a
    person's status or employer)."""
    _mark(PEOPLE, person_ids)


def organisations_changed(organisation_ids):
    """These organisations changed (a name, a station, a kind): a point's own
    counts, and those of the points where their people serve (the employer's
    name is in the rows; a company moved to another station takes its people
    out of that station's scope)."""
    _mark(ORGANISATIONS, organisation_ids)


def days_before_changed(day):
    """The counts of the days before ``day`` changed, not of ``day`` or later:
    records past their last day expired (the nightly run). A record past its
    last day is held on no later day, expired or not, so a count of ``day`` or
    later stays; one of an earlier day is counted again."""
    _mark(DAYS_BEFORE, {day})


def everything_changed():
    """Every kept count is unreachable (a post or the types it requires; records
    changed in bulk without naming their people)."""
    _now_and_on_commit(_new_structure)


def _dirty_points(marks):
    """The point pks the marks name (days-before marks name none: ``_recounted``
    has read them already)."""
    found = defaultdict(set)
    for kind, ids in marks:
        found[kind].update(ids)
    people, organisations = found[PEOPLE], found[ORGANISATIONS]
    points = found[POINTS] | organisations  # a point is an organisation
    if people or organisations:
        points.update(
            PointAssignment.objects.filter(
                Q(person_id__in=people) | Q(person__organisation_id__in=organisations)
            )
            .values_list("point_id", flat=True)
            .distinct()
        )
    return points


def _recounted(token, stamp, number, rows, day, count_points, more=None):
    """``rows`` with the points marked after ``stamp`` (and those ``more()``
    names) recounted for ``day``, or None when the marks cannot be applied one by
    one."""
    if not 0 <= number - stamp <= MAX_MARKS:
        return None
    keys = [LOG_KEY.format(token, n) for n in range(stamp + 1, number + 1)]
    marks = list(cache.get_many(keys).values()) if keys else []
    if len(marks) != len(keys):
        return None
    if any(kind == DAYS_BEFORE and day < max(ids) for kind, ids in marks):
        return None
    dirty = _dirty_points(marks)
    if more is not None:
        dirty |= more()
    if len(dirty) > MAX_DIRTY:
        return None
    if not dirty:
        return rows
    kept = [row for row in rows if row[0] not in dirty]
    return kept + list(count_points(sorted(dirty)))


def counted(scope, day, count_all, count_points, changed_between):
    """The count's rows (their first column a point's pk) for ``scope`` (a
    hashable description of everything the count is made of but the day) on
    ``day``: from the kept entry with the points changed since recounted
    (``count_points(pks)``); else from the entry of the last day counted for
    that scope, recounting also the points ``changed_between(that day, day)``
    names (assignments and records starting or ending between: the morning's
    first read starts from the evening's counts); else ``count_all()``."""
    token = _structure()
    if token is None:
        return count_all()
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()
    seq_key = SEQ_KEY.format(token)
    entry_key = ENTRY_KEY.format(token, digest, day.isoformat())
    last_day_key = LAST_DAY_KEY.format(token, digest)
    found = cache.get_many([seq_key, entry_key, last_day_key])
    number = found.get(seq_key)
    if number is None:  # the sequence was evicted: marks may be lost
        _new_structure()
        return count_all()
    entry, more = found.get(entry_key), None
    last = found.get(last_day_key)
    near = last is not None and 0 < abs((day - last).days) <= MAX_DAYS_APART
    if entry is None and near:
        entry = cache.get(ENTRY_KEY.format(token, digest, last.isoformat()))
        more = lambda: changed_between(last, day)  # noqa: E731
    rows = None
    if entry is not None:
        stamp, rows = entry
        if stamp == number and more is None:
            return rows
        rows = _recounted(token, stamp, number, rows, day, count_points, more)
    if rows is None:
        rows = count_all()
    cache.set_many({entry_key: (number, rows), last_day_key: day}, TIMEOUT)
    return rows
