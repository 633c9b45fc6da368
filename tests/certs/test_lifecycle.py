"""The lifecycle services: approve, suspend, reinstate, revoke, each allowed only
from the right status, with who and why kept."""

import pytest
from django.utils import timezone

from lms.certs.constants import Status
from lms.certs.services import issuing
from lms.certs.services.issuing import LifecycleError
from tests.factories import PersonFactory, QualificationRecordFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_pending_record_is_approved_with_dates_from_today():
    record = QualificationRecordFactory(status=Status.PENDING, days_ago=30)
    manager = UserFactory()
    approved = issuing.record_approve(record=record, actor=manager)
    today = timezone.localdate()
    assert (approved.status, approved.valid_from, approved.issued_by) == (
        Status.ACTIVE,
        today,
        manager,
    )
    assert approved.valid_until == issuing.valid_until_for(
        record.qualification_type, today
    )


def test_suspend_reinstate_revoke_keep_who_and_why():
    record = QualificationRecordFactory()
    staff = UserFactory()
    issuing.record_suspend(record=record, actor=staff, reason="证件待核查")
    record.refresh_from_db()
    assert (record.status, record.status_reason) == (Status.SUSPENDED, "证件待核查")
    issuing.record_reinstate(record=record, actor=staff, reason="核查无误")
    record.refresh_from_db()
    assert record.status == Status.ACTIVE
    issuing.record_revoke(record=record, actor=staff, reason="冒名顶替")
    record.refresh_from_db()
    assert (record.status, record.status_changed_by) == (Status.REVOKED, staff)


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (Status.REVOKED, issuing.record_suspend),
        (Status.ACTIVE, issuing.record_reinstate),
        (Status.SUPERSEDED, issuing.record_revoke),
        (Status.EXPIRED, issuing.record_suspend),
    ],
)
def test_changes_the_status_does_not_allow_are_refused(status, change):
    record = QualificationRecordFactory(status=status)
    with pytest.raises(LifecycleError):
        change(record=record, actor=None, reason="x")
    record.refresh_from_db()
    assert record.status == status


def test_a_reason_is_required():
    record = QualificationRecordFactory()
    with pytest.raises(LifecycleError):
        issuing.record_revoke(record=record, actor=None, reason="  ")


def test_a_second_current_record_of_a_type_is_not_made():
    person = PersonFactory()
    first = QualificationRecordFactory(person=person)
    again = issuing.record_issue(person=person, qtype=first.qualification_type)
    assert again is None
