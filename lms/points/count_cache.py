"""The board's counts kept per reader's scope and day, and recounted only for the
points a change touches (issue 17: ``/points/`` in ≤ 100 ms also when a change
has just made the board's entry unreachable).

The board's entry (lms/points/board_cache.py) is dropped by any change it
counts, and counting a station's board again (``_counts`` in
lms/points/selectors.py: every assignment in force, the records of everyone
assigned) costs as much as the hand-written SQL that computes the same figures,
80–90 ms of a 2-CPU host for 2,000 points and 100,000 people. A change touches a
few points, so the count's rows (one per point, post and employer) are kept here
with a *stamp*, and a reader recounts only the points changed since:

- Every change is *marked* in a log: an assignment marks its point (and the
  point it was saved at, when moved); a record or a person (status, employer)
  marks the person, resolved when read into the points where they serve. A mark
  takes the next number of ``SEQ_KEY`` (an atomic ``INCR``) and is stored under
  it. It is made at once (reads later in the same transaction) and again after
  the commit, as the board's generation is bumped.
- A reader reads the sequence *before* the database. An entry is (that number,
  the rows). The next reader with a higher number reads the marks between,
  recounts the points they name (the same query, its points narrowed to them)
  and keeps the rest of the rows. A mark made while a count ran has a number
  above the entry's stamp, so it is applied by the next reader: a race can cost
  a recount, never keep a stale row.
- What cannot be applied mark by mark makes the reader count everything: an
  entry missing or expired, a mark missing (evicted, or its number taken but
  not yet stored), more than ``MAX_MARKS`` marks, or more than ``MAX_DIRTY``
  points to recount.
- Changes that alter every row or the scope itself (a point or a company
  created, renamed or moved to another station; a post; records changed in bulk
  without naming the people) replace the *structure token*, which is in the key
  of every entry and of the sequence: every entry is then unreachable.
- The count is keyed by everything it is made of (the SQL of the reader's two
  scopes, the posts' required types, the day): a new day is a new entry,
  counted in full once.
- Writes that send no signal at all (SQL outside the application) are caught by
  ``TIMEOUT``.

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

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from lms.points.models import PointAssignment

STRUCTURE_KEY = "shouwang:points-counts-structure"
SEQ_KEY = "shouwang:points-counts-seq:{}"  # per structure token
LOG_KEY = "shouwang:points-counts-log:{}:{}"  # token, number
# The rows' layout is in the key: a deploy that changes it never reads an old one.
ENTRY_KEY = "shouwang:points-counts:v1:{}:{}"  # token, digest of what is counted
TIMEOUT = 2 * 60 * 60
# A mark outlives every entry stamped before it.
LOG_TIMEOUT = TIMEOUT + 10 * 60
STRUCTURE_TIMEOUT = 24 * 60 * 60
# Beyond these, one count of everything is cheaper than reading the marks and
# recounting point by point.
MAX_MARKS = 200
MAX_DIRTY = 300
# Person fields the count reads (their status, their employer); a save naming
# only others (a phone number, the last sign-in) changes no count.
PERSON_FIELDS = {"status", "organisation", "organisation_id"}
POINTS, PEOPLE = "points", "people"


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


def everything_changed():
    """Every kept count is unreachable (a point or company, a post; records
    changed in bulk)."""
    _now_and_on_commit(_new_structure)


def _dirty_points(marks):
    points, people = set(), set()
    for kind, ids in marks:
        (points if kind == POINTS else people).update(ids)
    if people:
        points.update(
            PointAssignment.objects.filter(person_id__in=people)
            .values_list("point_id", flat=True)
            .distinct()
        )
    return points


def _recounted(token, stamp, number, rows, count_points):
    """``rows`` with the points marked after ``stamp`` recounted, or None when the
    marks cannot be applied one by one."""
    if not 0 <= number - stamp <= MAX_MARKS:
        return None
    keys = [LOG_KEY.format(token, n) for n in range(stamp + 1, number + 1)]
    marks = cache.get_many(keys)
    if len(marks) != len(keys):
        return None
    dirty = _dirty_points(marks.values())
    if len(dirty) > MAX_DIRTY:
        return None
    if not dirty:
        return rows
    kept = [row for row in rows if row[0] not in dirty]
    return kept + list(count_points(sorted(dirty)))


def counted(what, count_all, count_points):
    """The count's rows (their first column a point's pk) for ``what`` (a
    hashable description of everything the count is made of), from the kept
    entry with the points changed since recounted (``count_points(pks)``), or
    ``count_all()`` when there is nothing to start from."""
    token = _structure()
    if token is None:
        return count_all()
    digest = hashlib.sha256(repr(what).encode()).hexdigest()
    seq_key, entry_key = SEQ_KEY.format(token), ENTRY_KEY.format(token, digest)
    found = cache.get_many([seq_key, entry_key])
    number = found.get(seq_key)
    if number is None:  # the sequence was evicted: marks may be lost
        _new_structure()
        return count_all()
    entry = found.get(entry_key)
    if entry is not None:
        stamp, rows = entry
        if stamp == number:
            return rows
        rows = _recounted(token, stamp, number, rows, count_points)
        if rows is not None:
            cache.set(entry_key, (number, rows), TIMEOUT)
            return rows
    rows = count_all()
    cache.set(entry_key, (number, rows), TIMEOUT)
    return rows
