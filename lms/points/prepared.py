"""Boards counted before their readers come back (issue 17: ``/points/`` in
≤ 100 ms).

Most looks at ``/points/`` start from counts kept since the reader's last look
(lms/points/count_cache.py): a change recounts the points it touches. Two looks
did not: the first look at a new day (the day's counts start from the day
before's, recounting what starts or ends between) and any look after a post or
the types it requires changed (every kept count dropped): each counted on the
reader's request, 1.7–2 × the hand-written SQL. So the readers of the last day
are remembered, and their default boards (every post, no filter) are counted for
them:

- each night, for the new day, by ``manage.py prepare_points_boards`` (after the
  qualification engine: deploy/systemd, deploy/cron);
- after a post changed, by the task ``prepare_boards`` (lms/points/tasks.py).

Their next look then starts from kept counts. The readers are a hint kept in the
cache (their user ids and when they last looked, at most ``MAX_READERS``): lost
with it, they cost a full count at their next look, as before.
"""

import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from lms.people.selectors import people_visible_to
from lms.points import board_cache, scope
from lms.points.forms import BoardForm

READERS_KEY = "shouwang:points-readers"
# A reader is prepared for while their counts would still be kept.
REMEMBER_SECONDS = 26 * 60 * 60
# One write of the list an hour per reader at most.
NOTED_EVERY_SECONDS = 60 * 60
MAX_READERS = 200


def reader_seen(user):
    """Note that ``user`` looked at the points board (``/points/``)."""
    readers = cache.get(READERS_KEY) or {}
    now = int(time.time())
    if now - readers.get(user.pk, 0) < NOTED_EVERY_SECONDS:
        return
    readers[user.pk] = now
    recent = sorted(readers.items(), key=lambda item: item[1])[-MAX_READERS:]
    cache.set(
        READERS_KEY,
        {pk: at for pk, at in recent if now - at < REMEMBER_SECONDS},
        REMEMBER_SECONDS,
    )


def recent_readers():
    """The users who looked at the board in the last ``REMEMBER_SECONDS``."""
    now = int(time.time())
    readers = cache.get(READERS_KEY) or {}
    pks = [pk for pk, at in readers.items() if now - at < REMEMBER_SECONDS]
    return get_user_model().objects.filter(pk__in=pks, is_active=True)


def boards_prepare(*, day=None):
    """Count the default board of each recent reader who may still read it, on
    ``day`` (today), as their look at ``/points/?date=day`` would. Returns how
    many were counted."""
    day = day or timezone.localdate()
    options = BoardForm({"date": day.isoformat()}).options()
    prepared = 0
    for user in recent_readers():
        if not user.has_perm(scope.READ_PERMISSION):
            continue
        board_cache.board_and_map(
            scope.points_visible_to(user),
            people_visible_to(user),
            day_query=board_cache.day_query(options),
            **options,
        )
        prepared += 1
    return prepared
