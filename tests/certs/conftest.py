"""A duty qualification that needs a course, an exam and a fire drill, and helpers
that give a person each result."""

from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import Page

from lms.certs.constants import RequirementKind
from lms.courses.constants import EnrolmentStatus
from lms.courses.models import Enrolment
from lms.drills.constants import AttendanceStatus, CheckinMethod
from lms.drills.models import Attendance
from lms.quizzes.constants import AttemptStatus
from lms.quizzes.models import Attempt
from tests.factories import (
    DrillFactory,
    QualificationTypeFactory,
    QuizFactory,
    RequirementFactory,
)


class Duty:
    """The 警保联勤上岗资格 of the issue, with its three results."""

    def __init__(self):
        from tests.factories.cms import site_tree

        site_tree()  # the tree is gone after a transactional test's flush
        self.course = Page.objects.get(depth=1)
        self.quiz = QuizFactory()
        self.type = QualificationTypeFactory(code="JB-DUTY", name="警保联勤上岗资格")
        for kind, extra in (
            (RequirementKind.COURSE_COMPLETED, {"course": self.course}),
            (RequirementKind.EXAM_PASSED, {"quiz": self.quiz}),
            (RequirementKind.DRILL_ATTENDED, {"drill_type": "fire"}),
        ):
            RequirementFactory(qualification_type=self.type, kind=kind, **extra)

    def complete_course(self, person, at=None):
        return Enrolment.objects.create(
            person=person,
            page=self.course,
            status=EnrolmentStatus.COMPLETED,
            completed_at=at or timezone.now(),
            hours_credited=Decimal(8),
        )

    def pass_exam(self, person, at=None, percent=80):
        number = Attempt.objects.filter(person=person, quiz=self.quiz).count() + 1
        return Attempt.objects.create(
            quiz=self.quiz,
            person=person,
            number=number,
            status=AttemptStatus.SUBMITTED,
            submitted_at=at or timezone.now(),
            max_score=100,
            score=percent,
            percent=percent,
            passed=percent >= 60,
        )

    def attend_drill(self, person, at=None, drill_type="fire"):
        drill = DrillFactory(starts_at=at or timezone.now(), drill_type=drill_type)
        return Attendance.objects.create(
            drill=drill,
            person=person,
            status=AttendanceStatus.PRESENT,
            method=CheckinMethod.QR,
            scanned_at=drill.starts_at,
        )

    def earn(self, person, at=None):
        self.complete_course(person, at)
        self.pass_exam(person, at)
        self.attend_drill(person, at)


@pytest.fixture
def duty(db):
    return Duty()
