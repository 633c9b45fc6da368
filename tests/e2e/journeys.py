"""What a trainee meets on their phone, made for the browser tests: a course of
two lessons they are enrolled in, a lesson with the real H5P True/False package
(served on its own origin), a qualification they still lack (a course, an exam
and a drill), and an exam."""

from decimal import Decimal
from urllib.parse import urlsplit

from wagtail.models import Page

from lms.certs.constants import RequirementKind
from lms.courses.constants import EnrolmentSource
from lms.courses.models import Assignment, Enrolment
from lms.quizzes.constants import QuestionKind, QuizKind
from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    QualificationTypeFactory,
    RequirementFactory,
    quiz_with_questions,
)
from tests.factories.courses import home


def course_of_two_lessons(trainee, *, title="消防安全基础"):
    """(course, first lesson, second lesson), the trainee enrolled."""
    catalogue = CourseIndexPageFactory(parent=Page.objects.get(depth=2), slug="courses")
    course = CoursePageFactory(parent=catalogue, slug="fire", title=title)
    first = LessonPageFactory(parent=course, slug="one", title="认识灭火器")
    second = LessonPageFactory(parent=course, slug="two", title="火场疏散引导")
    Enrolment.objects.create(
        person=trainee, page=course, source=EnrolmentSource.ASSIGNED
    )
    return course, first, second


def h5p_lesson(course, live_server, settings):
    """A lesson of ``course`` with the real True/False package (answer: False),
    the player framed from 127.0.0.1, another origin on the live server."""
    from tests.h5p.conftest import upload_fixture

    port = urlsplit(live_server.url).port
    settings.H5P_CONTENT_ORIGIN = f"http://127.0.0.1:{port}"
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    package = upload_fixture("h5p-standalone-h5p-test.h5p")
    return LessonPageFactory(
        parent=course,
        slug="judge",
        title="判断题",
        body=[
            (
                "h5p",
                {
                    "package": package,
                    "title": "判断",
                    "pass_mark": 100,
                    "required": True,
                },
            )
        ],
    )


def exam(title="保安员资格模拟考试"):
    return quiz_with_questions(
        count=2, points=50, kinds=(QuestionKind.SINGLE,), title=title
    )


def qualification_needing(course, quiz, *, name="警保联勤上岗资格"):
    """A qualification issued here that needs ``course``, ``quiz`` and a fire
    drill within a year."""
    qtype = QualificationTypeFactory(code="JB-DUTY", name=name)
    for kind, extra in (
        (RequirementKind.COURSE_COMPLETED, {"course": course}),
        (RequirementKind.EXAM_PASSED, {"quiz": quiz, "min_percent": Decimal(80)}),
        (RequirementKind.DRILL_ATTENDED, {"drill_type": "fire", "within_months": 12}),
    ):
        RequirementFactory(qualification_type=qtype, kind=kind, **extra)
    return qtype


def demo_fire_course(trainee):
    """The demo's fire course, assigned to the trainee's company: a lesson to
    read, one with the H5P exercise, one with a practice quiz."""
    from lms.courses.demo_h5p import chinese_true_false_package
    from tests.e2e.test_h5p_phone import h5p_block

    catalogue = CourseIndexPageFactory(parent=home(), slug="courses", title="培训课程")
    course = CoursePageFactory(
        parent=catalogue,
        slug="fire-safety",
        title="消防安全基础",
        study_hours=2,
        open_enrolment=False,
    )
    Assignment.objects.create(page=course, organisation=trainee.organisation)
    quiz = quiz_with_questions(
        count=2,
        points=50,
        kinds=(QuestionKind.TRUE_FALSE,),
        kind=QuizKind.PRACTICE,
        title="疏散引导练习",
    )
    course.lessons_in_order = [
        LessonPageFactory(parent=course, slug="extinguisher", title="认识灭火器"),
        LessonPageFactory(
            parent=course,
            slug="first-response",
            title="初起火灾扑救",
            body=[h5p_block(chinese_true_false_package())],
        ),
        LessonPageFactory(
            parent=course,
            slug="evacuation",
            title="火场疏散引导",
            body=[("quiz", {"quiz": quiz, "required": True})],
        ),
    ]
    return course
