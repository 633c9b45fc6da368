"""Expiry reminders: once at each threshold, once when two runs of the job overlap,
and a failed e-mail does not stop the others."""

from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from lms.certs.models import Reminder
from lms.certs.services import reminders
from lms.certs.services.reminders import reminders_send
from tests.factories import QualificationRecordFactory

pytestmark = pytest.mark.django_db


def with_email(person, address):
    person.user.email = address
    person.user.save()
    return person


def test_reminders_go_once_at_each_threshold(world):
    world.trainee.user.email = "t1@example.com"
    world.trainee.user.save()
    today = timezone.localdate()
    record = QualificationRecordFactory(person=world.trainee, days_ago=340)
    days_left = (record.valid_until - today).days
    assert 14 < days_left <= 30
    sent = reminders_send(today)
    assert [(r.record_id, r.days_before) for r in sent] == [(record.pk, 30)]
    assert reminders_send(today) == []
    assert Reminder.objects.count() == 1
    assert len(mail.outbox) == 1 and record.serial in mail.outbox[0].body
    # A week later the 14-day reminder is due (days the job missed are caught up).
    later = reminders_send(today + timezone.timedelta(days=days_left - 10))
    assert [r.days_before for r in later] == [14]


def test_overlapping_runs_send_each_reminder_once(world):
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
        outer = reminders_send(today)
    assert outer == [] and [r.record_id for r in inner[0]] == [record.pk]
    assert Reminder.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["oa@example.com", "t1@example.com"]


def test_a_failed_email_is_logged_and_the_others_go(world, caplog):
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
        sent = reminders_send(timezone.localdate())
    assert len(sent) == 2 and Reminder.objects.count() == 2
    assert [m.to for m in mail.outbox] == [["t2@example.com"]]
    emailed = dict(Reminder.objects.values_list("record__person", "emailed"))
    assert emailed == {world.trainee.pk: False, world.colleague.pk: True}
    record = Reminder.objects.get(record__person=world.trainee).record
    assert f"record {record.serial}" in caplog.text
    assert "broken@example.com" not in caplog.text  # an address is personal data
