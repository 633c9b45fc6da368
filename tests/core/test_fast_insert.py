"""lms.core.fast_insert writes what Model.save() writes, in one statement, and behaves
like save() for signals, constraints and transactions."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import HomePage
from lms.core import fast_insert
from lms.drills.models import Attendance
from tests.factories import DrillFactory, PersonFactory

pytestmark = pytest.mark.django_db


SCANNED = timezone.now() - timedelta(minutes=3)


def attendance(drill, person, **extra):
    fields = {
        "status": "late",
        "method": "qr",
        "scanned_at": SCANNED,
        "device": "d" * 32,
        "ip": "2001:db8::1",
        "user_agent": "Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0",
        "latitude": Decimal("31.230"),
        "longitude": Decimal("121.474"),
        "distance_m": 42,
        "flags": ["walk_in", "outside_area"],
    }
    return Attendance(drill=drill, person=person, **(fields | extra))


def test_the_row_is_the_one_save_writes_in_one_statement():
    drill = DrillFactory()
    saved = attendance(drill, PersonFactory())
    saved.save(force_insert=True)
    fast = attendance(drill, PersonFactory(), device="e" * 32)
    with CaptureQueriesContext(connection) as ctx:
        assert fast_insert.insert(fast) is fast
    assert len(ctx.captured_queries) == 1
    assert fast.pk is not None and fast.pk != saved.pk
    assert not fast._state.adding and fast._state.db == "default"
    assert fast.recorded_at is not None  # auto_now_add applied
    skip = {"id", "person_id", "device", "recorded_at"}
    rows = {
        row["id"]: {k: v for k, v in row.items() if k not in skip}
        for row in Attendance.objects.values()
    }
    assert rows[fast.pk] == rows[saved.pk]
    assert rows[fast.pk]["flags"] == ["walk_in", "outside_area"]
    assert rows[fast.pk]["latitude"] == Decimal("31.230")


def test_signals_are_sent_as_save_sends_them():
    got = []

    def receiver(signal, sender, instance, **kwargs):
        got.append((signal, sender, instance.pk, kwargs.get("created")))

    pre_save.connect(receiver, sender=Attendance)
    post_save.connect(receiver, sender=Attendance)
    try:
        row = fast_insert.insert(attendance(DrillFactory(), PersonFactory()))
    finally:
        pre_save.disconnect(receiver, sender=Attendance)
        post_save.disconnect(receiver, sender=Attendance)
    assert got == [
        (pre_save, Attendance, None, None),
        (post_save, Attendance, row.pk, True),
    ]


def test_a_constraint_raises_integrity_error_and_a_savepoint_recovers():
    drill, person = DrillFactory(), PersonFactory()
    fast_insert.insert(attendance(drill, person))
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            fast_insert.insert(attendance(drill, person, device="f" * 32))
        # the outer transaction is still usable
        assert Attendance.objects.filter(drill=drill).count() == 1


def test_outside_a_savepoint_the_transaction_is_marked_for_rollback():
    drill, person = DrillFactory(), PersonFactory()
    fast_insert.insert(attendance(drill, person))
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            fast_insert.insert(attendance(drill, person, device="f" * 32))
        assert transaction.get_rollback()
    # the block was rolled back as save() would have had it; the first row stands
    assert Attendance.objects.filter(drill=drill).count() == 1


def test_models_that_need_save_are_saved():
    """Inherited tables (every Wagtail page) and a primary key given in advance go
    through save()."""
    assert fast_insert._statement(HomePage, connection) is None
    with mock.patch.object(Attendance, "save", lambda self, **kw: None):
        assert not fast_insert._plain(Attendance)  # its own save() must run
    drill, person = DrillFactory(), PersonFactory()
    given = attendance(drill, person, pk=987654)
    fast_insert.insert(given)
    assert Attendance.objects.get(pk=987654).person == person
    # An expression as a value is compiled by save()
    computed = attendance(drill, PersonFactory(), device="c" * 32, scanned_at=Now())
    fast_insert.insert(computed)
    assert Attendance.objects.get(pk=computed.pk).scanned_at is not None
