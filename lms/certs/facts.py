"""A person's facts for the rules engine, loaded for many people at once: one query
per kind of fact, whatever the number of people (``facts_for``)."""

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from lms.certs import rules
from lms.certs.models import QualificationRecord
from lms.courses.constants import EnrolmentStatus
from lms.courses.models import Enrolment
from lms.drills.constants import AttendanceStatus
from lms.drills.models import Attendance, SkillItem, SkillResult
from lms.people.models import ExternalCredential
from lms.quizzes.constants import AttemptStatus
from lms.quizzes.models import Attempt


def _local_date(moment):
    return timezone.localdate(moment)


def _drill_results(person_ids):
    """Attended drills with whether each was passed: every required skill of the
    drill's type passed (as lms.drills.selectors.drill_passed, in one query)."""
    required_failed = SkillItem.objects.filter(
        drill_type=OuterRef("drill__drill_type"), required=True
    ).exclude(
        pk__in=SkillResult.objects.filter(
            attendance=OuterRef(OuterRef("pk")), passed=True
        ).values("item_id")
    )
    rows = (
        Attendance.objects.filter(
            person_id__in=person_ids,
            voided_at__isnull=True,
            status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE),
        )
        .annotate(failed=Exists(required_failed))
        .values_list(
            "pk", "person_id", "drill__drill_type", "drill__starts_at", "failed"
        )
    )
    for pk, person_id, drill_type, starts_at, failed in rows:
        yield (
            person_id,
            rules.DrillResult(
                drill_type=drill_type,
                on=_local_date(starts_at),
                passed=not failed,
                id=pk,
            ),
        )


def facts_for(person_ids):
    """{person_id: rules.Facts} for the given people."""
    facts = defaultdict(rules.Facts)
    for pk, person_id, page_id, done_at, hours in Enrolment.objects.filter(
        person_id__in=person_ids,
        status=EnrolmentStatus.COMPLETED,
        completed_at__isnull=False,
    ).values_list("pk", "person_id", "page_id", "completed_at", "hours_credited"):
        facts[person_id].completions.append(
            rules.Completion(
                page_id=page_id, on=_local_date(done_at), hours=hours or 0, id=pk
            )
        )
    for pk, person_id, quiz_id, at, percent, passed in Attempt.objects.filter(
        person_id__in=person_ids,
        status__in=(AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT),
        submitted_at__isnull=False,
    ).values_list("pk", "person_id", "quiz_id", "submitted_at", "percent", "passed"):
        facts[person_id].exams.append(
            rules.ExamResult(
                quiz_id=quiz_id,
                on=_local_date(at),
                percent=percent or 0,
                passed=bool(passed),
                id=pk,
            )
        )
    for person_id, result in _drill_results(person_ids):
        facts[person_id].drills.append(result)
    for row in QualificationRecord.objects.filter(person_id__in=person_ids).values_list(
        "pk",
        "person_id",
        "qualification_type_id",
        "status",
        "valid_from",
        "valid_until",
        "status_changed_at",
    ):
        pk, person_id, type_id, status, valid_from, valid_until, changed = row
        facts[person_id].records.append(
            rules.Held(
                type_id,
                status,
                valid_from,
                valid_until,
                id=pk,
                changed_on=_local_date(changed) if changed else None,
            )
        )
    for row in ExternalCredential.objects.filter(person_id__in=person_ids).values_list(
        "pk", "person_id", "kind", "verified_at", "voided_at", "expires_on"
    ):
        pk, person_id, kind, verified_at, voided_at, expires_on = row
        facts[person_id].credentials.append(
            rules.Credential(
                kind=kind,
                verified=verified_at is not None,
                voided=voided_at is not None,
                expires_on=expires_on,
                id=pk,
            )
        )
    return facts
