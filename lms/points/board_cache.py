"""The board of ``/points/`` kept in the shared cache (issue 17: 100 ms for a
station with 2,000 points and 100,000 people).

Counting a station's board reads every assignment in force and the records of the
people assigned (lms/points/selectors.py, ``point_board``): hundreds of
milliseconds at that size, for counts that change only when someone assigns, ends
an assignment, issues or suspends a record, or edits a point, a need or a post.
So the board is kept in the cache, with the map drawn from it (the other large
part of the page), under a *board generation* (the page-tree cache's scheme,
lms/core/site_cache.py):

- ``GENERATION_KEY`` holds a random token; a save or delete of anything the board
  counts replaces it (``board_changed``, called by lms/points/receivers.py), at once
  and again after the commit, which makes every station's entries unreachable.
  Counting again is then mostly reading the counts kept per point
  (lms/points/count_cache.py) and recounting the points the change touched.
- An entry is keyed by the generation, the reader's scope (the SQL of the points
  and people they may see: two readers share an entry only when they see the same
  points and people; today the people's scope names the reader's own profile, so
  in practice an entry is a reader's) and the board's arguments (the day, post,
  qualification, ``near``, radius). Expiry is by date, and the day is in the key.
- The generation is read *before* the database, so an entry built while a change
  was being made is stamped with the old token: a race can waste an entry, never
  serve a stale one.
- Records changed in bulk (the nightly ``records_expire``, a voided outside
  credential) are announced (lms/core/events.py, ``records_changed``); writes
  that send no signal at all (SQL outside the application) are caught by
  ``TIMEOUT``: an entry lives a few minutes at most.
- A cache that is down (lms/core/redis_cache.py answers like a miss) gives no
  generation: the board is computed and nothing is stored.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.utils.translation import get_language

from lms.points import drawing
from lms.points.selectors import Board, point_board

GENERATION_KEY = "shouwang:points-board-generation"
# The entry's layout is in the key: a deploy that changes it never reads an old one.
KEY = "shouwang:points-board:v4:{}:{}"
TIMEOUT = 5 * 60
# A generation that expires only makes the entries stamped with it unreachable.
GENERATION_TIMEOUT = 24 * 60 * 60


def _bump():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, GENERATION_TIMEOUT)


def board_changed():
    """Anything the board counts changed (lms/points/receivers.py): now, and after
    the commit (a board read before it, stamped with the new token, would be
    stale)."""
    _bump()
    transaction.on_commit(_bump)


def generation():
    """The current generation (created when missing), or None when the cache is
    unreachable."""
    found = cache.get(GENERATION_KEY)
    if found is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, GENERATION_TIMEOUT)
        found = cache.get(GENERATION_KEY)
    return found


def day_query(options):
    """The query string that keeps the board's day on the links it makes."""
    return f"?date={options['day'].isoformat()}"


def _key(token, points, people, options, day_query):
    try:
        scope = f"{points.query}\n{people.query}"
    except EmptyResultSet:
        return None  # an empty scope: nothing worth keeping
    parts = [
        scope,
        repr(sorted(options.items())),
        day_query,
        get_language() or "",  # the map's title and labels
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return KEY.format(token, digest)


def board_and_map(points, people, *, day_query, **options):
    """(``point_board(points, people, **options)``, its SVG map), from the cache
    when the same scope and arguments were counted since the last change."""
    token = generation()
    key = _key(token, points, people, options, day_query) if token else None
    if key is not None:
        found = cache.get(key)
        if found is not None:
            return Board.from_state(found[0]), found[1]
    board = point_board(points, people, **options)
    svg = drawing.points_map(
        board.points, day_query=day_query, zoom_query=drawing.zoom_query(options)
    )
    if key is not None:
        # The board's state: its points are flat tuples (selectors.PointRow), which
        # pickle and unpickle in a few milliseconds where objects per point and
        # post took longer than the page's budget.
        cache.set(key, (board.state(), svg), TIMEOUT)
    return board, svg
