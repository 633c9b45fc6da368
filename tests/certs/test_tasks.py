"""Background work with the database backend and a real worker run (`manage.py
db_worker --batch`, in this process): a drill's close queues the engine in the
close's own transaction, the worker issues the qualification; tasks left running
by a worker that died are requeued; a failed task is kept, shown to site admins and
can be run again; reminder e-mails go from the worker, once."""

import signal
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lms.certs import tasks
from lms.certs.models import QualificationRecord, Reminder
from lms.drills.services import drill_close
from tests.conftest import login
from tests.factories import DrillFactory, PersonFactory, QualificationRecordFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ours():
    """Our tasks (Wagtail queues its own too: reference and search index updates,
    which the worker also runs)."""
    return DBTaskResult.objects.filter(task_path__startswith="lms.")


@pytest.fixture
def queued(settings):
    """Tasks go to the database, as in production."""
    settings.TASKS = DATABASE_TASKS


@contextmanager
def _own_signals():
    """The worker installs its SIGINT/SIGTERM handlers (graceful stop): put
    pytest's back afterwards."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    try:
        yield
    finally:
        for name, handler in saved.items():
            signal.signal(name, handler)


def run_worker(worker_id="worker-a"):
    """What `manage.py db_worker` does on a machine, until the queue is empty."""
    with _own_signals():
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            worker_id,
            verbosity=0,
        )


def drill_with(person):
    from lms.drills.constants import AttendanceStatus, CheckinMethod
    from lms.drills.models import Attendance

    drill = DrillFactory()
    drill.people.add(person)
    Attendance.objects.create(
        drill=drill,
        person=person,
        status=AttendanceStatus.PRESENT,
        method=CheckinMethod.QR,
        scanned_at=drill.starts_at,
    )
    return drill


@pytest.mark.django_db(transaction=True)
def test_a_drill_close_is_issued_by_the_worker(duty, queued):
    person = PersonFactory()
    duty.complete_course(person)
    duty.pass_exam(person)
    drill = drill_with(person)

    drill_close(drill=drill, actor=None)

    # Committed with the close, not run: nothing is issued until a worker runs.
    task = ours().get()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "lms.certs.tasks.issue_for_people"
    assert task.args_kwargs == {"args": [[person.pk]], "kwargs": {}}  # ids only
    assert not QualificationRecord.objects.filter(person=person).exists()

    run_worker()

    record = QualificationRecord.objects.get(person=person)
    assert record.qualification_type == duty.type
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["worker-a"]
    assert task.return_value.startswith("issued 1,")
    # Run again (requeued by hand, or a second close): nothing more is issued.
    tasks.issue_for_people.enqueue([person.pk])
    run_worker()
    assert QualificationRecord.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_is_queued_in_the_callers_transaction(queued):
    """Queued with the change: a rolled-back change queues nothing, and the row
    exists before the commit (on_commit would lose it if the process died between
    the commit and the enqueue)."""
    person = PersonFactory()
    with transaction.atomic():
        tasks.after_results_changed([person.pk])
        assert ours().count() == 1
        transaction.set_rollback(True)
    assert ours().count() == 0


@pytest.mark.django_db(transaction=True)
def test_run_at_once_the_engine_waits_for_the_commit(duty):
    """The immediate backend (tests, demo) runs the engine only after the commit,
    so it sees the results being saved."""
    person = PersonFactory()
    with transaction.atomic():
        duty.earn(person)
        tasks.after_results_changed([person.pk])
        assert not QualificationRecord.objects.filter(person=person).exists()
    assert QualificationRecord.objects.filter(person=person).count() == 1
    assert ours().count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_task_left_running_by_a_dead_worker_is_run_again(duty, queued):
    """The worker claims a task (status RUNNING) and dies before finishing it:
    django-tasks-db never runs it again by itself. The worker's unit requeues what
    its own id left running before it starts (requeue_tasks --worker)."""
    person = PersonFactory()
    duty.earn(person)
    tasks.after_results_changed([person.pk])
    task = ours().get()
    task.claim("worker-a")  # what the worker does, then: kill -9

    run_worker("worker-b")  # another worker does not take it...
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
    assert not QualificationRecord.objects.exists()

    call_command("requeue_tasks", "--worker", "worker-b", verbosity=0)  # not its own
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING

    call_command("requeue_tasks", "--worker", "worker-a", verbosity=0)
    run_worker("worker-a")
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["worker-a", "worker-a"]  # tried twice: visible
    assert QualificationRecord.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_stale_running_tasks_are_requeued_and_recent_ones_are_not(queued, settings):
    settings.TASKS_STALE_AFTER_MINUTES = 30
    old, recent = (tasks.issue_for_people.enqueue([pk]) for pk in (1, 2))
    for result, minutes in ((old, 31), (recent, 5)):
        row = DBTaskResult.objects.get(pk=result.id)
        row.claim("gone")
        DBTaskResult.objects.filter(pk=row.pk).update(
            started_at=timezone.now() - timedelta(minutes=minutes)
        )
    call_command("requeue_tasks", "--stale", verbosity=0)
    assert DBTaskResult.objects.get(pk=old.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=recent.id).status == TaskResultStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_failed_task_is_kept_shown_to_site_admins_and_run_again(duty, queued, world):
    person = PersonFactory()
    duty.earn(person)
    tasks.after_results_changed([person.pk])
    with mock.patch.object(
        tasks, "qualifications_issue", side_effect=RuntimeError("database gone")
    ):
        run_worker()
    task = ours().get()
    assert task.status == TaskResultStatus.FAILED
    assert "database gone" in task.traceback

    admin = login(world.site_admin.user)
    listing = admin.get(reverse("tasks:index") + "?status=FAILED")
    assert listing.status_code == 200
    assert "lms.certs.tasks.issue_for_people" in listing.content.decode()
    assert "失败" in listing.content.decode()  # the package's status names, in Chinese
    inspect = admin.get(reverse("tasks:inspect", args=[task.pk]))
    assert "database gone" in inspect.content.decode()
    # Read only: the rows are the queue.
    assert admin.get(reverse("tasks:edit", args=[task.pk])).status_code != 200
    assert admin.post(reverse("tasks:delete", args=[task.pk])).status_code != 200
    assert DBTaskResult.objects.filter(pk=task.pk).exists()
    # Not for an organisation's admin.
    other = login(world.org_admin.user)
    assert other.get(reverse("tasks:index")).status_code != 200

    call_command("requeue_tasks", "--failed", verbosity=0)
    run_worker()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert QualificationRecord.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_listing_reads_the_same_whatever_the_number_of_rows(queued, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = login(world.site_admin.user)
    admin.get(reverse("tasks:index"))  # warm: the session, the site, the menu

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin.get(reverse("tasks:index")).status_code == 200
        return len(captured)

    tasks.issue_for_people.enqueue([1])
    one = queries()
    for pk in range(2, 12):
        tasks.issue_for_people.enqueue([pk])
    assert queries() == one


@pytest.mark.django_db(transaction=True)
def test_reminder_emails_go_from_the_worker_once(queued, world):
    world.trainee.user.email = "t1@example.com"
    world.trainee.user.save()
    world.org_admin.user.email = "oa@example.com"
    world.org_admin.user.save()
    QualificationRecordFactory(person=world.trainee, days_ago=340)

    call_command("send_expiry_reminders", verbosity=0)
    assert Reminder.objects.count() == 1 and mail.outbox == []
    assert sorted(ours().values_list("task_path", flat=True)) == [
        "lms.certs.tasks.email_digests",
        "lms.certs.tasks.email_reminders",
    ]

    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["oa@example.com", "t1@example.com"]
    assert Reminder.objects.get().emailed

    # The holder's e-mail task run again (requeued): nothing is sent twice.
    tasks.email_reminders.enqueue(list(Reminder.objects.values_list("pk", flat=True)))
    run_worker()
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_reminders_and_their_email_tasks_commit_together(queued, world):
    """A crash after the reminders are claimed and before their e-mails are queued
    leaves neither: the next run claims and queues them (none is lost)."""
    world.trainee.user.email = "t1@example.com"
    world.trainee.user.save()
    QualificationRecordFactory(person=world.trainee, days_ago=340)

    with (
        mock.patch.object(tasks, "reminders_created", side_effect=OSError("crash")),
        pytest.raises(OSError),
    ):
        call_command("send_expiry_reminders", verbosity=0)
    assert not Reminder.objects.exists() and not ours().exists()

    call_command("send_expiry_reminders", verbosity=0)
    assert Reminder.objects.count() == 1
    run_worker()
    assert [m.to for m in mail.outbox] == [["t1@example.com"]]
