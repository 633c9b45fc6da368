"""The scheduled jobs are safe on two machines at once: two overlapping runs of each
of issue_qualifications, send_expiry_reminders and close_expired_attempts do the
work once. Each is shown twice: with the second run squeezed in at the worst moment
of the first (between what it read and what it writes: the same on SQLite and
PostgreSQL), and with real threads, each on its own connection. `exclusive` keeps
a second run of a job out altogether on PostgreSQL."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lms.certs.models import QualificationRecord, Reminder
from lms.certs.services import engine
from lms.quizzes.constants import AttemptStatus
from lms.quizzes.models import Attempt, AttemptQuestion
from lms.quizzes.services import attempts as attempt_services
from tests.concurrency import run_concurrently
from tests.factories import PersonFactory, QualificationRecordFactory
from tests.factories.quizzes import quiz_with_questions


def run(command, *args):
    call_command(command, *args, verbosity=0, stdout=_Null())


class _Null:
    def write(self, text):
        pass

    def flush(self):
        pass


def _inside_the_first_run(module, name, command):
    """Patch ``module.name`` so that its first call first runs ``command`` from
    start to end: the other machine's run, between the first run's reads and its
    writes."""
    real = getattr(module, name)
    done = []

    def squeezed(*args, **kwargs):
        if not done:
            done.append(True)
            run(command)
        return real(*args, **kwargs)

    return mock.patch.object(module, name, squeezed)


def _counting(module, name):
    real = getattr(module, name)
    calls = []

    def counted(*args, **kwargs):
        calls.append(args or kwargs)
        return real(*args, **kwargs)

    return mock.patch.object(module, name, counted), calls


# --- issue_qualifications ------------------------------------------------------


def _eligible(duty, count=3):
    people = [PersonFactory() for _ in range(count)]
    for person in people:
        duty.earn(person)
    return people


@pytest.mark.django_db
def test_issue_qualifications_overlapping_issues_once(duty):
    people = _eligible(duty)
    with _inside_the_first_run(engine, "record_issue", "issue_qualifications"):
        run("issue_qualifications")
    for person in people:
        assert QualificationRecord.objects.filter(person=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_issue_qualifications_twice_at_once_issues_once(duty):
    people = _eligible(duty)
    errors = run_concurrently(*[lambda: run("issue_qualifications")] * 2)
    assert errors == []
    for person in people:
        assert QualificationRecord.objects.filter(person=person).count() == 1


# --- send_expiry_reminders -----------------------------------------------------


def _ending_soon(world):
    for person, address in ((world.trainee, "t1"), (world.colleague, "t2")):
        person.user.email = f"{address}@example.com"
        person.user.save()
        QualificationRecordFactory(person=person, days_ago=340)
    world.org_admin.user.email = "oa@example.com"
    world.org_admin.user.save()


EXPECTED_MAIL = ["oa@example.com", "t1@example.com", "t2@example.com"]


@pytest.mark.django_db
def test_send_expiry_reminders_overlapping_sends_once(
    world, django_capture_on_commit_callbacks
):
    from lms.certs.services import reminders

    _ending_soon(world)
    # The e-mail tasks run when the job's transaction commits.
    with (
        _inside_the_first_run(reminders, "_claimed", "send_expiry_reminders"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run("send_expiry_reminders")
    assert Reminder.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == EXPECTED_MAIL


@pytest.mark.django_db(transaction=True)
def test_send_expiry_reminders_twice_at_once_sends_once(world):
    _ending_soon(world)
    errors = run_concurrently(*[lambda: run("send_expiry_reminders")] * 2)
    assert errors == []
    assert Reminder.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == EXPECTED_MAIL


# --- close_expired_attempts ----------------------------------------------------


def _expired_attempts(count=3):
    """Attempts started 20 minutes ago at a 5-minute quiz, answered right in time
    (so each close is a pass, which also queues the engine)."""
    quiz = quiz_with_questions(count=2, time_limit_minutes=5)
    start = timezone.now() - timedelta(minutes=20)
    started = []
    for _ in range(count):
        attempt = attempt_services.attempt_start(
            quiz=quiz, person=PersonFactory(), at=start
        )
        for row in AttemptQuestion.objects.filter(attempt=attempt):
            attempt_services.attempt_answer(
                attempt=attempt,
                position=row.position,
                choices=row.snapshot["answer"],
                at=start + timedelta(minutes=1),
            )
        started.append(attempt)
    return started


def _assert_each_closed_once(started, closes, engine_runs):
    assert sorted(call[0].pk for call in closes) == sorted(a.pk for a in started)
    assert sorted(engine_runs) == sorted([a.person_id] for a in started)
    for attempt in Attempt.objects.filter(pk__in=[a.pk for a in started]):
        assert attempt.status == AttemptStatus.TIMED_OUT and attempt.passed


@pytest.fixture
def engine_runs():
    """The people the engine was queued for, one list per enqueue."""
    queued = []
    with mock.patch(
        "lms.certs.tasks.after_results_changed",
        side_effect=lambda ids: queued.append(list(ids)),
    ):
        yield queued


@pytest.mark.django_db
def test_close_expired_attempts_overlapping_closes_once(engine_runs):
    started = _expired_attempts()
    counting, closes = _counting(attempt_services, "_close")
    with (
        counting,
        _inside_the_first_run(attempt_services, "_locked", "close_expired_attempts"),
    ):
        run("close_expired_attempts")
    _assert_each_closed_once(started, closes, engine_runs)


@pytest.mark.django_db(transaction=True)
def test_close_expired_attempts_twice_at_once_closes_once(engine_runs):
    started = _expired_attempts()
    counting, closes = _counting(attempt_services, "_close")
    with counting:
        errors = run_concurrently(*[lambda: run("close_expired_attempts")] * 2)
    assert errors == []
    _assert_each_closed_once(started, closes, engine_runs)


# --- exclusive ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_exclusive_skips_a_job_another_machine_is_running(capsys):
    """On PostgreSQL a second `exclusive JOB` while the first holds its lock does
    nothing; once the first is done the next run works. On SQLite (one machine) it
    just runs the job."""
    from lms.certs.management.commands.exclusive import LOCK_SPACE, lock_key

    started = _expired_attempts(count=1)
    if connection.vendor != "postgresql":
        call_command("exclusive", "close_expired_attempts")
        assert Attempt.objects.get(pk=started[0].pk).status == AttemptStatus.TIMED_OUT
        return
    held, release = threading.Event(), threading.Event()

    def other_machine():
        from django.db import connection as own

        with own.cursor() as cursor:
            key = lock_key("close_expired_attempts")
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, key])
            held.set()
            release.wait(10)
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, key])

    thread = threading.Thread(target=lambda: run_concurrently(other_machine))
    thread.start()
    assert held.wait(10)
    call_command("exclusive", "close_expired_attempts")
    assert "skipped" in capsys.readouterr().out
    assert Attempt.objects.get(pk=started[0].pk).status == AttemptStatus.IN_PROGRESS
    release.set()
    thread.join()
    call_command("exclusive", "close_expired_attempts")
    assert Attempt.objects.get(pk=started[0].pk).status == AttemptStatus.TIMED_OUT
