"""Expiry reminders: once at each threshold, once when two runs of the job overlap,
and a failed e-mail does not stop the others. The e-mail tasks run after the job's
transaction commits (the immediate backend here): ``committed`` runs them."""

from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from lms.certs.models import Reminder
from lms.certs.services import reminders
from lms.certs.tasks import reminders_send
from tests.factories import QualificationRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the job as a transaction that commits (so its queued e-mail tasks run)."""

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send(day)

    return run


def with_email(person, address):
    person.user.email = address
    person.user.save()
    return person


def test_reminders_go_once_at_each_threshold(world, committed):
    world.trainee.user.email = "t1@example.com"
    world.trainee.user.save()
    today = timezone.localdate()
    record = QualificationRecordFactory(person=world.trainee, days_ago=340)
    days_left = (record.valid_until - today).days
    assert 14 < days_left <= 30
    sent = committed(today)
    assert [(r.record_id, r.days_before) for r in sent] == [(record.pk, 30)]
    assert committed(today) == []
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 1 and record.serial in mail.outbox[0].body
    # A week later the 14-day reminder is due (days the job missed are caught up).
    later = committed(today + timezone.timedelta(days=days_left - 10))
    assert [r.days_before for r in later] == [14]


def test_overlapping_runs_send_each_reminder_once(world, committed):
    """A second run starts after the first has read which reminders exist and
    finishes before the first writes: the first run sends nothing of it again."""
    with_email(world.trainee, "t1@example.com")
    with_email(world.org_admin, "oa@example.com")
    record = QualificationRecordFactory(person=world.trainee, days_ago=340)
    today = timezone.localdate()
    claim = reminders._claimed
    inner = []

    def overlapping(reminder):
        if not inner:
            inner.append(None)
            inner[0] = reminders_send(today)  # the other run, start to end
        return claim(reminder)

    with mock.patch.object(reminders, "_claimed", overlapping):
        outer = committed(today)
    assert outer == [] and [r.record_id for r in inner[0]] == [record.pk]
    assert Reminder.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["oa@example.com", "t1@example.com"]


def test_a_failed_email_is_logged_and_the_others_go(world, caplog, committed):
    with_email(world.trainee, "broken@example.com")
    with_email(world.colleague, "t2@example.com")
    QualificationRecordFactory(person=world.trainee, days_ago=340)
    QualificationRecordFactory(person=world.colleague, days_ago=340)
    real_send = reminders.send_mail

    def send(subject, body, sender, to):
        if to == ["broken@example.com"]:
            raise OSError("mailbox unavailable")
        return real_send(subject, body, sender, to)

    with mock.patch.object(reminders, "send_mail", send):
        sent = committed(timezone.localdate())
    assert len(sent) == 2 and Reminder.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["t2@example.com"]]
    emailed = dict(Reminder.objects.values_list("record__person", "emailed"))
    assert emailed == {world.trainee.pk: False, world.colleague.pk: True}
    record = Reminder.objects.get(record__person=world.trainee).record
    assert f"record {record.serial}" in caplog.text
    assert "broken@example.com" not in caplog.text  # an address is personal data


def test_a_rerun_of_the_email_task_while_the_first_sends_sends_nothing_twice(world):
    """The holders' task requeued (`requeue_tasks --stale`) and run by another
    worker while the first run is still sending: each reminder is claimed before
    its e-mail goes, so each holder gets one e-mail."""
    with_email(world.trainee, "t1@example.com")
    with_email(world.colleague, "t2@example.com")
    ids = [
        Reminder.objects.create(
            record=QualificationRecordFactory(person=person, days_ago=340),
            days_before=30,
        ).pk
        for person in (world.trainee, world.colleague)
    ]
    real_send = reminders.send_mail
    second = []

    def send(*args):
        if not second:
            second.append(None)
            second[0] = reminders.reminders_email_holders(ids)  # the other run
        return real_send(*args)

    with mock.patch.object(reminders, "send_mail", send):
        first = reminders.reminders_email_holders(ids)
    assert first + second[0] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["t1@example.com", "t2@example.com"]
    assert list(Reminder.objects.values_list("emailed", flat=True)) == [True, True]


def test_a_digest_task_run_again_sends_no_digest_twice(world):
    """The digests' task requeued (`requeue_tasks --stale`) and run again while
    the first still sends: one digest to the organisation's admins; a failed one is
    un-claimed and goes when the task runs again."""
    with_email(world.org_admin, "oa@example.com")
    ids = [
        Reminder.objects.create(
            record=QualificationRecordFactory(person=world.trainee, days_ago=340),
            days_before=30,
        ).pk
    ]
    day = timezone.localdate()
    real_send = reminders.send_mail
    second = []

    def send(*args):
        if not second:
            second.append(None)
            second[0] = reminders.reminders_email_digests(ids, day)  # the other run
        return real_send(*args)

    with mock.patch.object(reminders, "send_mail", send):
        first = reminders.reminders_email_digests(ids, day)
    assert first + second[0] == 1
    assert [m.to for m in mail.outbox] == [["oa@example.com"]]
    assert reminders.reminders_email_digests(ids, day) == 0
    assert len(mail.outbox) == 1

    Reminder.objects.update(digested=False)
    with mock.patch.object(reminders, "send_mail", side_effect=OSError("down")):
        assert reminders.reminders_email_digests(ids, day) == 0
    assert not Reminder.objects.get().digested
    assert reminders.reminders_email_digests(ids, day) == 1
    assert len(mail.outbox) == 2
