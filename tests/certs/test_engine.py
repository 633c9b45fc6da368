"""The engine issues, renews and expires records from real results; running it
twice changes nothing; two runs at once make one record."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from lms.certs.constants import RequirementKind, Source, Status
from lms.certs.models import QualificationRecord
from lms.certs.services.engine import qualifications_issue
from lms.certs.services.issuing import CODE_ALPHABET, record_revoke
from tests.concurrency import run_concurrently
from tests.factories import (
    ExternalCredentialFactory,
    PersonFactory,
    QualificationTypeFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db


def test_a_person_with_every_result_gets_the_record(duty):
    ready, halfway = PersonFactory(), PersonFactory()
    duty.earn(ready)
    duty.complete_course(halfway)
    duty.pass_exam(halfway)
    report = qualifications_issue()
    assert [r.person_id for r in report.issued] == [ready.pk]
    record = QualificationRecord.objects.get()
    today = timezone.localdate()
    assert record.status == Status.ACTIVE and record.issued_by is None
    assert (record.valid_from, record.valid_until) == (
        today,
        today.replace(year=today.year + 1) - timedelta(days=1),
    )
    assert record.serial == f"SW-{today.year}-000001"
    assert len(record.code) == 16 and set(record.code) <= set(CODE_ALPHABET)
    kinds = [e["kind"] for e in record.evidence["requirements"]]
    assert kinds == ["course", "exam", "drill_attended"]


def test_running_twice_changes_nothing(duty):
    person = PersonFactory()
    duty.earn(person)
    qualifications_issue()
    second = qualifications_issue()
    assert not (second.issued or second.renewed or second.pending)
    assert QualificationRecord.objects.count() == 1


def test_a_failed_exam_does_not_count(duty):
    person = PersonFactory()
    duty.complete_course(person)
    duty.attend_drill(person)
    duty.pass_exam(person, percent=40)
    assert not qualifications_issue().issued


def test_inactive_people_are_not_issued(duty):
    person = PersonFactory(status="left")
    duty.earn(person)
    assert not qualifications_issue().issued


def test_renewal_inside_the_window_supersedes_and_continues_the_dates(duty):
    person = PersonFactory()
    a_year_ago = timezone.now() - timedelta(days=340)
    duty.earn(person, at=a_year_ago)
    with_old_results = qualifications_issue(
        day=timezone.localdate() - timedelta(days=340)
    )
    old = with_old_results.issued[0]
    # New results inside the renewal window (60 days before the end); the course
    # is done once for good.
    duty.pass_exam(person)
    duty.attend_drill(person)
    report = qualifications_issue()
    assert [r.renews_id for r in report.renewed] == [old.pk]
    old.refresh_from_db()
    new = report.renewed[0]
    assert old.status == Status.SUPERSEDED
    assert new.serial != old.serial and new.code != old.code
    assert new.valid_from == timezone.localdate()
    assert new.valid_until > old.valid_until
    assert QualificationRecord.objects.filter(person=person).count() == 2


def test_expired_records_are_marked_and_not_held(duty):
    person = PersonFactory()
    long_ago = timezone.now() - timedelta(days=800)
    duty.earn(person, at=long_ago)
    qualifications_issue(day=timezone.localdate() - timedelta(days=800))
    report = qualifications_issue()
    assert report.expired == 1
    # The old results are still there, so the engine issues anew (no windows on
    # these rules): a new record, the expired one kept.
    assert QualificationRecord.objects.filter(status=Status.EXPIRED).count() == 1
    assert QualificationRecord.objects.filter(status=Status.ACTIVE).count() == 1


def test_a_chain_of_types_is_issued_in_one_run(duty):
    person = PersonFactory()
    duty.earn(person)
    patrol_lead = QualificationTypeFactory(code="LEAD")
    RequirementFactory(
        qualification_type=patrol_lead,
        kind=RequirementKind.QUALIFICATION_HELD,
        other_type=duty.type,
    )
    report = qualifications_issue()
    assert {r.qualification_type.code for r in report.issued} == {"JB-DUTY", "LEAD"}


def test_types_that_need_approval_wait(duty):
    duty.type.requires_approval = True
    duty.type.save()
    person = PersonFactory()
    duty.earn(person)
    report = qualifications_issue()
    assert [r.status for r in report.pending] == [Status.PENDING]
    assert not qualifications_issue().pending  # held once, not again


def test_a_revoked_record_is_not_reissued_from_the_same_results(duty):
    person = PersonFactory()
    duty.earn(person)
    record = qualifications_issue().issued[0]
    record_revoke(record=record, actor=None, reason="考试作弊")
    assert not qualifications_issue().issued
    # A new exam and a new drill after the revocation earn it again.
    tomorrow = timezone.now() + timedelta(days=1)
    duty.pass_exam(person, at=tomorrow)
    duty.attend_drill(person, at=tomorrow)
    again = qualifications_issue(day=timezone.localdate() + timedelta(days=1)).issued
    assert len(again) == 1 and again[0].pk != record.pk


def test_no_renewal_without_new_results(duty):
    person = PersonFactory()
    duty.earn(person, at=timezone.now() - timedelta(days=340))
    qualifications_issue(day=timezone.localdate() - timedelta(days=340))
    assert not qualifications_issue().renewed


def test_a_renewal_needing_approval_does_not_take_the_valid_record_away(duty):
    duty.type.requires_approval = True
    duty.type.save()
    person = PersonFactory()
    duty.earn(person, at=timezone.now() - timedelta(days=340))
    long_ago = timezone.localdate() - timedelta(days=340)
    old = qualifications_issue(day=long_ago).pending[0]
    old.status = Status.ACTIVE
    old.save()
    duty.pass_exam(person)
    duty.attend_drill(person)
    report = qualifications_issue()
    assert not (report.renewed or report.pending)
    old.refresh_from_db()
    assert old.status == Status.ACTIVE


def test_outside_credentials_are_recorded_once_verified():
    guard_card = QualificationTypeFactory(
        code="BAY",
        source=Source.EXTERNAL,
        credential_kind="security_guard_certificate",
        validity_months=None,
    )
    verified = ExternalCredentialFactory(verified_at=timezone.now())
    ExternalCredentialFactory()  # not verified
    report = qualifications_issue()
    assert [r.person_id for r in report.issued] == [verified.person_id]
    record = report.issued[0]
    assert record.qualification_type == guard_card
    assert record.valid_until is None and record.external_credential == verified
    assert not qualifications_issue().issued
    verified.voided_at = timezone.now()
    verified.void_reason = "伪造"
    verified.save()
    assert qualifications_issue().revoked == 1
    record.refresh_from_db()
    assert record.status == Status.REVOKED


def test_the_command_reports(duty, capsys):
    duty.earn(PersonFactory())
    call_command("issue_qualifications")
    assert "issued 1" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_engines_at_once_make_one_record(duty):
    person = PersonFactory()
    duty.earn(person)
    errors = run_concurrently(*[qualifications_issue for _ in range(4)])
    assert errors == []
    assert QualificationRecord.objects.filter(person=person).count() == 1


def test_passing_the_exam_issues_the_record_at_once(
    duty, django_capture_on_commit_callbacks
):
    """The quizzes app tells the engine after the pass commits: no nightly wait."""
    from lms.quizzes.services.attempts import attempt_start, attempt_submit
    from tests.factories import quiz_with_questions

    person = PersonFactory()
    duty.complete_course(person)
    duty.attend_drill(person)
    quiz = quiz_with_questions(count=3)
    duty.type.requirements.filter(kind=RequirementKind.EXAM_PASSED).update(quiz=quiz)
    attempt = attempt_start(quiz=quiz, person=person)
    answers = {q.position: q.snapshot["answer"] for q in attempt.questions.all()}
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, answers=answers)
    record = QualificationRecord.objects.get(person=person)
    assert record.qualification_type == duty.type and record.status == Status.ACTIVE
    assert any(e["kind"] == "exam" for e in record.evidence["requirements"])


def test_closing_a_drill_issues_to_those_present(
    duty, django_capture_on_commit_callbacks
):
    from lms.drills.services import drill_close

    person = PersonFactory()
    duty.complete_course(person)
    duty.pass_exam(person)
    attendance = duty.attend_drill(person)
    assert not QualificationRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        drill_close(drill=attendance.drill, actor=None)
    assert QualificationRecord.objects.filter(person=person).count() == 1


def test_any_drill_in_the_last_twelve_months_issues_the_record(duty):
    """A rule without a drill type: a patrol drill counts as well as a fire drill,
    but not one older than the window."""
    from lms.drills.constants import DrillType

    any_drill = QualificationTypeFactory(code="ANY-DRILL", name="演练常态化")
    RequirementFactory(
        qualification_type=any_drill,
        kind=RequirementKind.DRILL_ATTENDED,
        drill_type="",
        within_months=12,
    )
    recent, stale = PersonFactory(), PersonFactory()
    for person, days in ((recent, 30), (stale, 400)):
        at = timezone.now() - timedelta(days=days)
        duty.attend_drill(person, at=at, drill_type=DrillType.PATROL)
    report = qualifications_issue(codes=["ANY-DRILL"])
    assert [r.person_id for r in report.issued] == [recent.pk]
    record = QualificationRecord.objects.get(qualification_type=any_drill)
    assert record.evidence["requirements"][0]["kind"] == "drill_attended"
