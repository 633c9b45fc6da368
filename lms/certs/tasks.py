"""Background work (django-tasks): the engine for the people whose results just
changed, and the reminder e-mails. Each task carries ids only (a row may change or
go between enqueue and run; the task reads it fresh). Run twice (requeued after its
worker died or ran past TASKS_STALE_AFTER_MINUTES, or again by hand), even at the
same time, each of ours does no harm: ``issue_for_people`` issues once by
constraint; ``email_reminders`` and ``email_digests`` claim each reminder (its
``emailed`` / ``digested`` mark, a conditional update) before its e-mail goes, so
no e-mail goes twice. The price: an e-mail whose run died between the claim and
the send is not sent (the in-app reminder stands); a failed send is un-claimed and
goes when the task runs again.

Where tasks run is the TASKS setting (cms/settings/base.py): at once in tests and
the demo, by `manage.py db_worker` in production. docs/certs.md "Background work".
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db import DatabaseBackend

from lms.certs.services.engine import qualifications_issue
from lms.certs.services.reminders import (
    reminders_claim,
    reminders_email_digests,
    reminders_email_holders,
)

logger = logging.getLogger("shouwang.tasks")

# Reminder e-mails per task: a big day's e-mails are spread over several tasks, so
# that none runs near TASKS_STALE_AFTER_MINUTES (a slow mail server).
EMAILS_PER_TASK = 200


@task()
def issue_for_people(person_ids):
    """The engine for these people. Returns what it did (kept with the result)."""
    return str(qualifications_issue(person_ids=sorted(set(person_ids))))


@task()
def email_reminders(reminder_ids):
    """The holders' e-mails for these reminders (those not e-mailed yet)."""
    return reminders_email_holders(reminder_ids)


@task()
def email_digests(reminder_ids, day):
    """One digest per organisation of these reminders' holders, to its admins."""
    return reminders_email_digests(reminder_ids, date.fromisoformat(day))


def queued_in_database(task_):
    return isinstance(task_.get_backend(), DatabaseBackend)


def enqueue(task_, *args):
    """Queue ``task_`` for the change being made. With the database backend the task
    row is written in the caller's transaction: it commits with the change or not
    at all, and no worker sees it before the change is visible (a crash between
    commit and enqueue cannot lose it). Run at once, it waits for the commit: it
    must see the change, and an activity passed at the same moment in another
    request must see this one."""
    if queued_in_database(task_):
        task_.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_.enqueue(*args))


def after_results_changed(person_ids):
    """When a pass, a drill's close, a skill assessment after the close or a
    completion lands (``lms.core.events.result_recorded``)."""
    ids = sorted({int(pk) for pk in person_ids})
    if ids:
        enqueue(issue_for_people, ids)


def reminders_send(day=None):
    """The daily run: create the reminders now due and queue their e-mails.
    Returns the new Reminder rows. The rows and the tasks that e-mail them commit
    together or not at all: a crash between the two would leave reminders claimed
    that no task e-mails, and no later run would e-mail them (the rows exist)."""
    day = day or timezone.localdate()
    with transaction.atomic():
        created = reminders_claim(day)
        reminders_created(created, day)
    return created


def reminders_created(reminders, day):
    """Queue the e-mails for reminders just created (ids only), in the caller's
    transaction (``enqueue``): the job calls this inside the one that claims the
    reminders, so rows and tasks commit together."""
    ids = [reminder.pk for reminder in reminders]
    for start in range(0, len(ids), EMAILS_PER_TASK):
        enqueue(email_reminders, ids[start : start + EMAILS_PER_TASK])
    if ids:
        enqueue(email_digests, ids, day.isoformat())


def tasks_requeue(*, worker_id=None, stale=False, failed=False, now=None):
    """Put tasks back in the queue (database backend); returns how many.

    ``worker_id``: tasks left running by that worker, which is starting again and
    so runs none of them (the worker's unit does this before it starts: a task
    whose worker was killed or whose machine lost power is not lost).
    ``stale``: tasks running longer than TASKS_STALE_AFTER_MINUTES, for a worker
    that never comes back. ``failed``: tasks that raised, to run again once the
    cause is fixed. Each row changes only if it is still in the state read, so a
    worker finishing the task meanwhile wins. Our tasks are safe to run twice, even
    at once (module docstring), so a task requeued while in fact still running does
    no harm."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    wanted = {}  # task id: the status it must still have to be requeued
    running = DBTaskResult.objects.running()
    if worker_id:
        for row in running.only("id", "worker_ids"):
            if row.worker_ids and row.worker_ids[-1] == worker_id:
                wanted[row.pk] = TaskResultStatus.RUNNING
    if stale:
        since = now - timedelta(minutes=settings.TASKS_STALE_AFTER_MINUTES)
        for pk in running.filter(started_at__lt=since).values_list("id", flat=True):
            wanted[pk] = TaskResultStatus.RUNNING
    if failed:
        for pk in DBTaskResult.objects.failed().values_list("id", flat=True):
            wanted[pk] = TaskResultStatus.FAILED
    requeued = 0
    for pk, status in wanted.items():
        requeued += DBTaskResult.objects.filter(pk=pk, status=status).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
    if requeued:
        logger.warning("requeued %d task(s): %s", requeued, sorted(map(str, wanted)))
    return requeued
