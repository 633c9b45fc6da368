"""The three pages the 长辈版 tests look at on a 360 px phone: the trainee's home,
a lesson of running text and an exam being taken."""

from lms.quizzes.constants import QuestionKind
from tests.e2e.journeys import course_of_two_lessons
from tests.factories import LessonPageFactory, quiz_with_questions

LESSON_BODY = [
    (
        "paragraph",
        "<p>灭火器是扑救初起火灾最常用的器材。保安员要熟悉它的位置、种类和使用方法。</p>",
    ),
    ("heading", "使用方法"),
    (
        "paragraph",
        "<p>提起灭火器，拔下保险销，一手握住喷管，对准火焰根部，用力压下压把。</p>",
    ),
    (
        "warning",
        {"title": "安全提示", "text": "电器着火时先切断电源，不能用水扑救。"},
    ),
    (
        "checklist",
        {"title": "要点", "items": ["提", "拔", "握", "压"]},
    ),
]


def elder_pages(trainee):
    """{name: path} of the home page, a lesson and an exam's start page (an exam
    of two questions with half an hour to answer them)."""
    course, _first, _second = course_of_two_lessons(trainee)
    lesson = LessonPageFactory(
        parent=course, slug="extinguisher", title="灭火器的使用", body=LESSON_BODY
    )
    quiz = quiz_with_questions(
        count=2,
        points=50,
        kinds=(QuestionKind.SINGLE, QuestionKind.MULTIPLE),
        time_limit_minutes=30,
        title="保安员资格模拟考试",
    )
    return {"home": "/", "lesson": lesson.url, "exam": f"/quizzes/{quiz.pk}/"}


def start_exam(page, exam_path):
    """Open the exam and start an attempt; the page is then the attempt itself."""
    page.goto(exam_path)
    page.locator(f'form[action="{exam_path}start/"] button').click()
    page.locator("fieldset.question").first.wait_for()
