"""The events records announce, for the floors above them to act on.

Records (courses, quizzes, drills, h5p) must not import the apps that act on their
results: qualifications sit above every record, and courses above the activities in
its lessons. So a record announces what happened here, on the ground floor, and the
app above connects its listener in its ``AppConfig.ready``. Plain Django signals:
listeners are called in order, and an exception in one reaches the sender (nothing
is swallowed). Listeners only hand over to a service.

- ``result_recorded(sender, person_ids)``: a result that qualification rules read has
  landed: a pass, a drill's close, a skill assessed after the close, a course
  completed. Sent *inside* the transaction that records it, so that what a listener
  writes (qualifications queue a task row) commits with the result or not at all; a
  listener that must see the commit waits for it itself.
- ``activity_passed(sender, user, lesson_id, block_id)``: an activity in a lesson (a
  quiz, an H5P exercise) was passed. Sent once the transaction commits: two
  activities of one lesson passed at the same moment must each see the other's
  result, which an open transaction would hide (PostgreSQL).

- ``records_changed(sender, person_ids, before)``: qualification records changed
  in bulk, by a queryset ``update()`` that sends no model signal (the nightly
  expiry, the records of voided outside credentials): ``person_ids``, or None
  for anyone; ``before``, a day: only as read on the days before it (records
  past their last day expired: on that day and later they were not held
  anyway).
  Sent *inside* the transaction, as ``result_recorded``: a listener that keeps
  a copy of what records say (the points board's cache) drops it now and again
  once the transaction commits.

``sender`` is the announcing app's label.
"""

from django.db import transaction
from django.dispatch import Signal

result_recorded = Signal()
activity_passed = Signal()
records_changed = Signal()


def result_announce(*, sender, person_ids):
    """Announce results of ``person_ids`` in the current transaction."""
    ids = sorted({int(pk) for pk in person_ids})
    if ids:
        result_recorded.send(sender=sender, person_ids=ids)


def activity_passed_announce(*, sender, user, lesson_id, block_id=None):
    """Announce a passed activity once the current transaction commits (at once
    outside one)."""
    transaction.on_commit(
        lambda: activity_passed.send(
            sender=sender, user=user, lesson_id=lesson_id, block_id=block_id
        )
    )


def records_changed_announce(*, sender, person_ids=None, before=None):
    """Announce records of ``person_ids`` (None: anyone's) changed in bulk, as
    read on the days before ``before`` (None: any day), in the current
    transaction."""
    ids = None if person_ids is None else sorted({int(pk) for pk in person_ids})
    if ids != []:
        records_changed.send(sender=sender, person_ids=ids, before=before)
