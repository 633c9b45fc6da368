"""What the board counts changed: each listener hands over to the board's cache
(lms/points/board_cache.py) and the kept counts (lms/points/count_cache.py).
Connected in lms/points/apps.py."""

from django.db import transaction

from lms.points import board_cache, count_cache, tasks


def assignment_changed(sender, instance, **kwargs):
    """An assignment made, ended, moved or deleted: its point, and the point it
    was loaded at when it moved."""
    board_cache.board_changed()
    count_cache.points_changed({instance.point_id, instance.loaded_point_id})
    # Saved there now: a later move of the same object marks this point too.
    instance.loaded_point_id = instance.point_id


def record_changed(sender, instance, **kwargs):
    """A record issued, renewed, suspended, revoked: where its holder serves."""
    board_cache.board_changed()
    count_cache.people_changed({instance.person_id})


def person_changed(sender, instance, update_fields=None, **kwargs):
    """A person's status or employer: where they serve. A save naming only other
    fields (a phone number, the last sign-in) changes nothing counted."""
    if update_fields is not None and not set(update_fields) & count_cache.PERSON_FIELDS:
        return
    board_cache.board_changed()
    count_cache.people_changed({instance.pk})


def organisation_changed(sender, instance, **kwargs):
    """A point or company created, renamed, moved to another station: its own
    counts and those where its people serve."""
    board_cache.board_changed()
    count_cache.organisations_changed({instance.pk})


def post_changed(sender, **kwargs):
    """A post or the types it requires: every count; the recent readers' boards
    are counted again in the background (lms/points/prepared.py)."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: the change is announced once made
    board_cache.board_changed()
    count_cache.everything_changed()
    transaction.on_commit(tasks.prepare_boards.enqueue)


def need_changed(sender, **kwargs):
    """A need: the board, not the counts."""
    board_cache.board_changed()


def site_changed(sender, instance, **kwargs):
    """A point's location: the board, and the point's counts (a board ``near``
    somewhere counts the points within its radius: the point may have come in
    or gone out)."""
    board_cache.board_changed()
    count_cache.points_changed({instance.point_id})


def records_changed(sender, person_ids, before=None, **kwargs):
    """Records changed in bulk (lms/core/events.py): as read on the days before
    ``before`` only, or those people's, or anyone's."""
    board_cache.board_changed()
    if before is not None:
        count_cache.days_before_changed(before)
    elif person_ids is None:
        count_cache.everything_changed()
    else:
        count_cache.people_changed(person_ids)
